// `coverage`: residents under at least one agreement. Statewide agencies cover their state,
// county-wide ones their county, overlaps count once, local agencies are reported apart.
import { describe, expect, it } from "vitest";
import { computeCoverage, coverage, reachOf } from "../src/analysis/coverage.js";
import type { CountyLike, StatsContext } from "../src/analysis/layers.js";
import { roster } from "../src/analysis/queries.js";
import { county as censusCounty, stateInfo } from "../src/context/geography.js";
import { fact } from "./analysis-fixtures.js";
import { archiveDbPath, cli, useArchive } from "./helpers.js";

const COUNTIES: Record<string, CountyLike> = {
  "48001": { geoid: "48001", state: "TX", name: "Anderson County", population: 100 },
  "48003": { geoid: "48003", state: "TX", name: "Andrews County", population: 200 },
  "48005": { geoid: "48005", state: "TX", name: "Angelina County", population: 300 },
  "48007": { geoid: "48007", state: "TX", name: "Aransas County", population: null },
  "12001": { geoid: "12001", state: "FL", name: "Alachua County", population: 50 },
};

const CTX: StatsContext = {
  statePopulation: (u) => ({ TX: 1000, FL: 500, VT: 100 })[u],
  allStates: () => ["TX", "FL", "VT"],
  county: (id) => COUNTIES[id],
};

const FACTS = [
  // Two county-wide agreements in one county (a sheriff and its jail): the county counts once.
  fact("tx-anderson-sheriff/jem/2020-01-01", { county_fips: "48001" }),
  fact("tx-anderson-sheriff/wso/2020-01-01", { county_fips: "48001", model: "WSO" }),
  fact("tx-anderson-jail/jem/2020-01-01", { agency_type: "corrections", county_fips: "48001" }),
  fact("tx-andrews-sheriff/tfm/2025-03-01", { county_fips: "48003" }),
  // A city police department alone in its county: not counted, only in the upper bound.
  fact("tx-lufkin-police/tfm/2025-03-01", { agency_type: "police", jurisdiction: "municipal", county_fips: "48005" }),
  // A constable in a covered county: local, and its county adds nothing to the upper bound.
  fact("tx-anderson-constable/tfm/2025-03-01", { agency_type: "constable", county_fips: "48001" }),
  // A sheriff nobody could place, and one in a county with no population figure.
  fact("tx-nowhere-sheriff/tfm/2025-03-01", { county_fips: null }),
  fact("tx-aransas-sheriff/tfm/2025-03-01", { county_fips: "48007" }),
  // Removed before the date: not counted.
  fact("tx-angelina-sheriff/jem/2020-01-01", { county_fips: "48005", periods: [["2021-01-13", "2022-01-01"]] }),
  // Florida: a statewide agency and a county sheriff overlapping it; a state college's police.
  fact("fl-highway-patrol/tfm/2025-02-01", { agency_type: "state_agency", jurisdiction: "state", statewide: true }),
  fact("fl-alachua-sheriff/jem/2025-02-01", { county_fips: "12001" }),
  fact("fl-state-college/tfm/2025-02-01", { agency_type: "campus", jurisdiction: "state", statewide: true }),
];

describe("coverage on hand-made agreements", () => {
  const r = computeCoverage(FACTS, { asOf: "2025-06-01" }, CTX);
  const row = (k: string) => r.rows.find((x) => x.key === k);

  it("counts a county once however many county-wide agreements it has", () => {
    const tx = row("TX");
    expect(tx).toMatchObject({ population: 1000, covered: 300, share: 0.3, statewide: false, counties_covered: 3 });
    expect(tx).toMatchObject({ covered_without_statewide: 300, local_only_counties: 1, upper_bound_with_local: 600 });
    expect(tx).toMatchObject({
      agreements: { state: 0, county: 5, local: 2, unplaced: 1 },
      unknown_population: ["48007"],
    });
    expect(row("TX")?.local_ids).toEqual(["tx-anderson-constable/tfm/2025-03-01", "tx-lufkin-police/tfm/2025-03-01"]);
    expect(row("TX")?.unplaced_ids).toEqual(["tx-nowhere-sheriff/tfm/2025-03-01"]);
    expect(row("TX")?.ids).not.toContain("tx-angelina-sheriff/jem/2020-01-01");
  });

  it("a statewide agreement covers the whole state, and an overlapping county counts once", () => {
    const fl = row("FL");
    expect(fl).toMatchObject({ population: 500, covered: 500, share: 1, statewide: true, counties_covered: 1 });
    expect(fl).toMatchObject({ covered_without_statewide: 50, local_only_counties: 0 });
    expect(fl).toMatchObject({ agreements: { state: 1, county: 1, local: 1, unplaced: 0 } });
  });

  it("adds the states into a national figure over every state's residents", () => {
    expect(r.national).toMatchObject({
      key: "US",
      population: 1600,
      covered: 800,
      share: 0.5,
      upper_bound_with_local: 1100,
    });
    expect(r.national.ids.length).toBe(7);
    expect(r.notes.join(" ")).toMatch(/population unknown for 1 county code\(s\), counted as 0: 48007/);
  });

  it("by model: each model on its own", () => {
    const m = computeCoverage(FACTS, { asOf: "2025-06-01", by: "model" }, CTX);
    const byKey = Object.fromEntries(m.rows.map((x) => [x.key, x.covered]));
    // JEM: Anderson (100) and Alachua (50); TFM: Florida (500) + Andrews (200); WSO: Anderson.
    expect(byKey).toEqual({ JEM: 150, TFM: 700, WSO: 100 });
    expect(m.national.covered).toBe(800);
    expect(m.states_by_model?.TFM?.map((x) => x.key)).toEqual(["FL", "TX"]);
  });

  it("filters by state: the denominator is that state", () => {
    const tx = computeCoverage(FACTS, { asOf: "2025-06-01", state: "TX" }, CTX);
    expect(tx.rows.map((x) => x.key)).toEqual(["TX"]);
    expect(tx.national).toMatchObject({ key: "TX", population: 1000, covered: 300 });
  });

  it("decides each agency's reach from its type, name and placement", () => {
    const base = { statewide: false, jurisdiction: "county", county_fips: "36059" };
    expect(reachOf({ ...base, agency_type: "police", agency: "Nassau County Police Department" })).toBe("county");
    expect(reachOf({ ...base, agency_type: "police", agency: "Lee County Port Authority Police" })).toBe("local");
    expect(reachOf({ ...base, agency_type: "police", agency: "Stamford Police Department" })).toBe("local");
    expect(reachOf({ ...base, agency_type: "other", agency: "Lebanon County District Attorney's Office" })).toBe(
      "county",
    );
    expect(
      reachOf({ ...base, agency_type: "jail_authority", agency: "Southwest Virginia Regional Jail Authority" }),
    ).toBe("county");
    expect(reachOf({ ...base, agency_type: "sheriff", agency: "X", county_fips: null })).toBe("unplaced");
    expect(reachOf({ ...base, agency_type: "constable", agency: "Smith County Constable Precinct 4" })).toBe("local");
    expect(reachOf({ ...base, statewide: true, agency_type: "state_agency", agency: "Texas DPS" })).toBe("state");
    expect(reachOf({ ...base, statewide: true, agency_type: "campus", agency: "UCF Board of Trustees" })).toBe("local");
  });
});

describe("coverage on the real ledger", () => {
  const store = useArchive();

  it("on 2021-01-13: Texas's 26 sheriffs cover 26 counties; figures add up and match a direct count", async () => {
    const r = await coverage(store.db, { asOf: "2021-01-13" });
    const tx = r.rows.find((x) => x.key === "TX");
    expect(tx).toMatchObject({
      statewide: false,
      counties_covered: 26,
      agreements: { state: 0, county: 26, local: 0, unplaced: 0 },
    });
    // Recount Texas straight from the roster, the agency table and the Census counties.
    const rows = await roster(store.db, { asOf: "2021-01-13", state: "TX" });
    const fips = await store.db
      .selectFrom("agency")
      .select(["agency_id", "county_fips"])
      .where(
        "agency_id",
        "in",
        rows.map((x) => x.agency_id as string),
      )
      .execute();
    const counties = new Set(fips.map((f) => f.county_fips));
    expect(counties.size).toBe(26);
    const direct = [...counties].reduce((t, c) => t + (censusCounty(c as string)?.population as number), 0);
    expect(tx?.covered).toBe(direct);
    expect(tx?.share).toBeCloseTo(direct / (stateInfo("TX")?.population as number), 9);
    expect(r.national.covered).toBe(r.rows.reduce((t, x) => t + (x.covered ?? 0), 0));
    expect(r.national.ids.length + r.national.local_ids.length + r.national.unplaced_ids.length).toBe(150);
  });

  it("on the latest list: every share is between 0 and 1, statewide states are fully covered", async () => {
    const r = await coverage(store.db, {});
    expect(r.as_of).toBe("2026-05-01");
    for (const x of r.rows) {
      if (x.population === null) continue;
      expect(x.share).toBeGreaterThanOrEqual(0);
      expect(x.share).toBeLessThanOrEqual(1);
      expect(x.covered_without_statewide).toBeLessThanOrEqual(x.covered as number);
      if (x.statewide) expect(x.covered).toBe(x.population);
    }
    // Texas and Florida both have statewide agreements by 2026.
    expect(r.rows.find((x) => x.key === "TX")?.share).toBe(1);
    expect(r.rows.find((x) => x.key === "FL")?.share).toBe(1);
    const all = r.national.ids.length + r.national.local_ids.length + r.national.unplaced_ids.length;
    expect(all).toBe(1779);
  });

  it("g287 coverage --csv gives one row per state and a national row", () => {
    const r = cli(["--db", archiveDbPath(), "coverage", "--as-of", "2021-01-13", "--csv"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^key,population,covered,share,statewide,counties_covered,covered_without_statewide,/);
    expect(lines.at(-1)).toMatch(/^US,/);
    expect(lines.find((l) => l.startsWith("TX,"))).toMatch(/^TX,30503301,/);
  });
});
