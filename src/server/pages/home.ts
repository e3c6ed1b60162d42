// data/summary.json: the home page's figures (lists read, agreements and agencies listed now and
// ever, statuses, pending applications) and the newest changes.
import { activeOn } from "../../analysis/population.js";
import { countPlaces } from "../../context/geography.js";
import type { Summary } from "../../domain/files.js";
import { dataFile } from "../data-file.js";
import { type Base, baseOf, byModel, publicEvent } from "./base.js";

function summary(b: Base): Summary {
  const active = b.facts.filter((f) => activeOn(f.periods, b.latest));
  const s = b.status;
  return {
    latest_list: b.latest,
    first_list: b.first,
    latest_pending_list: s.latest_pending_list,
    lists: {
      files: s.snapshots.total,
      observations: s.observations,
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
    },
    active: {
      agreements: active.length,
      agencies: new Set(active.map((a) => a.agency_id)).size,
      ...countPlaces(active.map((a) => a.state)),
      ...byModel(active),
    },
    ever: { agreements: b.facts.length, agencies: b.agencies.length },
    status: {
      active: s.agreements.active,
      pending_removal: s.agreements.pending_removal,
      removed: s.agreements.removed,
      superseded: s.agreements.superseded,
    },
    applications: { pending: s.applications.pending, signed: s.applications.signed, dropped: s.applications.dropped },
    // Newest first by the day they happened (a removal is dated to the first list without it).
    latest_changes: b.events
      .filter((e) => e.category === "change")
      .sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : y.seq - x.seq))
      .slice(0, 12)
      .map(publicEvent),
  };
}

export const summaryFile = dataFile({
  path: "summary",
  load: async (ctx) => summary(await baseOf(ctx)),
});
