// Opens a store on PostgreSQL: a pg Pool behind Kysely's PostgresDialect, so the same queries run
// on both backends. Opening never changes the schema (`g287 db migrate` does); it checks it.
import { Kysely, type MigrationResult, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { BULK_INSERT, type BulkInsert, type OpenOptions, type Store, StoreError } from "../db.js";
import { displayTarget } from "../dialect.js";
import { InlineMigrations } from "../migrations/index.js";
import type { Database } from "../schema.js";
import { readColumnTypes, unnestInsert } from "./bulk.js";
import { PG_TYPES } from "./types.js";

/** The advisory lock every writer takes (ingest, sync, restore): the project's number and 1. */
const WRITE_LOCK = [287, 1] as const;
/** As long as SQLite's busy_timeout: a full replay holds the lock for seconds, not minutes. */
const LOCK_WAIT = "120s";

function connect(url: string): Kysely<Database> {
  const max = Number(process.env.G287_PG_POOL) || 10;
  const pool = new pg.Pool({ connectionString: url, types: PG_TYPES, max });
  // An idle pooled connection the server ends (a restart, `pg_terminate_backend`, a dropped
  // database) is an 'error' event; unheard, Node would end the whole `serve` process for it. The
  // pool has already discarded that client, and the next query opens a fresh one.
  pool.on("error", (e) => process.emitWarning(`PostgreSQL closed an idle connection: ${e.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function reachable(db: Kysely<Database>, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy();
    throw new StoreError(`cannot connect to ${displayTarget(url)}: ${(e as Error).message}`);
  }
}

/** Names of the migrations this code has that the database has not applied. */
async function pending(db: Kysely<Database>): Promise<string[]> {
  const all = await new Migrator({ db, provider: new InlineMigrations() }).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

export async function openPostgres(url: string, _opts: OpenOptions = {}): Promise<Store> {
  const db = connect(url);
  await reachable(db, url);
  const behind = await pending(db);
  if (behind.length) {
    await db.destroy();
    const what =
      behind[0] === "001-initial" ? "holds no g287 schema yet" : `is behind (not applied: ${behind.join(", ")})`;
    throw new StoreError(
      `the database at ${displayTarget(url)} ${what}: run \`g287 db migrate\` with the same --db or DATABASE_URL`,
    );
  }
  const types = await readColumnTypes(db);
  const bulk =
    (k: Kysely<Database>): BulkInsert =>
    (table, rows) =>
      unnestInsert(k, types, table, rows);
  BULK_INSERT.set(db, bulk(db));
  return {
    db,
    file: displayTarget(url),
    dialect: "postgres",
    async transaction(fn) {
      return db.transaction().execute(async (trx) => {
        // One writer at a time, as BEGIN IMMEDIATE gives on SQLite: the second waits, then starts
        // from the first one's result.
        await sql`set local lock_timeout = ${sql.lit(LOCK_WAIT)}`.execute(trx);
        try {
          await sql`select pg_advisory_xact_lock(${WRITE_LOCK[0]}, ${WRITE_LOCK[1]})`.execute(trx);
        } catch (e) {
          if ((e as { code?: string }).code === "55P03")
            throw new StoreError(
              `another ingest, sync or restore has been writing to ${displayTarget(url)} for ${LOCK_WAIT}: try again when it ends`,
            );
          throw e;
        }
        BULK_INSERT.set(trx, bulk(trx));
        return fn(trx);
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Applies every pending migration (safe to re-run: Kysely records each and locks while it runs). */
export async function migratePostgres(url: string): Promise<MigrationResult[]> {
  const db = connect(url);
  await reachable(db, url);
  try {
    const { error, results } = await new Migrator({ db, provider: new InlineMigrations() }).migrateToLatest();
    if (error) throw new StoreError(`cannot migrate ${displayTarget(url)}: ${(error as Error).message}`);
    return results ?? [];
  } finally {
    await db.destroy();
  }
}
