// SQLite against PostgreSQL on the same work, side by side with their ratio: a cold replay of the
// whole archive into a fresh store, and one new list (the archive's last) ingested into a store
// holding every list before it. Leaves a full store on each backend for bench/load.ts.
import fs from "node:fs";
import path from "node:path";
import { ingest } from "../src/pipeline/ingest.js";
import { migrateStore, openStore } from "../src/store/db.js";
import {
  ARCHIVE,
  cutArchive,
  fmt,
  freshPgDatabase,
  median,
  type Once,
  type PgDatabase,
  replayOnce,
  sightingDates,
  times,
} from "./common.js";

const REPLAYS = Number(process.env.BENCH_BACKEND_REPLAYS ?? 1);
const INCREMENTS = Number(process.env.BENCH_BACKEND_INCREMENTS ?? 3);
/** The target: a replay on PostgreSQL takes at most twice SQLite's time. */
const TARGET_REPLAY_RATIO = 2;

export interface FullStores {
  sqlite: string;
  postgres: PgDatabase;
}

/** A migrated empty PostgreSQL database (`g287 db migrate`, outside the timed replay). */
async function migratedPg(): Promise<PgDatabase> {
  const db = await freshPgDatabase();
  await migrateStore(db.url);
  return db;
}

const replayFigures = (runs: Once[]) => ({
  runs_ms: runs.map((r) => Math.round(r.ms)),
  median_ms: median(runs.map((r) => r.ms)),
  median_cpu_ms: median(runs.map((r) => r.cpuMs)),
  peak_rss_mb: Math.round(Math.max(...runs.map((r) => r.maxRssMb))),
});

/**
 * Cold replays of `archive` into each backend, interleaved so that both see the same machine
 * load; `runs` of each. The last store of each is kept, the other PostgreSQL databases dropped.
 */
async function replayBoth(archive: string, tmp: string, tag: string, runs: number) {
  const sqlite: Once[] = [];
  const postgres: Once[] = [];
  let pg: PgDatabase | null = null;
  for (let i = 0; i < runs; i++) {
    sqlite.push(replayOnce([archive, path.join(tmp, `${tag}.db`)]));
    await pg?.drop();
    pg = await migratedPg();
    postgres.push(replayOnce([archive, pg.url]));
  }
  return { sqlite, postgres, stores: { sqlite: path.join(tmp, `${tag}.db`), postgres: pg as PgDatabase } };
}

/** The archive's last list under its own ICE file name, so that it dates itself as the archive does. */
function lastList(tmp: string): { date: string; files: string[] } {
  const date = sightingDates().at(-1) as string;
  const dir = path.join(tmp, "new-list");
  fs.mkdirSync(dir, { recursive: true });
  const rows = fs
    .readFileSync(path.join(ARCHIVE, "SIGHTINGS.csv"), "utf8")
    .trim()
    .split("\n")
    .filter((l) => l.startsWith(`${date},`))
    .map((l) => l.split(","));
  const files = [...new Map(rows.map((r) => [r[5] as string, r[3] as string])).entries()].map(([original, file]) => {
    const to = path.join(dir, original);
    fs.copyFileSync(path.join(ARCHIVE, file), to);
    return to;
  });
  return { date, files };
}

/** Times the ingest of `files` into an open store; the store must take them as one increment. */
async function timeIncrement(target: string, files: string[]): Promise<number> {
  const store = await openStore(target);
  try {
    const t = performance.now();
    const s = await ingest(store, files);
    const ms = performance.now() - t;
    if (s.mode !== "incremental" || s.applied < 1)
      throw new Error(`the new list was not applied as an increment: ${JSON.stringify(s)}`);
    return ms;
  } finally {
    await store.close();
  }
}

export async function benchBackends(tmp: string, opts: { newList?: boolean; replays?: number } = {}) {
  const runs = opts.replays ?? REPLAYS;
  console.log(`backends: a cold replay of the archive into SQLite and into PostgreSQL, ${runs}× each`);
  const full = await replayBoth(ARCHIVE, tmp, "backends-full", runs);
  const replay = {
    sqlite: replayFigures(full.sqlite),
    postgres: replayFigures(full.postgres),
    ratio_postgres_over_sqlite: median(full.postgres.map((r) => r.ms)) / median(full.sqlite.map((r) => r.ms)),
    target_ratio: TARGET_REPLAY_RATIO,
  };
  const out: Record<string, unknown> = { full_replay: replay };
  if (opts.newList !== false) {
    const { date, files } = lastList(tmp);
    console.log(`backends: every list before ${date} into each, then the ${date} list, ${INCREMENTS}× each`);
    const cut = path.join(tmp, "archive-but-last");
    cutArchive(cut, date);
    const base = await replayBoth(cut, tmp, "backends-base", 1);
    const sqliteMs: number[] = [];
    const pgMs: number[] = [];
    try {
      for (let i = 0; i < INCREMENTS; i++) {
        const copy = path.join(tmp, `backends-inc${i}.db`);
        for (const ext of ["", "-wal"])
          if (fs.existsSync(base.stores.sqlite + ext)) fs.copyFileSync(base.stores.sqlite + ext, copy + ext);
        sqliteMs.push(await timeIncrement(copy, files));
        fs.rmSync(copy, { force: true });
        const pgCopy = await base.stores.postgres.copy();
        try {
          pgMs.push(await timeIncrement(pgCopy.url, files));
        } finally {
          await pgCopy.drop();
        }
      }
    } finally {
      await base.stores.postgres.drop();
    }
    out.replay_all_but_last = {
      sqlite_ms: Math.round(base.sqlite[0]?.ms ?? 0),
      postgres_ms: Math.round(base.postgres[0]?.ms ?? 0),
    };
    out.new_list = {
      date,
      files: files.map((f) => path.basename(f)),
      sqlite: { runs_ms: sqliteMs.map((x) => Math.round(x)), median_ms: median(sqliteMs) },
      postgres: { runs_ms: pgMs.map((x) => Math.round(x)), median_ms: median(pgMs) },
      ratio_postgres_over_sqlite: median(pgMs) / median(sqliteMs),
    };
  }
  printBackends(out, runs);
  return { report: out, stores: full.stores as FullStores };
}

function printBackends(out: Record<string, unknown>, runs: number): void {
  const r = out.full_replay as {
    sqlite: ReturnType<typeof replayFigures>;
    postgres: ReturnType<typeof replayFigures>;
    ratio_postgres_over_sqlite: number;
  };
  const row = (name: string, a: string, b: string, ratio: string) =>
    `  ${name.padEnd(42)}${a.padStart(10)}${b.padStart(12)}  ${ratio}`;
  const lines = [
    row("", "SQLite", "PostgreSQL", "PostgreSQL/SQLite"),
    row(
      `full replay (median of ${runs})`,
      fmt(r.sqlite.median_ms),
      fmt(r.postgres.median_ms),
      `${times(r.postgres.median_ms, r.sqlite.median_ms)} (target ≤ ${TARGET_REPLAY_RATIO}×: ${r.ratio_postgres_over_sqlite <= TARGET_REPLAY_RATIO ? "met" : "NOT met"})`,
    ),
    // Steadier than wall time on a busy machine; PostgreSQL's own server processes are not in it.
    row(
      "  its CPU time (the g287 process)",
      fmt(r.sqlite.median_cpu_ms),
      fmt(r.postgres.median_cpu_ms),
      times(r.postgres.median_cpu_ms, r.sqlite.median_cpu_ms),
    ),
    row("  its peak RSS", `${r.sqlite.peak_rss_mb} MB`, `${r.postgres.peak_rss_mb} MB`, ""),
  ];
  const base = out.replay_all_but_last as { sqlite_ms: number; postgres_ms: number } | undefined;
  const inc = out.new_list as
    | {
        date: string;
        sqlite: { median_ms: number };
        postgres: { median_ms: number };
        ratio_postgres_over_sqlite: number;
      }
    | undefined;
  if (base && inc) {
    lines.push(
      row(
        "replay of every list but the last",
        fmt(base.sqlite_ms),
        fmt(base.postgres_ms),
        times(base.postgres_ms, base.sqlite_ms),
      ),
      row(
        `one new list, ${inc.date} (median of ${INCREMENTS})`,
        fmt(inc.sqlite.median_ms),
        fmt(inc.postgres.median_ms),
        times(inc.postgres.median_ms, inc.sqlite.median_ms),
      ),
    );
  }
  console.log(lines.join("\n"));
}
