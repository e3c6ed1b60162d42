// `g287 backup` and `g287 restore`: every table of a store as one portable, versioned file (gzip of
// JSON lines), readable by either backend. It carries what a replay cannot make again: each list's
// bytes and provenance, MOA documents, subscriptions, the outbox and the alert cursor; and the
// derived tables too, so a restore is exact without replaying.

import { once } from "node:events";
import fs from "node:fs";
import readline from "node:readline";
import { createGunzip, createGzip } from "node:zlib";
import { type Kysely, Migrator, sql } from "kysely";
import { z } from "zod";
import { type Db, migrateStore, openStore, type Store, StoreError } from "./db.js";
import { InlineMigrations } from "./migrations/index.js";
import type { Database } from "./schema.js";
import { insertMany } from "./write.js";

export const BACKUP_FORMAT = "g287-backup";
export const BACKUP_VERSION = 1;

/**
 * Every table, in an order a restore can insert (a referenced row first), with the columns that
 * order its rows. A table a migration adds must be added here: test/pg-backup checks the list.
 */
export const BACKUP_TABLES: readonly { table: keyof Database | MoaOrAlertTable; key: readonly string[] }[] = [
  { table: "blob", key: ["sha256"] },
  { table: "snapshot", key: ["snapshot_id"] },
  { table: "observation", key: ["obs_id"] },
  { table: "snapshot_rows", key: ["snapshot_id"] },
  { table: "listing", key: ["snapshot_id", "row"] },
  { table: "correction", key: ["snapshot_id", "row", "field", "rule", "before", "after", "evidence"] },
  { table: "agency", key: ["agency_id"] },
  { table: "agreement", key: ["agreement_id"] },
  { table: "agreement_period", key: ["agreement_id", "start", "end"] },
  { table: "application", key: ["application_id"] },
  { table: "event", key: ["seq"] },
  { table: "review", key: ["review_id"] },
  { table: "meta", key: ["key"] },
  { table: "ledger_state", key: ["id"] },
  { table: "moa_document", key: ["sha256"] },
  { table: "moa_link", key: ["sha256", "agreement_id", "kind"] },
  { table: "moa_page", key: ["sha256", "page"] },
  { table: "moa_fields", key: ["sha256", "field", "seq"] },
  { table: "subscription", key: ["subscription_id"] },
  { table: "alert_cursor", key: ["change_key"] },
  { table: "outbox", key: ["outbox_id"] },
];
type MoaOrAlertTable =
  | "moa_document"
  | "moa_link"
  | "moa_page"
  | "moa_fields"
  | "subscription"
  | "alert_cursor"
  | "outbox";

const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int(),
  migrations: z.array(z.string()),
  dialect: z.string(),
  created_at: z.string(),
});
const tableSchema = z.object({ table: z.string(), columns: z.array(z.string()), rows: z.number().int().min(0) });
const endSchema = z.object({ end: z.literal(true), tables: z.number().int() });
const cellSchema = z.union([z.string(), z.number(), z.null(), z.object({ $bytes: z.string() })]);

export interface BackupSummary {
  file: string;
  tables: { table: string; rows: number }[];
}

/** Rows per read: lists' bytes are large, other rows small. */
const pageSize = (table: string) => (table === "blob" ? 20 : 5000);

const encode = (v: unknown) => (v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString("base64") } : v);
const decode = (v: z.infer<typeof cellSchema>) =>
  v !== null && typeof v === "object" ? Buffer.from(v.$bytes, "base64") : v;

async function appliedMigrations(db: Db): Promise<string[]> {
  const all = await new Migrator({ db, provider: new InlineMigrations() }).getMigrations();
  return all.filter((m) => m.executedAt).map((m) => m.name);
}

/** The columns a backup carries: all but PostgreSQL's generated search column. */
async function columnsOf(db: Db): Promise<Map<string, string[]>> {
  const tables = await db.introspection.getTables();
  return new Map(tables.map((t) => [t.name, t.columns.filter((c) => c.dataType !== "tsvector").map((c) => c.name)]));
}

/** Writes the whole store to `file` (written beside it first, then moved in). */
export async function backup(store: Store, file: string): Promise<BackupSummary> {
  const tmp = `${file}.tmp-${process.pid}`;
  const gz = createGzip();
  const done = gz.pipe(fs.createWriteStream(tmp));
  // Lines go to gzip a megabyte at a time: a write per row (300,000 of them) spent more time
  // handing chunks to zlib's thread than compressing.
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (!pending.length) return;
    const chunk = pending.join("");
    pending = [];
    pendingBytes = 0;
    if (!gz.write(chunk)) await once(gz, "drain");
  };
  const write = async (v: unknown) => {
    const line = `${JSON.stringify(v)}\n`;
    pending.push(line);
    pendingBytes += line.length;
    if (pendingBytes >= 2 ** 20) await flush();
  };
  const summary: BackupSummary = { file, tables: [] };
  try {
    // One snapshot of the store: a list ingested meanwhile is in the backup whole or not at all.
    const t = store.db.transaction();
    await (store.dialect === "postgres" ? t.setIsolationLevel("repeatable read") : t).execute(async (trx) => {
      const columns = await columnsOf(trx);
      await write({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        migrations: await appliedMigrations(trx),
        dialect: store.dialect,
        created_at: new Date().toISOString(),
      });
      for (const { table, key } of BACKUP_TABLES) {
        const cols = columns.get(table);
        if (!cols) throw new StoreError(`cannot back up ${store.file}: it has no table ${table}`);
        const n = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(trx);
        const rows = Number(n.rows[0]?.n ?? 0);
        await write({ table, columns: cols, rows });
        for (let at = 0; at < rows; at += pageSize(table)) {
          const page = await sql<Record<string, unknown>>`select ${sql.join(cols.map((c) => sql.ref(c)))}
              from ${sql.table(table)} order by ${sql.join(key.map((k) => sql.ref(k)))}
              limit ${pageSize(table)} offset ${at}`.execute(trx);
          for (const r of page.rows) await write(cols.map((c) => encode(r[c])));
        }
        summary.tables.push({ table, rows });
      }
      await write({ end: true, tables: BACKUP_TABLES.length });
      await flush();
    });
    gz.end();
    await once(done, "finish");
    fs.renameSync(tmp, file);
    return summary;
  } catch (e) {
    gz.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Rows per insert while restoring. */
const RESTORE_BATCH = 2000;

/**
 * Rebuilds a store from a backup: the target (a new SQLite file or an empty, possibly unmigrated
 * PostgreSQL database) is migrated, then filled in one transaction under the write lock.
 */
export async function restore(target: string, file: string): Promise<BackupSummary> {
  if (!fs.existsSync(file)) throw new StoreError(`no backup at ${file}`);
  const lines = readline.createInterface({
    input: fs.createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  const it = lines[Symbol.asyncIterator]();
  const next = async <T>(schema: z.ZodType<T>, what: string): Promise<T> => {
    let r: IteratorResult<string>;
    try {
      r = await it.next();
    } catch (e) {
      throw new StoreError(`${file} is not a g287 backup (${(e as Error).message})`);
    }
    if (r.done) throw new StoreError(`${file} ends before its ${what}: the backup is cut short`);
    let v: unknown;
    try {
      v = JSON.parse(r.value);
    } catch {
      throw new StoreError(`${file}: its ${what} is not JSON`);
    }
    const parsed = schema.safeParse(v);
    if (!parsed.success) throw new StoreError(`${file}: unexpected ${what}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  const header = await next(headerSchema, "header");
  if (header.version > BACKUP_VERSION)
    throw new StoreError(`${file} is a backup of format ${header.version}; this g287 reads up to ${BACKUP_VERSION}`);
  await migrateStore(target);
  const store = await openStore(target);
  try {
    const ours = await appliedMigrations(store.db);
    const newer = header.migrations.filter((m) => !ours.includes(m));
    if (newer.length)
      throw new StoreError(`${file} was made by a newer g287 (schema ${newer.join(", ")}): upgrade first`);
    const summary: BackupSummary = { file, tables: [] };
    await store.transaction(async (trx) => {
      await refuseUnlessEmpty(trx, store);
      const columns = await columnsOf(trx);
      for (let k = 0; k < BACKUP_TABLES.length; k++) {
        const t = await next(tableSchema, "table header");
        const known = BACKUP_TABLES.find((b) => b.table === t.table);
        const have = columns.get(t.table);
        if (!known || !have) throw new StoreError(`${file}: unknown table ${t.table}`);
        const extra = t.columns.filter((c) => !have.includes(c));
        if (extra.length)
          throw new StoreError(`${file}: table ${t.table} has columns this schema lacks: ${extra.join(", ")}`);
        const row = z.array(cellSchema).length(t.columns.length);
        let batch: Record<string, unknown>[] = [];
        for (let i = 0; i < t.rows; i++) {
          const cells = await next(row, `row ${i + 1} of ${t.table}`);
          batch.push(Object.fromEntries(t.columns.map((c, j) => [c, decode(cells[j] ?? null)])));
          if (batch.length === RESTORE_BATCH || i === t.rows - 1) {
            await insertMany(trx, t.table as never, batch as never);
            batch = [];
          }
        }
        summary.tables.push({ table: t.table, rows: t.rows });
      }
      await next(endSchema, "end mark");
      if (store.dialect === "sqlite") await refillSqliteSearch(trx);
    });
    return summary;
  } finally {
    lines.close();
    await store.close();
  }
}

async function refuseUnlessEmpty(trx: Db, store: Store): Promise<void> {
  for (const table of ["snapshot", "moa_document", "subscription"]) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(trx);
    const n = Number(r.rows[0]?.n ?? 0);
    if (n)
      throw new StoreError(
        `restore needs an empty store, and ${store.file} holds ${n} rows of ${table}: use a new --db`,
      );
  }
}

/** SQLite's MOA search is an FTS5 table beside moa_page (migration 003), filled as collect does. */
async function refillSqliteSearch(trx: Kysely<Database>): Promise<void> {
  const pages = await sql<{
    sha256: string;
    page: number;
    text: string;
  }>`select sha256, page, text from moa_page`.execute(trx);
  for (const p of pages.rows)
    if (p.text.trim())
      await sql`insert into moa_fts (sha256, page, text) values (${p.sha256}, ${p.page}, ${p.text})`.execute(trx);
}
