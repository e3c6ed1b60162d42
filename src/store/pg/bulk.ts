// Bulk inserts on PostgreSQL: one INSERT … SELECT FROM unnest() per few thousand rows, one array
// parameter per column. A full replay writes ~230,000 listing rows; Kysely's multi-row VALUES
// would bind 17 parameters a row and stop at 65,535 of them.
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";

/** Rows per statement: large enough to amortise the round trip, small enough to stream. */
const CHUNK = 5000;

/** Each table's columns and their element types (int4, text, bytea…), read once per pool. */
export type ColumnTypes = Map<string, Map<string, string>>;

export async function readColumnTypes(db: Kysely<Database>): Promise<ColumnTypes> {
  const r = await sql<{ table_name: string; column_name: string; udt_name: string }>`
    select table_name, column_name, udt_name from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER'`.execute(db);
  const out: ColumnTypes = new Map();
  for (const c of r.rows) {
    const t = out.get(c.table_name) ?? new Map<string, string>();
    t.set(c.column_name, c.udt_name);
    out.set(c.table_name, t);
  }
  return out;
}

// pg writes a Buffer inside an array parameter as bytea, but not a plain Uint8Array.
const element = (v: unknown) =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : (v ?? null);

export async function unnestInsert(
  db: Kysely<Database>,
  types: ColumnTypes,
  table: string,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  const known = types.get(table);
  const udt = columns.map((c) => {
    const t = known?.get(c);
    // Column names come from our row types; a missing one means the schema is not this code's.
    if (!t || !/^[a-z0-9_]+$/.test(t)) throw new Error(`bulk insert: no column ${table}.${c} in the database`);
    return t;
  });
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK) as Record<string, unknown>[];
    const arrays = columns.map((c, k) => sql`${chunk.map((r) => element(r[c]))}::${sql.raw(udt[k] as string)}[]`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      select * from unnest(${sql.join(arrays)})`.execute(db);
  }
}
