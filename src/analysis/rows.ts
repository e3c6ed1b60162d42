// The agreements query in the public row shape (domain/columns.ts names its columns, in order), and
// the agency columns every agency row shares.
import { type Selectable, sql } from "kysely";
import type { Db } from "../store/db.js";
import type { AgencyTable } from "../store/schema.js";

/**
 * The county an agreement row shows, as SQL: the Census name wherever the agency has a county FIPS
 * (ICE's COUNTY cell is blank for 200-odd placed agencies, and misspelt for others), else ICE's
 * text. The same rule as `countyShown` in context/geography.ts.
 */
export const COUNTY_SHOWN = sql<
  string | null
>`case when a.county_fips is not null then coalesce(a.county_name, a.county) else a.county end`;

/** An agency's name, type and place as every published agency row gives them, in this order. */
export function agencyNameAndPlace(a: Selectable<AgencyTable>) {
  return {
    name: a.name,
    agency_type: a.type,
    jurisdiction: a.jurisdiction,
    county: a.county,
    county_fips: a.county_fips,
    county_name: a.county_name,
  };
}

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
