import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // The fake ICE, mirror, MOA and webhook servers listen on loopback, which outbound requests
    // refuse outside this test mode (src/net/policy.ts). test/outbound.test.ts narrows it.
    env: { G287_ALLOW_LOOPBACK: "1" },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default"],
  },
});
