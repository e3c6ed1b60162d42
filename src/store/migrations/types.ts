// Column types that differ between the backends, chosen once here so every migration stays portable.
import { type Expression, type Kysely, PostgresAdapter, sql } from "kysely";

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export function binaryType(db: Kysely<unknown>): "bytea" | "blob" {
  return isPostgres(db) ? "bytea" : "blob";
}

/**
 * Text that sorts and compares by code point on both backends. SQLite compares UTF-8 bytes; a
 * PostgreSQL database made with a locale (en_US.UTF-8) would sort "a-b" and "ab" by language
 * rules, and every ordered export would differ. The "C" collation on each column makes the
 * order the database's, whatever locale it was created with.
 */
export function textType(db: Kysely<unknown>): "text" | Expression<unknown> {
  return isPostgres(db) ? sql`text collate "C"` : "text";
}
