// Sync settings and retry timing: flags over the environment over the config file, durations, and
// backoff that doubles per retry, half of it random, capped, honouring Retry-After.
import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../sources/fetch.js";
import { parseDuration, resolveSettings, SyncConfigFile } from "./sync-config.js";

describe("backoff and settings", () => {
  it("doubles the delay per retry, half of it random, capped, honouring Retry-After", () => {
    const s = { backoffBaseMs: 2000, backoffMaxMs: 60_000 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, s, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, s, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelay(10, s, () => 1)).toBe(60_000);
    expect(backoffDelay(0, s, () => 0, 30_000)).toBe(30_000);
    expect(backoffDelay(0, s, () => 0, 600_000)).toBe(60_000);
    const now = new Date("2026-04-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 Apr 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("takes flags over the environment over the config file", () => {
    const file = SyncConfigFile.parse({
      url: "https://mirror.example/287g",
      archive: "/srv/a",
      mirrors: ["https://m1.example/", { url: "https://m2.example/", max_files: 5 }],
      http: { read_timeout: "1m", retries: 5 },
    });
    const s = resolveSettings(file, { mirrors: ["https://m3.example/"], retries: 1 }, { G287_ARCHIVE: "/env/a" });
    expect(s).toMatchObject({
      pageUrl: "https://mirror.example/287g",
      archiveDir: "/env/a",
      mirrors: [
        { url: "https://m1.example/", maxFiles: 100 },
        { url: "https://m2.example/", maxFiles: 5 },
        { url: "https://m3.example/", maxFiles: 100 },
      ],
      http: { readTimeoutMs: 60_000, retries: 1, connectTimeoutMs: 15_000 },
    });
    expect(resolveSettings(null, {}, {}).pageUrl).toBe("https://www.ice.gov/identify-and-arrest/287g");
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("6 hours")).toBeNull();
    expect(() => SyncConfigFile.parse({ http: { read_timeout: "soon" } })).toThrow(/expected a duration/);
    expect(() => SyncConfigFile.parse({ mirror: [] })).toThrow();
  });
});
