// The analysis tables, from small hand-made results: the column lists the CLI and the API share,
// and the rows they render (ids joined by spaces, nested counts flattened).
import { describe, expect, it } from "vitest";
import { toCsv } from "../domain/csv.js";
import type { CoverageRow, FunnelResult, TimelinePoint } from "../domain/statistics.js";
import { coverageTable, funnelTable, TIMELINE_COLUMNS, timelineTable } from "./tables.js";

const stage = (ids: string[]) => ({ count: ids.length, ids });

describe("analysis tables", () => {
  it("coverage has both the statewide-free population and the agreement ids", () => {
    const row: CoverageRow = {
      key: "TX",
      population: 100,
      covered: 60,
      share: 0.6,
      statewide: false,
      counties_covered: 2,
      covered_without_statewide: 60,
      local_only_counties: 1,
      upper_bound_with_local: 80,
      agreements: { state: 0, county: 2, local: 1, unplaced: 0 },
      ids: ["a1", "a2"],
      local_ids: ["a3"],
      unplaced_ids: [],
      unknown_population: [],
    };
    const t = coverageTable([row]);
    expect(toCsv(t.columns, t.rows)).toBe(
      "key,population,covered,share,statewide,counties_covered,covered_without_statewide,local_only_counties,upper_bound_with_local,state_agreements,county_agreements,local_agreements,unplaced_agreements,agreement_ids\n" +
        "TX,100,60,0.6,false,2,60,1,80,0,2,1,0,a1 a2\n",
    );
  });

  it("timeline points name what entered and left; month stays empty by day", () => {
    const p: TimelinePoint = {
      date: "2025-01-31",
      agreements: 2,
      agencies: 2,
      JEM: 1,
      TFM: 1,
      WSO: 0,
      entered: ["a", "b"],
      left: [],
    };
    const t = timelineTable([p]);
    expect(t.columns).toEqual(TIMELINE_COLUMNS);
    expect(toCsv(t.columns, t.rows).split("\n")[1]).toBe("2025-01-31,,2,2,1,1,0,a b,");
  });

  it("funnel stages are the JSON's keys, in its order", () => {
    const q = { n: 0, min: null, q1: null, median: null, q3: null, max: null, negative: 0 };
    const r: FunnelResult = {
      state: null,
      model: null,
      pending_lists: { first: null, latest: null },
      applications: {
        ever_pending: stage(["p1", "p2"]),
        signed: stage(["p1"]),
        dropped: stage([]),
        still_pending: { ...stage(["p2"]), missing_from_latest: 0 },
      },
      time_to_sign_days: { to_signed_date: q, to_first_listing: q },
      signed_agreements: {
        total: stage(["g1"]),
        active: stage(["g1"]),
        removed: stage([]),
        superseded: stage([]),
        pending_removal: stage([]),
      },
      signed_without_pending_listing: stage([]),
      on_first_pending_list: 0,
      never_signed: [],
      notes: [],
    };
    expect(funnelTable(r).rows.map((x) => `${x.stage}=${x.count}:${x.ids}`)).toEqual([
      "applications.ever_pending=2:p1 p2",
      "applications.signed=1:p1",
      "applications.dropped=0:",
      "applications.still_pending=1:p2",
      "signed_agreements.total=1:g1",
      "signed_agreements.active=1:g1",
      "signed_agreements.removed=0:",
      "signed_agreements.superseded=0:",
      "signed_agreements.pending_removal=0:",
      "signed_without_pending_listing=0:",
    ]);
  });
});
