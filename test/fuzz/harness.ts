// The input fuzzer: seeded mutations of real ICE lists (bytes, zip entries, worksheet XML, shared
// strings, hyperlinks, dates, headers) and generated hostile files (bombs, huge sheets, deep
// nesting, odd names). Each case is ingested by a child process into a copy of a small store; the
// parent times it, kills it past the deadline, and counts the outcomes.
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { HOSTILE } from "./hostile.js";
import { type FuzzCase, pick, prng, ROOT, SMALL_SEEDS } from "./inputs.js";
import { MUTATORS } from "./mutations.js";

export {
  ALL_SEEDS,
  ARCHIVE,
  BASE_LIST,
  type FuzzCase,
  ODD_NAMES,
  prng,
  ROOT,
  SMALL_SEEDS,
} from "./inputs.js";

/** Every kind of case, mutation and hostile, in a fixed order. */
export const KINDS = [
  ...Object.keys(MUTATORS).map((k) => `mutate:${k}`),
  ...Object.keys(HOSTILE).map((k) => `hostile:${k}`),
];

/** The i-th case of a seed: the same bytes every time, on every machine. */
export function makeCase(seed: number, i: number, seeds: readonly string[] = SMALL_SEEDS): FuzzCase {
  const rng = prng((seed * 1_000_003 + i) >>> 0);
  // Mutations of real lists are most of the cases; hostile files come every fourth case.
  const hostile = i % 4 === 3;
  if (hostile) {
    const names = Object.keys(HOSTILE);
    const kind = names[Math.floor(i / 4) % names.length] as string;
    const h = (HOSTILE[kind] as (typeof HOSTILE)[string])(rng);
    return { kind: `hostile:${kind}`, detail: h.detail, file: `case-${i}.${h.ext ?? "xlsx"}`, bytes: h.bytes };
  }
  const names = Object.keys(MUTATORS);
  const kind = pick(rng, names);
  const seedList = pick(rng, seeds);
  const m = (MUTATORS[kind] as (typeof MUTATORS)[string])(rng, seedList);
  return { kind: `mutate:${kind}`, detail: m.detail, file: `case-${i}${path.extname(seedList)}`, bytes: m.bytes };
}

// ---------------------------------------------------------------------------------------------
// Running cases in a child process, with a deadline

export type Outcome = "parsed" | "clean_error" | "crash" | "hang" | "slow" | "corrupt_store" | "memory";

export interface CaseResult {
  i: number;
  kind: string;
  detail: string;
  outcome: Outcome;
  ms: number;
  /** Peak resident memory of the child during the case, in MB (VmHWM, reset before each case). */
  peakMb: number;
  message: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  counts: Record<Outcome, number>;
  byKind: Record<string, Partial<Record<Outcome, number>>>;
  worst: CaseResult | null;
  slowest: CaseResult | null;
  failures: CaseResult[];
  results: CaseResult[];
}

export const CASE_MS = 2000;
export const CASE_MB = 512;
/** The parent's deadline: past it the child is killed and the case is a hang. */
const KILL_MS = 15_000;

export interface RunOptions {
  seed: number;
  count: number;
  from?: number;
  /** The real lists to mutate (SMALL_SEEDS by default). */
  seeds?: readonly string[];
  onResult?: (r: CaseResult) => void;
}

/** Runs cases [from, from+count) and counts the outcomes. Only a parsed list or a clean error passes. */
export async function runFuzz(o: RunOptions): Promise<FuzzReport> {
  const results: CaseResult[] = [];
  const end = (o.from ?? 0) + o.count;
  let next = o.from ?? 0;
  while (next < end) {
    const seeds = o.seeds ?? SMALL_SEEDS;
    const done = await runChild(o.seed, next, end, seeds, (r) => {
      results.push(r);
      o.onResult?.(r);
    });
    next = done.next;
    if (done.lost !== null) {
      const c = makeCase(o.seed, done.lost, seeds);
      const r: CaseResult = {
        i: done.lost,
        kind: c.kind,
        detail: c.detail,
        outcome: done.why,
        ms: done.ms,
        peakMb: 0,
        message: done.message,
      };
      results.push(r);
      o.onResult?.(r);
      next = done.lost + 1;
    }
  }
  const counts: Record<Outcome, number> = {
    parsed: 0,
    clean_error: 0,
    crash: 0,
    hang: 0,
    slow: 0,
    corrupt_store: 0,
    memory: 0,
  };
  const byKind: FuzzReport["byKind"] = {};
  for (const r of results) {
    counts[r.outcome]++;
    const k = byKind[r.kind] ?? {};
    k[r.outcome] = (k[r.outcome] ?? 0) + 1;
    byKind[r.kind] = k;
  }
  const worst = results.reduce<CaseResult | null>((w, r) => (!w || r.peakMb > w.peakMb ? r : w), null);
  const slowest = results.reduce<CaseResult | null>((w, r) => (!w || r.ms > w.ms ? r : w), null);
  const failures = results.filter((r) => r.outcome !== "parsed" && r.outcome !== "clean_error");
  return { seed: o.seed, cases: results.length, counts, byKind, worst, slowest, failures, results };
}

interface ChildDone {
  next: number;
  lost: number | null;
  why: Outcome;
  ms: number;
  message: string;
}

function runChild(
  seed: number,
  from: number,
  end: number,
  seeds: readonly string[],
  each: (r: CaseResult) => void,
): Promise<ChildDone> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(
      path.join(import.meta.dirname, "worker.ts"),
      [String(seed), String(from), String(end)],
      {
        execArgv: ["--import", "tsx", "--expose-gc", `--max-old-space-size=${CASE_MB * 2}`],
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        cwd: ROOT,
        env: { ...process.env, TZ: "America/Los_Angeles", G287_FUZZ_SEEDS: seeds.join(",") },
      },
    );
    let current = from;
    let started = performance.now();
    let stderr = "";
    let settled = false;
    const finish = (d: ChildDone) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      child.kill("SIGKILL");
      resolve(d);
    };
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-2000);
    });
    const timer = setInterval(() => {
      if (performance.now() - started > KILL_MS)
        finish({
          next: current + 1,
          lost: current,
          why: "hang",
          ms: performance.now() - started,
          message: `killed after ${KILL_MS} ms`,
        });
    }, 200);
    child.on("message", (m: { start?: number; result?: CaseResult; done?: boolean }) => {
      if (m.start !== undefined) {
        current = m.start;
        started = performance.now();
      }
      if (m.result) each(m.result);
      if (m.done) finish({ next: end, lost: null, why: "parsed", ms: 0, message: "" });
    });
    child.on("exit", (code, signal) => {
      if (settled) return;
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      finish({
        next: current + 1,
        lost: current,
        why: oom ? "memory" : "crash",
        ms: performance.now() - started,
        message: `child exited (${signal ?? code}): ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`,
      });
    });
  });
}
