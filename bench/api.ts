// API throughput and latency on loopback: `g287 serve` in its own process, autocannon with 50
// connections against the roster, an agency page and stats, and a trivial route as the baseline
// measured in the same run. Called by bench/run.ts; also runs alone:
// `node --import tsx bench/api.ts path/to/g287.db`.
import { type ChildProcess, spawn } from "node:child_process";
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
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  throughput: Histogram & { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (o: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const ROOT = path.resolve(import.meta.dirname, "..");

const CONNECTIONS = 50;
const TARGET_P99_MS = 20;

export interface ApiFigure {
  path: string;
  cold_ms: number;
  requests_per_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  bytes: number;
  errors: number;
}

/** Starts `g287 serve --port 0` and reads the URL it prints. */
function startServer(db: string): Promise<{ url: string; child: ChildProcess }> {
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

async function measure(
  base: string,
  p: string,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<ApiFigure> {
  const t = performance.now();
  const first = await fetch(`${base}${p}`, { headers });
  await first.arrayBuffer();
  const cold = performance.now() - t;
  if (first.status !== 200) throw new Error(`${p}: HTTP ${first.status}`);
  const r = await autocannon({ url: `${base}${p}`, connections: CONNECTIONS, duration: seconds, headers });
  return {
    path: p,
    cold_ms: Math.round(cold * 10) / 10,
    requests_per_s: Math.round(r.requests.average),
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
    // On the wire, headers included (gzipped when asked for).
    bytes: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

export async function benchApi(db: string, seconds = Number(process.env.BENCH_API_SECONDS ?? 10)) {
  const { url, child } = await startServer(db);
  try {
    const roster = "/api/v1/agreements?as_of=2026-03-01";
    const figures = {
      baseline: await measure(url, "/healthz", seconds),
      roster: await measure(url, roster, seconds),
      // What a browser or `curl --compressed` asks for: the same cached answer, gzipped once.
      roster_gzip: await measure(url, roster, seconds, { "accept-encoding": "gzip" }),
      roster_all_rows: await measure(url, `${roster}&limit=all`, seconds),
      // The agency with the most list rows behind it (691 in the archive).
      agency: await measure(url, "/api/v1/agencies/fl-hernando-county-sheriffs-office", seconds),
      stats: await measure(url, "/api/v1/stats?by=state", seconds),
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
        `api ${name.padEnd(15)} ${f.path}: ${f.requests_per_s} req/s, p50 ${f.latency_p50_ms} ms, p99 ${f.latency_p99_ms} ms (first request ${f.cold_ms} ms, ${f.bytes} bytes${f.errors ? `, ${f.errors} errors` : ""})`,
      );
    }
    console.log(
      `api roster p99 ${figures.roster.latency_p99_ms} ms at ${CONNECTIONS} connections (target < ${TARGET_P99_MS} ms): ${out.roster_p99_meets_target ? "met" : "NOT met"}; gzip ${figures.roster_gzip.latency_p99_ms} ms; ${Math.round(out.roster_vs_baseline_throughput * 100)}% of the trivial route's throughput (load average ${out.load_average_1m} on ${out.cores} cores)`,
    );
    return out;
  } finally {
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
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
