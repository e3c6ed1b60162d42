// API throughput and latency on loopback: `g287 serve` in its own process, autocannon with 50
// connections against the roster, an agency page and stats, and a trivial route as the baseline
// measured in the same run. Called by bench/run.ts; also runs alone:
// `node --import tsx bench/api.ts path/to/g287.db`.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
export interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  throughput: Histogram & { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (o: {
  /** Several URLs: connection i asks URL i mod n. */
  url: string | string[];
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

export const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const ROOT = path.resolve(import.meta.dirname, "..");

const CONNECTIONS = 50;
const TARGET_P99_MS = 20;

/** What one autocannon run measured. */
export interface LoadFigure {
  requests_per_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  /** On the wire, headers included (gzipped when asked for). */
  bytes: number;
  errors: number;
}

export const loadFigure = (r: AutocannonResult): LoadFigure => ({
  requests_per_s: Math.round(r.requests.average),
  latency_p50_ms: r.latency.p50,
  latency_p99_ms: r.latency.p99,
  latency_max_ms: r.latency.max,
  bytes: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
  errors: r.errors + r.timeouts + r.non2xx,
});

export interface ApiFigure extends LoadFigure {
  path: string;
  cold_ms: number;
  /** The server's CPU time per request (user + system): steadier than latency on a busy machine. */
  server_cpu_us_per_request: number | null;
}

/** A process's CPU time so far in ms, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) * (1000 / 100);
  } catch {
    return null;
  }
}

/** Starts `g287 serve --port 0` and reads the URL it prints. */
export function startServer(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(path.join(ROOT, "bin/g287"), ["--db", db, "--json", "serve", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url.replace(/\/$/, ""), child });
    });
    child.once("exit", (code) => reject(new Error(`g287 serve exited with ${code}`)));
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  await gone;
}

async function measure(
  base: string,
  p: string,
  seconds: number,
  headers: Record<string, string> = {},
  pid?: number,
): Promise<ApiFigure> {
  const t = performance.now();
  const first = await fetch(`${base}${p}`, { headers });
  await first.arrayBuffer();
  const cold = performance.now() - t;
  if (first.status !== 200) throw new Error(`${p}: HTTP ${first.status}`);
  const cpu0 = cpuMs(pid);
  const r = await autocannon({ url: `${base}${p}`, connections: CONNECTIONS, duration: seconds, headers });
  const cpu1 = cpuMs(pid);
  return {
    path: p,
    cold_ms: Math.round(cold * 10) / 10,
    ...loadFigure(r),
    server_cpu_us_per_request:
      cpu0 === null || cpu1 === null || !r.requests.total
        ? null
        : Math.round(((cpu1 - cpu0) * 1000) / r.requests.total),
  };
}

export async function benchApi(db: string, seconds = Number(process.env.BENCH_API_SECONDS ?? 10)) {
  const { url, child } = await startServer(db);
  try {
    const roster = "/api/v1/agreements?as_of=2026-03-01";
    const at = (p: string, headers: Record<string, string> = {}) => measure(url, p, seconds, headers, child.pid);
    const figures = {
      baseline: await at("/healthz"),
      roster: await at(roster),
      // What `curl --compressed` asks for: the same cached answer, gzipped once.
      roster_gzip: await at(roster, { "accept-encoding": "gzip" }),
      // What a browser asks for: brotli, compressed once.
      roster_br: await at(roster, { "accept-encoding": "gzip, deflate, br, zstd" }),
      roster_all_rows: await at(`${roster}&limit=all`),
      // The agency with the most list rows behind it (691 in the archive).
      agency: await at("/api/v1/agencies/fl-hernando-county-sheriffs-office"),
      stats: await at("/api/v1/stats?by=state"),
    };
    const out = {
      connections: CONNECTIONS,
      load_average_1m: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
      cores: os.cpus().length,
      seconds_each: seconds,
      target_roster_p99_ms: TARGET_P99_MS,
      roster_p99_meets_target: figures.roster.latency_p99_ms < TARGET_P99_MS,
      roster_gzip_p99_meets_target: figures.roster_gzip.latency_p99_ms < TARGET_P99_MS,
      roster_vs_baseline_throughput:
        Math.round((figures.roster.requests_per_s / figures.baseline.requests_per_s) * 100) / 100,
      ...figures,
    };
    for (const [name, f] of Object.entries(figures)) {
      console.log(
        `api ${name.padEnd(15)} ${f.path}: ${f.requests_per_s} req/s, p50 ${f.latency_p50_ms} ms, p99 ${f.latency_p99_ms} ms, server CPU ${f.server_cpu_us_per_request ?? "?"} µs/request (first request ${f.cold_ms} ms, ${f.bytes} bytes${f.errors ? `, ${f.errors} errors` : ""})`,
      );
    }
    console.log(
      `api roster p99 ${figures.roster.latency_p99_ms} ms at ${CONNECTIONS} connections (target < ${TARGET_P99_MS} ms): ${out.roster_p99_meets_target ? "met" : "NOT met"}; gzip ${figures.roster_gzip.latency_p99_ms} ms; ${Math.round(out.roster_vs_baseline_throughput * 100)}% of the trivial route's throughput (load average ${out.load_average_1m} on ${out.cores} cores)`,
    );
    return out;
  } finally {
    await stopServer(child);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const db = process.argv[2];
  if (!db) {
    console.error("usage: node --import tsx bench/api.ts LEDGER.db");
    process.exit(2);
  }
  console.log(JSON.stringify(await benchApi(db), null, 2));
}
