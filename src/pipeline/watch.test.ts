// The watch scheduler on a clock that moves only when it sleeps: runs at once, then every period
// plus jitter from each start, through failures, and stops after --max-runs.
import { describe, expect, it } from "vitest";
import { nextDelay, watch } from "./watch.js";

describe("the watch scheduler", () => {
  /** A clock that moves only when the scheduler sleeps, and a run that takes 90 s. */
  function harness(outcomes: (boolean | Error)[], o: { jitterMs?: number; random?: number; maxRuns?: number } = {}) {
    let clock = Date.parse("2026-04-01T00:00:00Z");
    const lines: string[] = [];
    const stop = new AbortController();
    let i = 0;
    const done = watch({
      everyMs: 6 * 3_600_000,
      jitterMs: o.jitterMs ?? 600_000,
      maxRuns: o.maxRuns,
      signal: stop.signal,
      now: () => new Date(clock),
      random: () => o.random ?? 0.5,
      sleep: async (ms) => {
        clock += ms;
        if (i >= outcomes.length) stop.abort();
      },
      run: async () => {
        const out = outcomes[i++];
        clock += 90_000;
        if (out instanceof Error) throw out;
        return { line: out ? "new list ingested" : "failed: HTTP 503", ok: out as boolean };
      },
      log: (r, at, next) => lines.push(`${at.toISOString()} ${r.line} -> ${next?.toISOString() ?? "stop"}`),
    });
    return { done, lines };
  }

  it("runs at once, then every period plus jitter from each start, through failures and thrown errors", async () => {
    const { done, lines } = harness([false, new Error("store is locked"), true]);
    expect(await done).toEqual({ runs: 3, failures: 2 });
    expect(lines).toEqual([
      "2026-04-01T00:00:00.000Z failed: HTTP 503 -> 2026-04-01T06:05:00.000Z",
      "2026-04-01T06:05:00.000Z failed: store is locked -> 2026-04-01T12:10:00.000Z",
      "2026-04-01T12:10:00.000Z new list ingested -> 2026-04-01T18:15:00.000Z",
    ]);
  });

  it("stops after --max-runs without a last wait", async () => {
    const { done, lines } = harness([true, true, true], { maxRuns: 2, random: 0 });
    expect(await done).toEqual({ runs: 2, failures: 0 });
    expect(lines.at(-1)).toBe("2026-04-01T06:00:00.000Z new list ingested -> stop");
  });

  it("jitter spreads runs over [period, period + jitter)", () => {
    expect(nextDelay(0, 90_000, 3_600_000, 600_000, () => 0)).toBe(3_510_000);
    expect(nextDelay(0, 90_000, 3_600_000, 600_000, () => 0.999)).toBe(4_109_400);
    expect(nextDelay(0, 5_000_000, 3_600_000, 0, () => 0.5)).toBe(0);
  });
});
