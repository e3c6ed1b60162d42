// data/timeline.json and .csv: agreements and agencies listed each month, by model, for the home
// and timeline charts, with the dates of every list applied.
import { TIMELINE_COUNT_COLUMNS } from "../../analysis/tables.js";
import { computeTimeline } from "../../analysis/timeline.js";
import type { TimelineFile } from "../../domain/files.js";
import { dataFile } from "../data-file.js";
import { type Base, baseOf, stripPoint } from "./base.js";

function timeline(b: Base): TimelineFile {
  const t = computeTimeline(b.facts, { by: "month" }, { first_list: b.first, latest_list: b.latest });
  const lists = [
    ...new Set(b.observations.filter((o) => o.status === "applied" && o.kind === "participating").map((o) => o.date)),
  ].sort();
  return { latest_list: b.latest, first_list: b.first, lists, monthly: t.points.map(stripPoint) };
}

export const timelineFile = dataFile({
  path: "timeline",
  load: async (ctx) => timeline(await baseOf(ctx)),
  csv: (t) => ({ columns: TIMELINE_COUNT_COLUMNS, rows: t.monthly }),
});
