// The public shapes of agreements, agencies, events and snapshots, as the CLI, exports and (later)
// the API print them. Column order here is the column order of every CSV.
import { sql } from "kysely";
import type { Db } from "../store/db.js";

/**
 * The county an agreement row shows, as SQL: the Census name wherever the agency has a county FIPS
 * (ICE's COUNTY cell is blank for 200-odd placed agencies, and misspelt for others), else ICE's
 * text. The same rule as `countyShown` in context/geography.ts.
 */
export const COUNTY_SHOWN = sql<
  string | null
>`case when a.county_fips is not null then coalesce(a.county_name, a.county) else a.county end`;

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

export type AgreementRow = Record<(typeof AGREEMENT_COLUMNS)[number], string | number | null>;

/**
 * Where an agreement stands against the list in force: `listed`, `unconfirmed` (missing from the
 * list, its removal not yet confirmed by the debounce), or `ended`.
 */
export const LISTING_STATES = ["listed", "unconfirmed", "ended"] as const;

export const AGENCY_COLUMNS = [
  "agency_id",
  "state",
  "state_fips",
  "name",
  "agency_type",
  "jurisdiction",
  "county",
  "county_fips",
  "county_name",
  "statewide",
  "ori",
  "place_basis",
  "first_seen",
  "last_seen",
  "agreements",
  "active_agreements",
  "name_variants",
] as const;

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

/** Agreements joined with their agency, in the public shape. */
export function agreementQuery(db: Db) {
  return db
    .selectFrom("agreement as g")
    .innerJoin("agency as a", "a.agency_id", "g.agency_id")
    .select([
      "g.agreement_id",
      "g.agency_id",
      "a.state",
      "a.name as agency",
      "a.type as agency_type",
      "a.jurisdiction",
      COUNTY_SHOWN.as("county"),
      "a.county_fips",
      "a.statewide",
      "g.model",
      "g.signed_on",
      "g.first_listed",
      "g.last_listed",
      "g.status",
      // On the latest list, unless missing from it: `unconfirmed` until the removal is confirmed.
      sql<string>`case when g.status = 'active' then 'listed' when g.status = 'pending_removal' then 'unconfirmed' else 'ended' end`.as(
        "listing_state",
      ),
      "g.ended_on",
      "g.moa_url",
      "g.addendum_url",
      "g.predecessor_id",
      "g.successor_id",
    ]);
}
