// Table types for Kysely. Dates are ISO text, JSON is text, booleans are 0/1 integers, so the same
// schema and queries run on SQLite and PostgreSQL.
import type { ColumnType } from "kysely";
import type { AgreementItem } from "../domain/files.js";
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

export interface AgencyTable {
  agency_id: string;
  state: string;
  state_fips: string;
  name: string;
  jurisdiction: string | null;
  type: string;
  county: string | null;
  first_seen: string;
  last_seen: string;
  names: string; // JSON [{name, firstSeen, lastSeen}]
  keys: string; // JSON
  county_fips: string | null; // 5-digit Census GEOID (Connecticut: 2022 planning regions)
  county_name: string | null; // Census name of that county
  statewide: number; // 1 = a state agency: covers the whole state, has no county
  ori: string | null; // FBI originating agency identifier, when matched
  place_basis: string | null; // the rule that placed it: see context/geography.ts
}

/** The agreement columns the published files show (domain/files.ts), plus the ledger's JSON history. */
export interface AgreementTable
  extends Pick<
    AgreementItem,
    | "agreement_id"
    | "agency_id"
    | "state"
    | "model"
    | "signed_on"
    | "first_listed"
    | "last_listed"
    | "status"
    | "ended_on"
    | "moa_url"
    | "addendum_url"
    | "predecessor_id"
    | "successor_id"
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
