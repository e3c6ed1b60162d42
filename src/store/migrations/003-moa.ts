// The MOA documents: each PDF's provenance, its text page by page, the fields read from
// it, and a full-text index over the pages. These tables are not part of the ledger replay: a
// rebuild or a re-ingest never deletes them (the bytes sit in `blob`, keyed by sha256).
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { textType } from "./types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable("moa_document")
    .addColumn("sha256", text, (c) => c.primaryKey())
    .addColumn("url", text)
    .addColumn("agreement_id", text)
    .addColumn("agency_id", text)
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("retrieved_at", text, (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    .addColumn("http_status", "integer")
    .addColumn("pages", "integer", (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull())
    .addColumn("error", text)
    .addColumn("title", text)
    .addColumn("extractor", text, (c) => c.notNull())
    .addColumn("extract_ms", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("moa_document_url").on("moa_document").column("url").execute();

  // No foreign key to `agreement`: a full replay deletes and rewrites the agreements.
  await db.schema
    .createTable("moa_link")
    .addColumn("sha256", text, (c) => c.notNull())
    .addColumn("agreement_id", text, (c) => c.notNull())
    .addColumn("agency_id", text, (c) => c.notNull())
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("url", text)
    .addPrimaryKeyConstraint("moa_link_pk", ["sha256", "agreement_id", "kind"])
    .execute();
  await db.schema.createIndex("moa_link_agreement").on("moa_link").column("agreement_id").execute();
  await db.schema.createIndex("moa_link_agency").on("moa_link").column("agency_id").execute();
  await db.schema.createIndex("moa_link_url").on("moa_link").column("url").execute();

  await db.schema
    .createTable("moa_page")
    .addColumn("sha256", text, (c) => c.notNull())
    .addColumn("page", "integer", (c) => c.notNull())
    .addColumn("text", text, (c) => c.notNull())
    .addColumn("layout", text, (c) => c.notNull())
    .addPrimaryKeyConstraint("moa_page_pk", ["sha256", "page"])
    .execute();

  await db.schema
    .createTable("moa_fields")
    .addColumn("sha256", text, (c) => c.notNull())
    .addColumn("field", text, (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("value", text)
    .addColumn("page", "integer")
    .addColumn("snippet", text)
    .addColumn("source", text, (c) => c.notNull())
    .addPrimaryKeyConstraint("moa_fields_pk", ["sha256", "field", "seq"])
    .execute();
  await db.schema.createIndex("moa_fields_field").on("moa_fields").columns(["field", "value"]).execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL: the same search as a generated tsvector with a GIN index. Queries use
    // websearch_to_tsquery('english', q), rank with ts_rank_cd and cut snippets with ts_headline
    // (see analysis/moa.ts).
    await sql`alter table moa_page add column tsv tsvector generated always as (to_tsvector('english', text)) stored`.execute(
      db,
    );
    await sql`create index moa_page_tsv on moa_page using gin (tsv)`.execute(db);
  } else {
    // SQLite: an FTS5 table beside moa_page, written in the same transaction as the page rows.
    // Porter stemming matches "signed" to "signing"; unicode61 folds case and accents.
    await sql`create virtual table moa_fts using fts5(sha256 unindexed, page unindexed, text, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) await sql`drop table if exists moa_fts`.execute(db);
  for (const t of ["moa_fields", "moa_page", "moa_link", "moa_document"])
    await db.schema.dropTable(t).ifExists().execute();
}
