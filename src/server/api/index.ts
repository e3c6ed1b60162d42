// Every resource the API publishes under /api/v1, in the order the OpenAPI document lists them.
import type { Resource } from "../resource.js";
import { agenciesResource, agencyListingsResource, agencyResource } from "./agencies.js";
import { agreementsResource } from "./agreements.js";
import { ANALYSIS_RESOURCES } from "./analysis.js";
import { ANSWER_RESOURCES } from "./answers.js";
import { CONTEXT_RESOURCES } from "./context.js";
import { eventsResource } from "./events.js";
import { diffResource, reviewResource, statusResource } from "./ledger.js";
import { lookupResource } from "./lookup.js";
import { snapshotResource, snapshotsResource } from "./snapshots.js";

export const RESOURCES: Resource[] = [
  statusResource,
  agreementsResource,
  agenciesResource,
  agencyResource,
  agencyListingsResource,
  snapshotsResource,
  snapshotResource,
  eventsResource,
  diffResource,
  reviewResource,
  ...CONTEXT_RESOURCES,
  ...ANALYSIS_RESOURCES,
  ...ANSWER_RESOURCES,
  lookupResource,
];

/**
 * The unparameterised list resources, as the static site writes them (`api/v1/<name>.json` and
 * `.csv`, every row). Items and lists that need an id or a date are left to the live API.
 */
export function staticResources(): Resource[] {
  return RESOURCES.filter(
    (r) =>
      !r.path.includes("{") &&
      // /lookup needs q or a point, though each alone is optional; the static site answers it from data/lookup/.
      r !== lookupResource &&
      !Object.values(r.query).some((s) => !s.safeParse(undefined).success),
  );
}
