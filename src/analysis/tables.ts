// The public tables of the analyses: one builder per table, `{columns, rows}`, that the CLI's --csv,
// the API's CSV twins (whose JSON rows are these rows) and the web data files all render, so a
// column is named and ordered in one place.
import { MODELS } from "../domain/model.js";
import type { BanConflict } from "./conflicts.js";
import type { CoverageRow } from "./coverage.js";
import type { FunnelResult } from "./funnel.js";
import type { StatsResult } from "./stats.js";
import type { TimelinePoint } from "./timeline.js";

export interface Table {
  columns: readonly string[];
  rows: Record<string, unknown>[];
}

const ids = (list: readonly string[]) => list.join(" ");

/** Agreements and agencies per group; with per-capita figures when they were asked for. */
export function statsTable(r: StatsResult, perCapita: boolean): Table {
  const columns = ["by", "key", "label", "agreements", "agencies"];
  if (perCapita) columns.push("population", "agreements_per_100k", "agencies_per_100k");
  columns.push("agreement_ids");
  return { columns, rows: r.groups.map((g) => ({ by: r.by, ...g, agreement_ids: ids(g.ids) })) };
}

/** The timeline's counts; the web app's timeline.csv has these alone. */
export const TIMELINE_COUNT_COLUMNS = ["date", "month", "agreements", "agencies", ...MODELS] as const;
export const TIMELINE_COLUMNS = [...TIMELINE_COUNT_COLUMNS, "entered_ids", "left_ids"] as const;

/** One row per point, with the agreements that entered and left since the previous point. */
export function timelineTable(points: readonly TimelinePoint[]): Table {
  return {
    columns: TIMELINE_COLUMNS,
    rows: points.map((p) => ({ ...p, entered_ids: ids(p.entered), left_ids: ids(p.left) })),
  };
}

/** One row per stage of the funnel, named by its key in the JSON (`applications.signed`). */
export function funnelTable(r: FunnelResult): Table {
  const stage = (name: string, s: { count: number; ids: string[] }) => ({
    stage: name,
    count: s.count,
    ids: ids(s.ids),
  });
  return {
    columns: ["stage", "count", "ids"],
    rows: [
      ...Object.entries(r.applications).map(([k, s]) => stage(`applications.${k}`, s)),
      ...Object.entries(r.signed_agreements).map(([k, s]) => stage(`signed_agreements.${k}`, s)),
      stage("signed_without_pending_listing", r.signed_without_pending_listing),
    ],
  };
}

export const NEVER_SIGNED_COLUMNS = [
  "application_id",
  "state",
  "agency",
  "model",
  "first_listed",
  "last_listed",
  "status",
  "ended_on",
] as const;

/** The applications that never signed (`funnel --list`). */
export function neverSignedTable(r: FunnelResult): Table {
  return { columns: NEVER_SIGNED_COLUMNS, rows: r.never_signed.map((a) => ({ ...a })) };
}

export const COVERAGE_COLUMNS = [
  "key",
  "population",
  "covered",
  "share",
  "statewide",
  "counties_covered",
  "covered_without_statewide",
  "local_only_counties",
  "upper_bound_with_local",
  "state_agreements",
  "county_agreements",
  "local_agreements",
  "unplaced_agreements",
  "agreement_ids",
] as const;

/** Coverage per state or model, the agreement counts by reach flattened into columns. */
export function coverageTable(rows: readonly CoverageRow[]): Table {
  return {
    columns: COVERAGE_COLUMNS,
    rows: rows.map((x) => ({
      ...x,
      state_agreements: x.agreements.state,
      county_agreements: x.agreements.county,
      local_agreements: x.agreements.local,
      unplaced_agreements: x.agreements.unplaced,
      agreement_ids: ids(x.ids),
    })),
  };
}

export const CONFLICT_COLUMNS = [
  "state",
  "agreement_id",
  "agency_id",
  "agency",
  "model",
  "signed_on",
  "ban_effective",
  "ban_citation",
  "ban_confidence",
  "ban_caveat",
  "ban_source_url",
  "first_listed",
  "last_listed",
  "listed_until",
  "days",
  "signed_after_ban",
  "before_record",
  "status",
] as const;

/** Agreements listed in a state while a ban there was in effect. */
export function conflictsTable(bans: readonly BanConflict[]): Table {
  return { columns: CONFLICT_COLUMNS, rows: bans.map((b) => ({ ...b })) };
}
