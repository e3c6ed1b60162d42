// Geography: where each agency sits (state, county FIPS, statewide), with population and
// centroids from the Census files. Placement runs whenever agency rows are written.
import type { Agency } from "../ledger/types.js";

export type PlaceBasis = "statewide" | "county_column" | "agency_name" | "fbi_ori" | "curated" | "unplaced";

export interface Placement {
  statewide: boolean;
  countyFips: string | null;
  countyName: string | null;
  ori: string | null;
  basis: PlaceBasis;
}

/** Places one agency. Pure: the same agency and reference tables give the same answer. */
export function placeAgency(
  a: Pick<Agency, "agencyId" | "state" | "name" | "county" | "jurisdiction" | "type">,
): Placement {
  if (a.jurisdiction === "state" || a.type === "state_agency")
    return { statewide: true, countyFips: null, countyName: null, ori: null, basis: "statewide" };
  return { statewide: false, countyFips: null, countyName: null, ori: null, basis: "unplaced" };
}
