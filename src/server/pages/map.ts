// data/states.json and data/counties.json (and their CSV twins): what the map and the states table
// draw, each state and county with an agreement ever listed, counted on the latest list.
import { type AgreementFact, activeOn } from "../../analysis/population.js";
import { allStates, CT_CROSSWALK, countiesOf, county } from "../../context/geography.js";
import { inEffect, statePolicies } from "../../context/policies.js";
import { politicsFor } from "../../context/politics.js";
import type { CountiesFile, CountyItem, CtCrosswalkRow, StateItem, StatesFile } from "../../domain/files.js";
import { MODELS } from "../../domain/model.js";
import { isTerritory } from "../../domain/state.js";
import { dataFile } from "../data-file.js";
import { type Base, baseOf, byModel, per100k } from "./base.js";

/** What a state and a county both carry: its population, what is listed now (by model, per 100,000
 * people) and what was ever listed. */
function placeCounts(active: AgreementFact[], all: AgreementFact[], pop: number | null) {
  return {
    population: pop,
    active: active.length,
    ...byModel(active),
    per_100k: per100k(active.length, pop),
    ever: all.length,
  };
}

export function stateItems(b: Base): StateItem[] {
  const year = Number(b.latest.slice(0, 4));
  const info = new Map(allStates().map((s) => [s.usps, s]));
  return b.states.map((state) => {
    const all = b.facts.filter((f) => f.state === state);
    const active = all.filter((f) => activeOn(f.periods, b.latest));
    const i = info.get(state);
    const pop = i?.population ?? null;
    const kinds = [
      ...new Set(
        statePolicies()
          .filter((p) => p.state === state && inEffect(p, b.latest))
          .map((p) => p.kind),
      ),
    ].sort();
    return {
      state,
      fips: i?.fips ?? "",
      name: i?.name ?? state,
      territory: isTerritory(state),
      counties: countiesOf(state).length,
      ...placeCounts(active, all, pop),
      agencies_active: new Set(active.map((a) => a.agency_id)).size,
      policies: kinds,
      trifecta: politicsFor(state, year)?.trifecta ?? null,
    };
  });
}

/** Counties with an agreement ever listed: counts on the latest list, population and rate. */
export function countyItems(b: Base, state?: string): CountyItem[] {
  const by = new Map<string, AgreementFact[]>();
  for (const f of b.facts) {
    if (!f.county_fips || f.statewide || (state && f.state !== state)) continue;
    const l = by.get(f.county_fips) ?? [];
    l.push(f);
    by.set(f.county_fips, l);
  }
  return [...by.entries()]
    .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
    .map(([geoid, all]) => {
      const active = all.filter((f) => activeOn(f.periods, b.latest));
      const c = county(geoid);
      const pop = c?.population ?? null;
      return {
        county_fips: geoid,
        state: all[0]?.state ?? "",
        name: c?.name ?? all[0]?.county_name ?? geoid,
        ...placeCounts(active, all, pop),
        agencies: new Set(all.map((a) => a.agency_id)).size,
      };
    });
}

/** Connecticut for the map: each old county coloured by the planning region holding most of its towns. */
function ctCrosswalk(): CtCrosswalkRow[] {
  return Object.entries(CT_CROSSWALK.countyToRegions)
    .sort(([a], [c]) => (a < c ? -1 : 1))
    .map(([old, regions]) => {
      const region = regions[0] as string;
      return {
        county_fips: old,
        county: CT_CROSSWALK.oldCounties[old] ?? old,
        region_fips: region,
        region: county(region)?.name ?? region,
      };
    });
}

function counties(b: Base): CountiesFile {
  const active = b.facts.filter((f) => activeOn(f.periods, b.latest));
  return {
    latest_list: b.latest,
    rows: countyItems(b),
    ct_crosswalk: ctCrosswalk(),
    statewide_active: active.filter((f) => f.statewide).length,
    unplaced_active: active.filter((f) => !f.statewide && !f.county_fips).length,
    missing: [],
  };
}

/** What a state and a county row count on the latest list, in this order. */
const COUNTS = ["population", "active", ...MODELS, "per_100k", "ever"];
const STATE_CSV = ["state", "fips", "name", ...COUNTS, "agencies_active", "policies", "trifecta"];
const COUNTY_CSV = ["county_fips", "state", "name", ...COUNTS, "agencies"];

export const statesFile = dataFile({
  path: "states",
  async load(ctx): Promise<StatesFile> {
    const b = await baseOf(ctx);
    return { latest_list: b.latest, rows: stateItems(b), missing: [] };
  },
  csv: (f) => ({ columns: STATE_CSV, rows: f.rows.map((r) => ({ ...r, policies: r.policies.join(" ") })) }),
});

export const countiesFile = dataFile({
  path: "counties",
  load: async (ctx) => counties(await baseOf(ctx)),
  csv: (f) => ({ columns: COUNTY_CSV, rows: f.rows }),
});
