// The initial schema. Portable types only (text, integer, binary: see types.ts), so the same
// migration runs on SQLite and PostgreSQL.
import type { Kysely } from "kysely";
import { binaryType, textType } from "./types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable("blob")
    .addColumn("sha256", text, (c) => c.primaryKey())
    .addColumn("bytes", binaryType(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("snapshot")
    .addColumn("snapshot_id", text, (c) => c.primaryKey())
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("file_name", text, (c) => c.notNull())
    .addColumn("original_filename", text, (c) => c.notNull())
    .addColumn("location", text, (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    .addColumn("row_count", "integer", (c) => c.notNull())
    .addColumn("sheet_name", text, (c) => c.notNull())
    .addColumn("header", text, (c) => c.notNull())
    .addColumn("sheet_names", text, (c) => c.notNull())
    .addColumn("reader_notes", text, (c) => c.notNull())
    .addColumn("cells_sha256", text, (c) => c.notNull())
    .addColumn("parser_version", text, (c) => c.notNull())
    .addColumn("published_at", text, (c) => c.notNull())
    .addColumn("published_basis", text, (c) => c.notNull())
    .addColumn("first_seen", text, (c) => c.notNull())
    .addColumn("last_seen", text, (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull())
    .addColumn("status_reason", text)
    .addColumn("kind_mismatch", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("snapshot_cells").on("snapshot").column("cells_sha256").execute();

  await db.schema
    .createTable("observation")
    .addColumn("obs_id", text, (c) => c.primaryKey())
    .addColumn("snapshot_id", text, (c) => c.notNull().references("snapshot.snapshot_id"))
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("date", text, (c) => c.notNull())
    .addColumn("stated_date", text)
    .addColumn("date_rule", text)
    .addColumn("slot", text, (c) => c.notNull())
    .addColumn("order_key", text, (c) => c.notNull())
    .addColumn("basis", text, (c) => c.notNull())
    .addColumn("basis_detail", text, (c) => c.notNull())
    .addColumn("original_filename", text, (c) => c.notNull())
    .addColumn("filename_kind", text)
    .addColumn("provenance", text, (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull())
    .addColumn("reason", text)
    .execute();
  await db.schema.createIndex("observation_order").on("observation").column("order_key").execute();

  // The raw rows of each snapshot, as one gzip-compressed JSON array (a listing row points into it).
  await db.schema
    .createTable("snapshot_rows")
    .addColumn("snapshot_id", text, (c) => c.primaryKey())
    .addColumn("columns", text, (c) => c.notNull())
    .addColumn("rows_gz", binaryType(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("listing")
    .addColumn("snapshot_id", text, (c) => c.notNull())
    .addColumn("row", "integer", (c) => c.notNull())
    .addColumn("state", text)
    .addColumn("agency", text, (c) => c.notNull())
    .addColumn("agency_key", text, (c) => c.notNull())
    .addColumn("jurisdiction", text)
    .addColumn("county", text)
    .addColumn("model", text)
    .addColumn("signed_on", text)
    .addColumn("moa_url", text)
    .addColumn("moa_status", text)
    .addColumn("addendum_url", text)
    .addColumn("agency_id", text)
    .addColumn("agreement_id", text)
    .addColumn("application_id", text)
    .addColumn("tier", text, (c) => c.notNull())
    .addColumn("note", text)
    .addPrimaryKeyConstraint("listing_pk", ["snapshot_id", "row"])
    .execute();
  await db.schema.createIndex("listing_agreement").on("listing").column("agreement_id").execute();

  await db.schema
    .createTable("correction")
    .addColumn("snapshot_id", text, (c) => c.notNull())
    .addColumn("row", "integer", (c) => c.notNull())
    .addColumn("field", text, (c) => c.notNull())
    .addColumn("rule", text, (c) => c.notNull())
    .addColumn("before", text)
    .addColumn("after", text)
    .addColumn("evidence", text)
    .execute();
  await db.schema.createIndex("correction_snapshot").on("correction").columns(["snapshot_id", "row"]).execute();

  await db.schema
    .createTable("agency")
    .addColumn("agency_id", text, (c) => c.primaryKey())
    .addColumn("state", text, (c) => c.notNull())
    .addColumn("state_fips", text, (c) => c.notNull())
    .addColumn("name", text, (c) => c.notNull())
    .addColumn("jurisdiction", text)
    .addColumn("type", text, (c) => c.notNull())
    .addColumn("county", text)
    .addColumn("first_seen", text, (c) => c.notNull())
    .addColumn("last_seen", text, (c) => c.notNull())
    .addColumn("names", text, (c) => c.notNull())
    .addColumn("keys", text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("agreement")
    .addColumn("agreement_id", text, (c) => c.primaryKey())
    .addColumn("agency_id", text, (c) => c.notNull())
    .addColumn("state", text, (c) => c.notNull())
    .addColumn("model", text, (c) => c.notNull())
    .addColumn("signed_on", text)
    .addColumn("first_listed", text, (c) => c.notNull())
    .addColumn("last_listed", text, (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull())
    .addColumn("ended_on", text)
    .addColumn("moa_url", text)
    .addColumn("addendum_url", text)
    .addColumn("predecessor_id", text)
    .addColumn("successor_id", text)
    .addColumn("signed_history", text, (c) => c.notNull())
    .addColumn("gaps", text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("agreement_agency").on("agreement").column("agency_id").execute();
  await db.schema.createIndex("agreement_state").on("agreement").columns(["state", "model"]).execute();

  await db.schema
    .createTable("agreement_period")
    .addColumn("agreement_id", text, (c) => c.notNull())
    .addColumn("start", text, (c) => c.notNull())
    .addColumn("end", text)
    .execute();
  await db.schema.createIndex("period_agreement").on("agreement_period").column("agreement_id").execute();
  await db.schema.createIndex("period_start").on("agreement_period").columns(["start", "end"]).execute();

  await db.schema
    .createTable("application")
    .addColumn("application_id", text, (c) => c.primaryKey())
    .addColumn("agency_id", text, (c) => c.notNull())
    .addColumn("state", text, (c) => c.notNull())
    .addColumn("model", text, (c) => c.notNull())
    .addColumn("first_listed", text, (c) => c.notNull())
    .addColumn("last_listed", text, (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull())
    .addColumn("agreement_id", text)
    .addColumn("signed_on", text)
    .addColumn("ended_on", text)
    .execute();

  await db.schema
    .createTable("event")
    .addColumn("seq", "integer", (c) => c.primaryKey())
    .addColumn("type", text, (c) => c.notNull())
    .addColumn("date", text, (c) => c.notNull())
    .addColumn("obs_id", text, (c) => c.notNull())
    .addColumn("snapshot_id", text, (c) => c.notNull())
    .addColumn("agency_id", text)
    .addColumn("agreement_id", text)
    .addColumn("application_id", text)
    .addColumn("detail", text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("event_date").on("event").columns(["date", "type"]).execute();
  await db.schema.createIndex("event_agency").on("event").column("agency_id").execute();

  await db.schema
    .createTable("review")
    .addColumn("review_id", text, (c) => c.primaryKey())
    .addColumn("obs_id", text, (c) => c.notNull())
    .addColumn("snapshot_id", text, (c) => c.notNull())
    .addColumn("date", text, (c) => c.notNull())
    .addColumn("row", "integer")
    .addColumn("reason", text, (c) => c.notNull())
    .addColumn("detail", text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("meta")
    .addColumn("key", text, (c) => c.primaryKey())
    .addColumn("value", text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ledger_state")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("state", binaryType(db), (c) => c.notNull())
    .addColumn("updated_at", text, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "ledger_state",
    "meta",
    "review",
    "event",
    "application",
    "agreement_period",
    "agreement",
    "agency",
    "correction",
    "listing",
    "snapshot_rows",
    "observation",
    "snapshot",
    "blob",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
