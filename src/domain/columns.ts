// The public row shapes' column lists. Column order here is the column order of every CSV and
// every table the CLI, the API, the release bundle and the web app's downloads print.

export const AGREEMENT_COLUMNS = [
  "agreement_id",
  "agency_id",
  "state",
  "agency",
  "agency_type",
  "jurisdiction",
  "county",
  "county_fips",
  "statewide",
  "model",
  "signed_on",
  "first_listed",
  "last_listed",
  "status",
  "listing_state",
  "ended_on",
  "moa_url",
  "addendum_url",
  "predecessor_id",
  "successor_id",
] as const;

export type AgreementColumn = (typeof AGREEMENT_COLUMNS)[number];
export type AgreementRow = Record<AgreementColumn, string | number | null>;

/** A downloaded view of the web app's agreements table: the agreement columns the page has. */
export const VIEW_COLUMNS: string[] = AGREEMENT_COLUMNS.filter((c) => c !== "statewide" && c !== "listing_state");

/** Where an agency is: the columns the placement rules (context/geography.ts) read and write. */
export const PLACE_COLUMNS = [
  "jurisdiction",
  "county",
  "county_fips",
  "county_name",
  "statewide",
  "ori",
  "place_basis",
] as const;

export const AGENCY_COLUMNS = [
  "agency_id",
  "state",
  "state_fips",
  "name",
  "agency_type",
  ...PLACE_COLUMNS,
  "first_seen",
  "last_seen",
  "agreements",
  "active_agreements",
  "name_variants",
] as const;

/** The site's agencies.csv: the agency columns less the ones the site does not publish. */
export const AGENCY_FILE_COLUMNS: string[] = AGENCY_COLUMNS.filter(
  (c) => c !== "state_fips" && c !== "ori" && c !== "place_basis",
);

/** What the ledger resolved one list row to, and by which rule: the release's listing values and the API's rows. */
export const LISTING_RESOLUTION_COLUMNS = ["agency_id", "agreement_id", "application_id", "tier", "note"] as const;

export const EVENT_COLUMNS = [
  "seq",
  "date",
  "type",
  "agency_id",
  "agreement_id",
  "application_id",
  "list",
  "snapshot_id",
  "obs_id",
  "detail",
] as const;

export const SNAPSHOT_COLUMNS = [
  "snapshot_id",
  "kind",
  "file_name",
  "original_filename",
  "published_at",
  "published_basis",
  "first_seen",
  "last_seen",
  "bytes",
  "row_count",
  "sheet_name",
  "header",
  "cells_sha256",
  "parser_version",
  "status",
  "status_reason",
  "kind_mismatch",
] as const;
