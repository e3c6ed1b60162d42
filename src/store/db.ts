// Opens the store: one SQLite file through better-sqlite3 (WAL mode, so the CLI and a server can
// use it at once), wrapped in Kysely, with the schema migrated to the latest version.
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from "kysely";
import * as m001 from "./migrations/001-initial.js";
import * as m002 from "./migrations/002-agency-place.js";
import * as m003 from "./migrations/003-moa.js";
import * as m004 from "./migrations/004-alerts.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  file: string;
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

const MIGRATIONS: Record<string, Migration> = {
  "001-initial": m001,
  "002-agency-place": m002,
  "003-moa": m003,
  "004-alerts": m004,
};

class InlineMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export function defaultDbPath(): string {
  return process.env.G287_DB || "g287.db";
}

export async function openStore(file: string, opts: { readonly?: boolean } = {}): Promise<Store> {
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
  const migrator = new Migrator({ db, provider: new InlineMigrations() });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new StoreError(`cannot migrate ${file}: ${(error as Error).message}`);
  }
  return {
    db,
    file,
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
    },
  };
}
