// Three test projects, told apart by where a file lives, never by a list (README.md, "Testing"):
// unit, beside the code it tests; browser, the web app in Chromium; archive, everything else in test/.
import os from "node:os";
import { defineConfig } from "vitest/config";

const ARCHIVE_SETUP = ["test/global-setup.ts"];

export default defineConfig({
  test: {
    // The fake ICE, mirror, MOA and webhook servers listen on loopback, which outbound requests
    // refuse outside this test mode (src/net/policy.ts). test/outbound.test.ts narrows it.
    env: { G287_ALLOW_LOOPBACK: "1" },
    // Most archive tests wait on a child process, a socket or a timer rather than the CPU, so two
    // files run at a time even on a two-core machine (where vitest's default is one). Three on two
    // cores was slower (a clean-clone CI run: 21.5 min against 18.5), Chromium and replays crowding.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default"],
    projects: [
      // No archive, no web build, no global setup: `npm run test:unit` answers in seconds.
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"] } },
      // The real lists replayed once per run (cached by content across runs) and the built web app.
      {
        extends: true,
        test: {
          name: "archive",
          include: ["test/**/*.test.ts"],
          exclude: ["test/web*.test.ts"],
          globalSetup: ARCHIVE_SETUP,
        },
      },
      { extends: true, test: { name: "browser", include: ["test/web*.test.ts"], globalSetup: ARCHIVE_SETUP } },
    ],
  },
});
