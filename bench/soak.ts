// The soak run, never part of the default bench: one `g287 serve` on PostgreSQL under 50
// connections for 10 minutes while a new list is ingested every 30 s (the archive replayed short of
// its last lists first, which then arrive one by one). It reports the errors (there must be none),
// whether every answer belongs to a complete ledger version (its `source.ledger_version` is one the
// database held after a whole ingest, and a roster's `total` is that version's), and the server's
// RSS at the start and the end. `npm run bench -- soak [--minutes 10] [--interval 30]
// [--connections 50]`, or `node --import tsx bench/soak.ts …`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { roster } from "../src/analysis/queries.js";
import { LedgerVersion } from "../src/server/cache.js";
import { migrateStore, openStore, type Store } from "../src/store/db.js";
import { type AutocannonResult, startServer, stopServer } from "./api.js";
import { compiled, cutArchive, fmt, freshPgDatabase, median, ROOT, replayOnce, sightingDates } from "./common.js";
import { PATHS } from "./load.js";

type OnResponse = (status: number, body: string) => void;
/** A running load: awaited for its result, or stopped early. */
type Run = PromiseLike<AutocannonResult> & { stop(): void };
type Autocannon = (o: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: "GET"; path: string; onResponse: OnResponse }[];
}) => Run;
// The same module as bench/api.ts's, typed for what only the soak uses: per-request callbacks, stop().
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export interface SoakOptions {
  seconds: number;
  interval: number;
  connections: number;
}

export function parseSoakArgs(args: string[]): SoakOptions {
  const { values } = parseArgs({
    args,
    options: {
      minutes: { type: "string", default: "10" },
      interval: { type: "string", default: "30" },
      connections: { type: "string", default: "50" },
    },
  });
  const o = {
    seconds: Math.round(Number(values.minutes) * 60),
    interval: Number(values.interval),
    connections: Number(values.connections),
  };
  if (!(o.seconds > 0 && o.interval > 0 && o.interval < o.seconds && o.connections > 0))
    throw new Error("bench soak: --minutes, --interval (seconds, shorter than the run) and --connections are positive");
  return o;
}

const rssMb = (pid: number | undefined): number | null => {
  const m = /VmRSS:\s+(\d+) kB/.exec(
    fs.existsSync(`/proc/${pid}/status`) ? fs.readFileSync(`/proc/${pid}/status`, "utf8") : "",
  );
  return m ? Math.round(Number(m[1]) / 1024) : null;
};

/**
 * `g287 ingest ARCHIVE` as the watch service runs it: its own process, beside the server. Resolves
 * to its time and its mode (an increment is expected: a replay would say the bench is off).
 */
function ingestProcess(db: string, archive: string): Promise<{ ms: number; mode: string }> {
  const t = performance.now();
  const child = spawn(path.join(ROOT, "bin/g287"), ["--db", db, "--json", "ingest", archive], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`g287 ingest exited with ${code}: ${err.trim()}`));
      resolve({ ms: performance.now() - t, mode: /"mode":\s*"([^"]+)"/.exec(out)?.[1] ?? "?" });
    }),
  );
}

export async function soak(o: SoakOptions) {
  const dates = sightingDates();
  const asOf = dates.at(-1) as string;
  const roster_ = `/api/v1/agreements?as_of=${asOf}`;
  const lists = Math.ceil(o.seconds / o.interval) - 1;
  if (lists < 1 || lists >= dates.length) throw new Error(`bench soak: cannot hold back ${lists} lists`);
  if (!compiled) console.log("soak: dist/ is older than src/: `npm run build` first, or the server runs old code");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "g287-soak-"));
  const archive = path.join(tmp, "archive");
  const db = await freshPgDatabase();
  let store: Store | null = null;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  const cleanup = async () => {
    if (server) await stopServer(server.child);
    await store?.close();
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSigint = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSigint);
  try {
    await migrateStore(db.url);
    const held = dates.slice(dates.length - lists);
    cutArchive(archive, held[0] as string);
    const first = replayOnce([archive, db.url]);
    console.log(
      `soak: replayed the archive but its last ${lists} lists into PostgreSQL in ${fmt(first.ms)}; ${o.connections} connections for ${o.seconds} s, one list every ${o.interval} s`,
    );

    // The (version → roster total) pairs of complete ledger versions, read after each whole ingest.
    store = await openStore(db.url);
    const s = store;
    const valid = new Map<string, number>();
    const record = async () => {
      valid.set(await new LedgerVersion(s.db, 0).current(), (await roster(s.db, { asOf })).length);
    };
    await record();

    server = await startServer(db.url);
    const pid = server.child.pid;
    for (const p of [roster_, PATHS.agency, PATHS.stats]) await (await fetch(`${server.url}${p}`)).arrayBuffer();
    const rssStart = rssMb(pid);

    // Every answer's (version, total), tallied; checked against `valid` once the run is over.
    const seen = new Map<string, number>();
    let unparsed = 0;
    const tally =
      (withTotal: boolean): OnResponse =>
      (status, body) => {
        if (status !== 200) return; // counted by autocannon as non-2xx
        const v = /"ledger_version":"([^"]*)"/.exec(body)?.[1];
        const n = withTotal ? /"total":(\d+)/.exec(body)?.[1] : "";
        if (v === undefined || n === undefined) unparsed++;
        else seen.set(`${v}|${n}`, (seen.get(`${v}|${n}`) ?? 0) + 1);
      };
    // Stopped once the run's time is up and the last ingest's version has been served a while
    // (the server reads the version at most once a second): ingests that overrun are not cut off.
    const load = autocannon({
      url: server.url,
      connections: o.connections,
      duration: o.seconds * 100,
      requests: [
        { method: "GET", path: roster_, onResponse: tally(true) },
        { method: "GET", path: PATHS.agency, onResponse: tally(false) },
        { method: "GET", path: PATHS.stats, onResponse: tally(false) },
      ],
    });

    const ingestMs: number[] = [];
    const modes: Record<string, number> = {};
    const ingestErrors: string[] = [];
    const t0 = Date.now();
    for (const [k, date] of held.entries()) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (k + 1) * o.interval * 1000 - Date.now())));
      cutArchive(archive, held[k + 1] ?? null);
      try {
        const { ms, mode } = await ingestProcess(db.url, archive);
        ingestMs.push(ms);
        modes[mode] = (modes[mode] ?? 0) + 1;
        await record();
        console.log(
          `soak: ${date} ingested (${mode}) in ${fmt(ms)}, done at ${Math.round((Date.now() - t0) / 1000)} s`,
        );
      } catch (e) {
        ingestErrors.push(`${date}: ${(e as Error).message}`);
      }
    }
    await new Promise((r) => setTimeout(r, Math.max(3000, t0 + o.seconds * 1000 - Date.now())));
    load.stop();
    const r = await load;
    const ranFor = Math.round((Date.now() - t0) / 1000);
    const rssEnd = rssMb(pid);

    let answers = 0;
    let inconsistent = 0;
    const wrong: string[] = [];
    for (const [key, n] of seen) {
      answers += n;
      const [v, total] = key.split("|") as [string, string];
      const ok = valid.has(v) && (total === "" || Number(total) === valid.get(v));
      if (!ok) {
        inconsistent += n;
        wrong.push(`${n}× version ${v}${total ? ` total ${total}` : ""}`);
      }
    }
    const versionsSeen = new Set([...seen.keys()].map((k) => k.split("|")[0]));
    const out = {
      seconds: o.seconds,
      ran_for_s: ranFor,
      interval_s: o.interval,
      connections: o.connections,
      lists_ingested: ingestMs.length,
      ingest_median_ms: ingestMs.length ? Math.round(median(ingestMs)) : null,
      ingest_max_ms: ingestMs.length ? Math.round(Math.max(...ingestMs)) : null,
      ingest_modes: modes,
      requests: r.requests.total,
      requests_per_s: Math.round(r.requests.average),
      latency_p50_ms: r.latency.p50,
      latency_p99_ms: r.latency.p99,
      errors: r.errors + r.timeouts + r.non2xx + ingestErrors.length + unparsed,
      error_detail: { http: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, ingests: ingestErrors, unparsed },
      answers_checked: answers,
      inconsistent_answers: inconsistent,
      inconsistent_detail: wrong,
      complete_versions: valid.size,
      versions_seen: versionsSeen.size,
      server_rss_mb: { start: rssStart, end: rssEnd },
    };
    console.log(
      [
        `soak: ${ranFor} s (${o.seconds} asked), ${o.connections} connections, ${out.lists_ingested} of ${lists} lists ingested every ${o.interval} s (${JSON.stringify(modes)}; median ${out.ingest_median_ms} ms, longest ${out.ingest_max_ms} ms)`,
        `  ${out.requests} requests (${out.requests_per_s}/s, p50 ${out.latency_p50_ms} ms, p99 ${out.latency_p99_ms} ms); errors: ${out.errors}${out.errors ? ` ${JSON.stringify(out.error_detail)}` : ""}`,
        `  ${answers} answers checked against ${valid.size} complete ledger versions (${versionsSeen.size} versions seen): ${inconsistent ? `${inconsistent} INCONSISTENT (${wrong.join("; ")})` : "every one consistent"}`,
        `  server RSS: ${rssStart} MB at the start, ${rssEnd} MB at the end`,
      ].join("\n"),
    );
    if (out.errors || inconsistent) process.exitCode = 1;
    return out;
  } finally {
    process.off("SIGINT", onSigint);
    await cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await soak(parseSoakArgs(process.argv.slice(2)));
}
