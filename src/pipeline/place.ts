// Places every agency (county, statewide, FBI ORI: context/geography.ts) before the store writes
// the entities, so that persistence only writes rows and never does domain work.
import { placeAgency } from "../context/geography.js";
import type { Agency, Agreement, Application } from "../ledger/types.js";
import { type EntityRows, entityRows, type Placements } from "../store/write.js";

export function placeAgencies(agencies: readonly Agency[]): Placements {
  return new Map(agencies.map((a) => [a.agencyId, placeAgency(a)]));
}

/** The entity rows of a ledger result, each agency placed. */
export function placedEntityRows(e: {
  agencies: Agency[];
  agreements: Agreement[];
  applications: Application[];
}): EntityRows {
  return entityRows(e, placeAgencies(e.agencies));
}
