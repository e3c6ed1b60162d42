// Opens the store: one SQLite file through better-sqlite3 (WAL mode, so the CLI and a server can
// use it at once), wrapped in Kysely, with the schema migrated to the latest version; or, for a
// postgres:// URL, a PostgreSQL database through the same Kysely queries (pg/open.ts).
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, type MigrationResult, Migrator, SqliteDialect } from "kysely";
import { type Dialect, dialectOf } from "./dialect.js";
import { InlineMigrations, MIGRATIONS } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  file: string;
  dialect: Dialect;
  /**
   * Runs `fn` in one write transaction: everything it writes commits together or not at all. On
   * SQLite it starts with BEGIN IMMEDIATE, so concurrent writers queue instead of racing.
   */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The SQLite handle behind a transaction, so bulk inserts can reuse one prepared statement per
 * table instead of compiling a new multi-row INSERT per batch (a full replay writes ~230,000
 * listing rows). Statements run on the same connection, inside the same transaction.
 */
export const RAW_SQLITE = new WeakMap<Kysely<Database>, Sqlite.Database>();

/** Inserts many rows of one table, in the backend's fastest form (see pg/bulk.ts). */
export type BulkInsert = (table: keyof Database, rows: readonly object[]) => Promise<void>;

/**
 * The bulk insert behind a PostgreSQL handle (the store's, and each transaction's). SQLite has
 * none: its bulk path is the prepared statement on RAW_SQLITE.
 */
export const BULK_INSERT = new WeakMap<Kysely<Database>, BulkInsert>();

export interface OpenOptions {
  readonly?: boolean;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

/**
 * The store to use when --db is absent: G287_DB, then DATABASE_URL, then ./g287.db. A
 * DATABASE_URL for another engine is refused rather than silently replaced by a local file.
 */
export function defaultDbPath(): string {
  if (process.env.G287_DB) return process.env.G287_DB;
  const url = process.env.DATABASE_URL;
  if (!url) return "g287.db";
  if (dialectOf(url) !== "postgres")
    throw new StoreError("DATABASE_URL must be a postgres:// URL; for a SQLite file use G287_DB or --db");
  return url;
}

/** Opens a SQLite file or a postgres:// URL. PostgreSQL's driver loads only when one is named. */
export async function openStore(file: string, opts: OpenOptions = {}): Promise<Store> {
  if (dialectOf(file) === "postgres") return (await import("./pg/open.js")).openPostgres(file, opts);
  return (await openSqlite(file, opts)).store;
}

async function openSqlite(file: string, opts: OpenOptions): Promise<{ store: Store; migrated: MigrationResult[] }> {
  if (opts.readonly && !fs.existsSync(file)) {
    throw new StoreError(`no ledger at ${file}: run \`g287 ingest PATH\` (or \`npm start\`) first, or pass --db`);
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new StoreError(`cannot create ${file}: folder ${dir} does not exist`);
  let sqlite: Sqlite.Database;
  try {
    sqlite = new Sqlite(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    // An ingest holds the write lock for as long as a full replay takes; another one waits.
    sqlite.pragma("busy_timeout = 120000");
    sqlite.pragma("foreign_keys = ON");
    // A full replay writes a few hundred thousand listing rows in one transaction.
    sqlite.pragma("cache_size = -131072");
    sqlite.pragma("temp_store = MEMORY");
  } catch (e) {
    throw new StoreError(`cannot open ${file} as a g287 store: ${(e as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  RAW_SQLITE.set(db, sqlite);
  // Kysely's migrator reads the whole schema before it can tell nothing is pending: a third of
  // what `g287 status` costs. A store that already lists every migration skips it.
  let results: MigrationResult[] | undefined;
  if (!allApplied(sqlite)) {
    const migrated = await new Migrator({ db, provider: new InlineMigrations() }).migrateToLatest();
    if (migrated.error) {
      await db.destroy();
      throw new StoreError(`cannot migrate ${file}: ${(migrated.error as Error).message}`);
    }
    results = migrated.results;
  }
  const store: Store = {
    db,
    file,
    dialect: "sqlite",
    async transaction(fn) {
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(db);
        sqlite.exec("COMMIT");
        return out;
      } catch (e) {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
        throw e;
      }
    },
    async close() {
      await db.destroy();
      // Kysely closes only a handle it has used: a store opened and closed without a query (the
      // migrator skipped) would leave the file open.
      if (sqlite.open) sqlite.close();
    },
  };
  return { store, migrated: results ?? [] };
}

/** Whether the file records every migration this code has (and no lock held by a migration). */
function allApplied(sqlite: Sqlite.Database): boolean {
  try {
    const done = new Set(
      (sqlite.prepare("select name from kysely_migration").all() as { name: string }[]).map((r) => r.name),
    );
    // One this code does not know (a newer g287 wrote the file) goes to the migrator, which refuses.
    return done.size === Object.keys(MIGRATIONS).length && Object.keys(MIGRATIONS).every((m) => done.has(m));
  } catch {
    return false; // a new file: no migration table yet
  }
}

/** `g287 db migrate`: applies pending migrations and returns what ran. */
export async function migrateStore(target: string): Promise<MigrationResult[]> {
  if (dialectOf(target) === "postgres") return (await import("./pg/open.js")).migratePostgres(target);
  const { store, migrated } = await openSqlite(target, {});
  await store.close();
  return migrated;
}
