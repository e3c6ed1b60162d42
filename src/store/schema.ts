// Table types for Kysely. Dates are ISO text, JSON is text, booleans are 0/1 integers, so the same
// schema and queries run on SQLite and PostgreSQL.
import type { ColumnType, Kysely } from "kysely";
import type { AgencyFile, AgreementItem } from "../domain/files.js";
import type { ApplicationFact } from "../domain/statistics.js";

export interface BlobTable {
  sha256: string;
  bytes: Uint8Array;
}

export interface SnapshotTable {
  snapshot_id: string; // sha256 of the bytes
  kind: string; // participating | pending, from the content
  file_name: string;
  original_filename: string;
  location: string;
  bytes: number;
  row_count: number;
  sheet_name: string;
  header: string; // JSON: [{key, field, index, mapped_by}]
  sheet_names: string; // JSON
  reader_notes: string; // JSON
  cells_sha256: string;
  parser_version: string;
  published_at: string; // first observation date
  published_basis: string;
  first_seen: string;
  last_seen: string;
  status: string; // applied | quarantined | not_applied
  status_reason: string | null;
  kind_mismatch: number; // file name says one kind, content another
}

export interface ObservationTable {
  obs_id: string;
  snapshot_id: string;
  kind: string;
  date: string;
  stated_date: string | null;
  date_rule: string | null;
  slot: string;
  order_key: string;
  basis: string; // publication | capture
  basis_detail: string;
  original_filename: string;
  filename_kind: string | null;
  provenance: string; // JSON
  status: string; // applied | quarantined
  reason: string | null;
}

export interface SnapshotRowsTable {
  snapshot_id: string;
  columns: string; // JSON: the column keys, in order
  rows_gz: Uint8Array; // gzip of JSON {rows: [row numbers], cells: [[cell…]…]}; cell = value or {v, z, link}
}

export interface ListingTable {
  snapshot_id: string;
  row: number;
  state: string | null;
  agency: string;
  agency_key: string;
  jurisdiction: string | null;
  county: string | null;
  model: string | null;
  signed_on: string | null;
  moa_url: string | null;
  moa_status: string | null;
  addendum_url: string | null;
  agency_id: string | null;
  agreement_id: string | null;
  application_id: string | null;
  tier: string;
  note: string | null;
}

export interface CorrectionTable {
  snapshot_id: string;
  row: number;
  field: string;
  rule: string;
  before: string | null;
  after: string | null;
  evidence: string | null;
}

/** The agency as its page shows it (domain/files.ts), with the JSON and 0/1 integers the store keeps. */
export interface AgencyTable extends Omit<AgencyFile["agency"], "names" | "statewide"> {
  names: string; // JSON [{name, firstSeen, lastSeen}]
  keys: string; // JSON
  statewide: number; // 1 = a state agency: covers the whole state, has no county
}

/** The agreement as the published files show it (domain/files.ts), less its agency's fields and
 * periods (joined in from the agency and period tables), plus the ledger's JSON history. */
export interface AgreementTable
  extends Omit<
    AgreementItem,
    "agency" | "agency_type" | "jurisdiction" | "county" | "county_fips" | "statewide" | "periods"
  > {
  signed_history: string; // JSON
  gaps: string; // JSON
}

export interface PeriodTable {
  agreement_id: string;
  start: string;
  end: string | null;
}

/** An application as the analysis reads it (domain/statistics.ts), less the agency's name. */
export type ApplicationTable = Omit<ApplicationFact, "agency">;

export interface EventTable {
  seq: number;
  type: string;
  date: string;
  obs_id: string;
  snapshot_id: string;
  agency_id: string | null;
  agreement_id: string | null;
  application_id: string | null;
  detail: string; // JSON
}

export interface ReviewTable {
  review_id: string; // `<obs_id>#<n>`
  obs_id: string;
  snapshot_id: string;
  date: string;
  row: number | null;
  reason: string;
  detail: string; // JSON
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface LedgerStateTable {
  id: number;
  state: Uint8Array; // gzip of the ledger state JSON
  updated_at: ColumnType<string, string, string>;
}

export interface Database {
  blob: BlobTable;
  snapshot: SnapshotTable;
  observation: ObservationTable;
  snapshot_rows: SnapshotRowsTable;
  listing: ListingTable;
  correction: CorrectionTable;
  agency: AgencyTable;
  agreement: AgreementTable;
  agreement_period: PeriodTable;
  application: ApplicationTable;
  event: EventTable;
  review: ReviewTable;
  meta: MetaTable;
  ledger_state: LedgerStateTable;
}

/**
 * The store's handle, seeing tables that a layer above keeps beside the ledger's own (MOAs, alerts)
 * and declares as a type alias (`withTables` needs an index signature).
 */
export type DbWith<T extends Record<string, object>> = Kysely<Database & T>;

export function dbWith<T extends Record<string, object>>(db: Kysely<Database>): DbWith<T> {
  return db.withTables<T>();
}
