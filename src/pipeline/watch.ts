// The scheduler behind `g287 watch`: one run now, then one every period plus a random jitter,
// counted from the start of the previous run so slow runs do not drift. A failed run is logged and
// the next one still happens; aborting the signal stops it between runs or cuts a sleep short.
// Clock, sleep and randomness are injected so tests run it without waiting.
import { sleep as realSleep } from "../sources/fetch.js";

export interface RunReport {
  /** One line describing the run (without time stamps). */
  line: string;
  ok: boolean;
  /** The run's full result, for machine-readable logs. */
  data?: unknown;
}

export interface WatchOptions {
  everyMs: number;
  jitterMs: number;
  run: (signal: AbortSignal) => Promise<RunReport>;
  log: (report: RunReport, at: Date, next: Date | null) => void;
  signal: AbortSignal;
  /** Stop after this many runs (for tests and one-off use); unlimited when absent. */
  maxRuns?: number;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface WatchResult {
  runs: number;
  failures: number;
}

/** Milliseconds from `now` to the next run: start + period + jitter in [0, jitter), never negative. */
export function nextDelay(
  startedAt: number,
  now: number,
  everyMs: number,
  jitterMs: number,
  random: () => number,
): number {
  return Math.max(0, Math.round(startedAt + everyMs + random() * jitterMs - now));
}

export async function watch(o: WatchOptions): Promise<WatchResult> {
  const now = o.now ?? (() => new Date());
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  let runs = 0;
  let failures = 0;
  while (!o.signal.aborted) {
    const started = now();
    let report: RunReport;
    try {
      report = await o.run(o.signal);
    } catch (e) {
      report = { line: `failed: ${(e as Error).message || String(e)}`, ok: false };
    }
    runs++;
    if (!report.ok) failures++;
    const last = o.signal.aborted || (o.maxRuns !== undefined && runs >= o.maxRuns);
    const delay = last ? 0 : nextDelay(started.getTime(), now().getTime(), o.everyMs, o.jitterMs, random);
    o.log(report, started, last ? null : new Date(now().getTime() + delay));
    if (last) break;
    try {
      await sleep(delay, o.signal);
    } catch {
      break;
    }
  }
  return { runs, failures };
}
