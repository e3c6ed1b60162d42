// The real archive replayed into PostgreSQL gives byte-for-byte the exports and release bundle the
// SQLite ledger of the global setup gives, in a time zone west of Greenwich (where a DATE read as
// local midnight would be the day before). Also: the schema check at open, and `db migrate` twice.
process.env.TZ = "America/Los_Angeles";

import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DATASETS, dataset } from "../src/analysis/datasets.js";
import { toCsv } from "../src/domain/csv.js";
import { listEnvelope, toJson } from "../src/export/json.js";
import { ingest } from "../src/pipeline/ingest.js";
import { createApp } from "../src/server/app.js";
import { migrateStore, openStore, type Store } from "../src/store/db.js";
import { InlineMigrations } from "../src/store/migrations/index.js";
import { ARCHIVE, openArchive } from "./helpers.js";
import {
  expectSameFiles,
  freshDatabase,
  PG_ADMIN_URL,
  type PgDatabase,
  releaseFiles,
  testPostgres,
} from "./pg-helpers.js";
import { expectBeforeOrAfter, nextList, readWhileIngesting } from "./readers-helpers.js";

describe.skipIf(!testPostgres)("the archive on PostgreSQL", () => {
  let db: PgDatabase;
  let pgStore: Store;
  let sqliteStore: Store;
  let replayMs = 0;

  beforeAll(async () => {
    db = await freshDatabase();
    expect((await migrateStore(db.url)).map((r) => r.migrationName)).toEqual([
      "001-initial",
      "002-agency-place",
      "003-moa",
      "004-alerts",
    ]);
    pgStore = await openStore(db.url);
    const t = performance.now();
    await ingest(pgStore, [ARCHIVE]);
    replayMs = performance.now() - t;
    sqliteStore = await openArchive();
  }, 900_000);

  afterAll(async () => {
    await pgStore?.close();
    await sqliteStore?.close();
    await db?.drop();
  });

  it("replays the archive (time beside SQLite's in the global setup)", () => {
    const sqliteMs = inject("archiveIngestMs");
    console.log(`replay: PostgreSQL ${Math.round(replayMs)} ms, SQLite ${Math.round(sqliteMs)} ms`);
    expect(pgStore.dialect).toBe("postgres");
    expect(pgStore.file).toBe(db.url);
  });

  it.each(DATASETS)("exports %s byte-identical to SQLite, as CSV and as JSON", async (name) => {
    const [a, b] = [await dataset(sqliteStore.db, name), await dataset(pgStore.db, name)];
    expect(b.rows.length).toBe(a.rows.length);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(toCsv(b.columns, b.rows)).toBe(toCsv(a.columns, a.rows));
    expect(toJson(listEnvelope(b.rows))).toBe(toJson(listEnvelope(a.rows)));
  });

  it("writes a release bundle byte-identical to SQLite's", async () => {
    const want = await releaseFiles(sqliteStore);
    expect(want.size).toBeGreaterThan(10);
    expectSameFiles(await releaseFiles(pgStore), want);
  });

  it("returns counts as numbers, dates as their text, booleans as 1/0", async () => {
    const r = await sql<{
      n: unknown;
      d: unknown;
      b: unknown;
    }>`select count(*) as n, date '2026-05-01' as d, count(*) > 0 as b from agreement`.execute(pgStore.db);
    expect(r.rows[0]).toEqual({ n: 1880, d: "2026-05-01", b: 1 });
  });

  it("`db migrate` again changes nothing", async () => {
    expect(await migrateStore(db.url)).toEqual([]);
  });

  // Last: it adds a list to the ledger the tests above compare with SQLite's.
  it("answers readers from the ledger before a list or after it while another process ingests it", async () => {
    const app = createApp({ store: pgStore, webDist: null, versionTtlMs: 0 });
    expectBeforeOrAfter(await readWhileIngesting(app, db.url, nextList()));
  });
});

describe.skipIf(!testPostgres)("the schema check at open", () => {
  it("names the missing migrations and the command that applies them", async () => {
    const db = await freshDatabase();
    try {
      await expect(openStore(db.url)).rejects.toThrow(/holds no g287 schema yet: run `g287 db migrate`/);
      const k = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url }) }),
      });
      await new Migrator({ db: k, provider: new InlineMigrations() }).migrateTo("003-moa");
      await k.destroy();
      await expect(openStore(db.url)).rejects.toThrow(/is behind \(not applied: 004-alerts\): run `g287 db migrate`/);
      expect((await migrateStore(db.url)).map((r) => r.migrationName)).toEqual(["004-alerts"]);
      await (await openStore(db.url)).close();
    } finally {
      await db.drop();
    }
  });

  it("lives through the server ending its idle connections, then queries on a fresh one", async () => {
    const db = await freshDatabase();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      await migrateStore(db.url);
      const store = await openStore(db.url);
      try {
        await sql`select 1`.execute(store.db);
        const name = new URL(db.url).pathname.slice(1);
        const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
        await admin.connect();
        const killed = await admin.query(
          "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [name],
        );
        await admin.end();
        expect(killed.rowCount).toBeGreaterThan(0);
        await expect.poll(() => warnings.some((w) => w.includes("closed an idle connection"))).toBe(true);
        const r = await sql<{ n: number }>`select count(*) as n from agreement`.execute(store.db);
        expect(r.rows[0]?.n).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      process.off("warning", onWarning);
      await db.drop();
    }
  });
});
