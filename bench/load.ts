// The API under load on loopback, as a browser asks (gzip): the roster, one agency and stats at
// 10, 50 and 200 connections, for one `g287 serve` on SQLite, one on PostgreSQL, and two sharing
// one PostgreSQL database with the connections split between them. Throughput and p50/p99 side by
// side, against the issue's target for the PostgreSQL roster.
import os from "node:os";
import { autocannon, type LoadFigure, loadFigure, startServer, stopServer } from "./api.js";

export const PATHS = {
  roster: "/api/v1/agreements?as_of=2026-03-01",
  // The agency with the most list rows behind it (691 in the archive).
  agency: "/api/v1/agencies/fl-hernando-county-sheriffs-office",
  stats: "/api/v1/stats?by=state",
};
const CONNECTIONS = (process.env.BENCH_LOAD_CONNECTIONS ?? "10,50,200").split(",").map(Number);
const GZIP = { "accept-encoding": "gzip" };
/** The issue's target: PostgreSQL serves the roster at p99 under 50 ms with 200 connections. */
const TARGET_ROSTER_P99_MS = 50;

interface Setup {
  name: string;
  key: "sqlite_1" | "postgres_1" | "postgres_2";
  db: string;
  servers: number;
}

/** Each server answers each path once, gzipped, before it is timed (the first answer fills its cache). */
async function warm(urls: string[]): Promise<void> {
  for (const u of urls)
    for (const p of Object.values(PATHS)) {
      const r = await fetch(`${u}${p}`, { headers: GZIP });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${u}${p}: HTTP ${r.status}`);
      if (r.headers.get("content-encoding") !== "gzip") throw new Error(`${u}${p}: not gzipped`);
    }
}

async function runSetup(s: Setup, seconds: number) {
  const servers = await Promise.all(Array.from({ length: s.servers }, () => startServer(s.db)));
  const figures: Record<string, Record<string, LoadFigure>> = {};
  try {
    const urls = servers.map((x) => x.url);
    await warm(urls);
    for (const [name, p] of Object.entries(PATHS)) {
      figures[name] = {};
      for (const c of CONNECTIONS) {
        // autocannon gives connection i the URL i mod n: the load split evenly across the servers.
        const r = await autocannon({
          url: urls.map((u) => `${u}${p}`),
          connections: c,
          duration: seconds,
          headers: GZIP,
        });
        const f = loadFigure(r);
        (figures[name] as Record<string, LoadFigure>)[c] = f;
        console.log(
          `load ${s.name}, ${name} at ${c} connections: ${f.requests_per_s} req/s, p50 ${f.latency_p50_ms} ms, p99 ${f.latency_p99_ms} ms${f.errors ? `, ${f.errors} ERRORS` : ""}`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((x) => stopServer(x.child)));
  }
  return figures;
}

export async function benchLoad(
  stores: { sqlite: string; postgres: string },
  seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10),
) {
  const setups: Setup[] = [
    { name: "SQLite, 1 server", key: "sqlite_1", db: stores.sqlite, servers: 1 },
    { name: "PostgreSQL, 1 server", key: "postgres_1", db: stores.postgres, servers: 1 },
    { name: "PostgreSQL, 2 servers", key: "postgres_2", db: stores.postgres, servers: 2 },
  ];
  const load0 = os.loadavg()[0] ?? 0;
  const by: Record<string, Record<string, Record<string, LoadFigure>>> = {};
  for (const s of setups) by[s.key] = await runSetup(s, seconds);
  const p99 = (k: string) => by[k]?.roster?.[200]?.latency_p99_ms ?? null;
  const out = {
    seconds_each: seconds,
    connections: CONNECTIONS,
    gzip: true,
    cores: os.cpus().length,
    load_average_1m: { start: Math.round(load0 * 10) / 10, end: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 },
    paths: PATHS,
    target_postgres_roster_p99_ms_at_200: TARGET_ROSTER_P99_MS,
    postgres_roster_p99_at_200: { one_server: p99("postgres_1"), two_servers: p99("postgres_2") },
    ...by,
  };
  printLoad(out, setups, by);
  return out;
}

function printLoad(
  out: { seconds_each: number; cores: number; load_average_1m: { start: number; end: number } },
  setups: Setup[],
  by: Record<string, Record<string, Record<string, LoadFigure>>>,
): void {
  const cell = (f: LoadFigure | undefined) =>
    f ? `${f.requests_per_s} · ${f.latency_p50_ms} · ${f.latency_p99_ms}${f.errors ? ` (${f.errors} err)` : ""}` : "-";
  const ratio = (a: LoadFigure | undefined, b: LoadFigure | undefined) =>
    a && b?.requests_per_s ? `${(a.requests_per_s / b.requests_per_s).toFixed(2)}×` : "-";
  const w = 24;
  const lines = [
    `API under load on loopback, gzip, ${out.seconds_each} s each; req/s · p50 ms · p99 ms (${out.cores} cores, load average ${out.load_average_1m.start} → ${out.load_average_1m.end})`,
    `  ${"endpoint".padEnd(8)}${"conns".padStart(6)}  ${setups.map((s) => s.name.padEnd(w)).join("")}${"PG1/SQLite".padStart(11)}${"PG2/PG1".padStart(9)}`,
  ];
  for (const name of Object.keys(PATHS))
    for (const c of CONNECTIONS) {
      const [a, b, d] = setups.map((s) => by[s.key]?.[name]?.[c]);
      lines.push(
        `  ${name.padEnd(8)}${String(c).padStart(6)}  ${[a, b, d].map((f) => cell(f).padEnd(w)).join("")}${ratio(b, a).padStart(11)}${ratio(d, b).padStart(9)}`,
      );
    }
  const verdict = (ms: number | null) =>
    ms === null ? "not measured" : `${ms} ms (${ms < TARGET_ROSTER_P99_MS ? "met" : "NOT met"})`;
  lines.push(
    `  PostgreSQL roster p99 at 200 connections, target < ${TARGET_ROSTER_P99_MS} ms: one server ${verdict(by.postgres_1?.roster?.[200]?.latency_p99_ms ?? null)}, two servers ${verdict(by.postgres_2?.roster?.[200]?.latency_p99_ms ?? null)}`,
  );
  console.log(lines.join("\n"));
}
