// Geography: where each agency sits (state, county FIPS, statewide), with population and
// centroids from the Census files. Placement runs whenever agency rows are written.
//
// Rules, first that applies wins (each placement records its basis):
//   curated   data/corrections/county-places.csv keyed on the agency (a county, statewide or none);
//   statewide a state agency (type state_agency). A state university police or a county jail that
//             ICE types "State" is not: campus agencies are placed at their campus, and a
//             mis-typed county jail is re-typed in data/corrections/agency-types.csv. A state
//             agency running one facility is still statewide (its agreement binds the agency);
//   agency_name   the county the name is about (`Harris County Sheriff's Office`, `St. Bernard
//             Parish…`, Virginia's `City of Norfolk`). It wins over the COUNTY column when both
//             resolve and disagree: the sheriff of X County is in X County;
//   county_column ICE's COUNTY text, normalised, with typos fixed within a guarded edit distance,
//             or through the curated table keyed on that text;
//   fbi_ori   the FBI agency table: the only agency of that name and kind in the state; where it
//             lists several counties the first is taken and noted;
//   unplaced  none of the above.

import type { AgencyType, Jurisdiction } from "../domain/agency-type.js";
import { isTerritory, stateByUsps } from "../domain/state.js";
import { textKey } from "../normalize/corrections.js";
import { type CountyRow, county } from "./census.js";
import { countyBase, matchCounty, placeWords } from "./county-match.js";
import { curatedPlaces } from "./curated-places.js";
import { matchFbi } from "./fbi.js";

export { allCounties, allStates, type CountyRow, countiesOf, county, type StateRow, stateInfo } from "./census.js";
export { CT_CROSSWALK } from "./ct.js";

/** States, DC and territories counted apart: "39 states and DC, plus Guam and the Northern Mariana Islands". */
export interface PlaceCount {
  /** The 50 states only. */
  states: number;
  dc: boolean;
  /** USPS codes of the territories, A–Z. */
  territories: string[];
}

/** Counts the distinct places among `codes` (USPS), with territories apart from the states. */
export function countPlaces(codes: Iterable<string>): PlaceCount {
  const seen = new Set([...codes].map((c) => c.toUpperCase()).filter((c) => stateByUsps(c)));
  const territories = [...seen].filter(isTerritory).sort();
  return { states: seen.size - territories.length - (seen.has("DC") ? 1 : 0), dc: seen.has("DC"), territories };
}

/** "39 states and DC, plus Guam and the Northern Mariana Islands" (English, for the CLI and notes). */
export function describePlaces(p: PlaceCount): string {
  const head = `${p.states} state${p.states === 1 ? "" : "s"}${p.dc ? " and DC" : ""}`;
  if (!p.territories.length) return head;
  const names = p.territories.map((t) => {
    const n = stateByUsps(t)?.name ?? t;
    // "the Northern Mariana Islands", "the U.S. Virgin Islands"; "Guam", "Puerto Rico".
    return /Islands$/.test(n) ? `the ${n}` : n;
  });
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${head}, plus ${list}`;
}

/**
 * The county an agreement or agency row shows: the Census name of its county when it is placed
 * (so a typo or a blank in ICE's COUNTY column never hides it from a county search), else ICE's
 * own text.
 */
export function countyShown(r: { county: string | null; county_fips: string | null; county_name: string | null }) {
  if (r.county_fips) return r.county_name ?? county(r.county_fips)?.name ?? r.county;
  return r.county;
}

export type PlaceBasis = "statewide" | "county_column" | "agency_name" | "fbi_ori" | "curated" | "unplaced";

export interface Placement {
  statewide: boolean;
  countyFips: string | null;
  countyName: string | null;
  ori: string | null;
  basis: PlaceBasis;
  /** Why, when it is not plain: a typo fixed, a conflict overruled, several FBI counties, evidence. */
  note: string | null;
}

/** What placing an agency reads: the ledger's agency fields (context sits below the ledger). */
export interface PlaceInput {
  agencyId: string;
  state: string;
  name: string;
  county: string | null;
  jurisdiction: Jurisdiction | null;
  type: AgencyType;
}

// Words that end a county name inside an agency name. `Borough` is a county only in Alaska
// (Pennsylvania's boroughs are towns).
const COUNTY_WORD = /\b(county|parish)\b/g;
const AK_COUNTY_WORD = /\b(borough|census area|municipality)\b/g;

/**
 * The county an agency's name is about, or null. Tries up to four words before each `County` or
 * `Parish` (longest first), then `County of X`, then `City of X` / `X City` where the state has a
 * city that is its own county (Virginia, Baltimore, St. Louis, Carson City). No typo matching here:
 * names are also places (`Lake City`), and a near miss is more often another county than a typo.
 */
export function countyFromName(state: string, name: string): CountyRow | null {
  const w = placeWords(name);
  const tokens = w.split(" ");
  const tryBefore = (re: RegExp): CountyRow | null => {
    for (const m of w.matchAll(re)) {
      const before = w.slice(0, m.index).trim().split(" ").filter(Boolean);
      for (let n = Math.min(4, before.length); n >= 1; n--) {
        const hit = matchCounty(state, `${before.slice(before.length - n).join(" ")} ${m[1]}`, { fuzzy: false });
        if (hit) return hit.county;
      }
    }
    return null;
  };
  const c = tryBefore(COUNTY_WORD) ?? (state === "AK" ? tryBefore(AK_COUNTY_WORD) : null);
  if (c) return c;
  const of = /\b(county|parish|city) of (.+)$/.exec(w);
  if (of?.[2]) {
    const rest = of[2].split(" ");
    for (let n = Math.min(4, rest.length); n >= 1; n--) {
      const hit = matchCounty(state, `${of[1]} of ${rest.slice(0, n).join(" ")}`, { fuzzy: false });
      if (hit?.rule === "exact") return hit.county;
    }
  }
  // `Carson City Sheriff's Office`, `Norfolk City Jail`: only an exact city county-equivalent.
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i] !== "city") continue;
    for (let n = Math.min(3, i); n >= 1; n--) {
      const hit = matchCounty(state, `${tokens.slice(i - n, i).join(" ")} city`, { fuzzy: false });
      if (hit?.rule === "exact" && countyBase(hit.county.name).kind === "city") return hit.county;
    }
  }
  return null;
}

function place(countyRow: CountyRow, basis: PlaceBasis, ori: string | null, note: string | null): Placement {
  return { statewide: false, countyFips: countyRow.geoid, countyName: countyRow.name, ori, basis, note };
}

function none(basis: PlaceBasis, ori: string | null, note: string | null): Placement {
  return { statewide: basis === "statewide", countyFips: null, countyName: null, ori, basis, note };
}

/** The FBI's county names (`NORFOLK CITY`, `FAIRBANKS NORTH STAR`) in the agency's state. */
function fbiCounty(state: string, names: string[]): CountyRow | null {
  const first = names[0];
  if (!first) return null;
  return matchCounty(state, first, { fuzzy: false })?.county ?? null;
}

const placed = new Map<string, Placement>();

/** Places one agency. Pure: the same agency and reference tables give the same answer. */
export function placeAgency(a: PlaceInput): Placement {
  const memo = `${a.agencyId}\u0000${a.state}\u0000${a.name}\u0000${a.county}\u0000${a.jurisdiction}\u0000${a.type}`;
  const hit = placed.get(memo);
  if (hit) return hit;
  const p = computePlacement(a);
  placed.set(memo, p);
  return p;
}

function computePlacement(a: PlaceInput): Placement {
  const fbi = matchFbi({ state: a.state, name: a.name, type: a.type });
  const ori = fbi?.ori ?? null;
  const curated = curatedPlaces();

  const byAgency = curated.byAgency.get(a.agencyId);
  if (byAgency) {
    if (byAgency.value === "statewide") return none("statewide", ori, byAgency.evidence);
    if (byAgency.value === "none") return none("unplaced", ori, byAgency.evidence);
    const c = county(byAgency.value);
    if (!c) throw new Error(`county-places.csv: ${a.agencyId}: unknown GEOID ${byAgency.value}`);
    return place(c, "curated", ori, byAgency.evidence);
  }
  if (a.type === "state_agency") return none("statewide", ori, null);

  const fromName = countyFromName(a.state, a.name);
  let fromColumn: CountyRow | null = null;
  let columnNote: string | null = null;
  let columnBasis: PlaceBasis = "county_column";
  if (a.county) {
    const fix = curated.byText.get(`${a.state}|${textKey(a.county)}`);
    if (fix) {
      if (fix.value !== "none") {
        fromColumn = county(fix.value) ?? null;
        if (!fromColumn) throw new Error(`county-places.csv: ${a.state} ${a.county}: unknown GEOID ${fix.value}`);
        columnBasis = "curated";
      }
      columnNote = fix.evidence;
    } else {
      const m = matchCounty(a.state, a.county);
      if (m) {
        fromColumn = m.county;
        if (m.rule !== "exact") columnNote = `COUNTY "${a.county}" read as ${m.county.name} (${m.rule})`;
      }
    }
  }
  if (fromName) {
    if (fromColumn && fromColumn.geoid === fromName.geoid) return place(fromName, columnBasis, ori, columnNote);
    const conflict = fromColumn
      ? `COUNTY says ${fromColumn.name}; the name says ${fromName.name}`
      : a.county
        ? `COUNTY "${a.county}" not found in ${a.state}`
        : null;
    return place(fromName, "agency_name", ori, conflict);
  }
  if (fromColumn) {
    // ICE sometimes writes the town's own name as its county (`Monroe Police Department`, GA:
    // COUNTY Monroe County; the city is in Walton County). The FBI row of that very police
    // department, the only one of its name in the state, knows better.
    const f = fbi?.agency && a.type === "police" ? fbiCounty(a.state, fbi.counties) : null;
    if (f && !fbi?.counties.some((c) => fbiCounty(a.state, [c])?.geoid === fromColumn.geoid)) {
      const note = `COUNTY says ${fromColumn.name}; FBI ${fbi?.agency?.ori} lists ${fbi?.counties.join(", ")}`;
      return place(f, "fbi_ori", ori, note);
    }
    return place(fromColumn, columnBasis, ori, columnNote);
  }

  const unread = a.county && !columnNote ? `COUNTY "${a.county}" not found in ${a.state}` : columnNote;
  if (fbi?.counties.length) {
    const c = fbiCounty(a.state, fbi.counties);
    if (c) {
      const notes = [unread];
      if (fbi.counties.length > 1) notes.push(`FBI lists ${fbi.counties.join(", ")}; took the first`);
      if (!fbi.agency) notes.push("several FBI rows of that name, all in this county");
      return place(c, "fbi_ori", ori, notes.filter(Boolean).join("; ") || null);
    }
  }
  const tried = [
    unread ?? (a.county ? null : "no COUNTY"),
    "no county in the name",
    a.type === "constable"
      ? "constables are looked up in the FBI table by whole name only (township names repeat)"
      : fbi
        ? "FBI rows of that name lie in several counties"
        : "no single FBI agency of that name and kind",
  ];
  return none("unplaced", ori, tried.filter(Boolean).join("; "));
}

/** A stored agency row's placement columns (store/schema.ts's agency table). */
interface PlacedRow {
  agency_id: string;
  state: string;
  name: string;
  type: string;
  county: string | null;
  county_fips: string | null;
  statewide: number;
  place_basis: string | null;
}

export interface PlacementReport {
  total: number;
  statewide: number;
  /** Non-statewide agencies with a county FIPS. */
  placed: number;
  unplaced: { agency_id: string; state: string; name: string; type: string; county: string | null }[];
  /** placed / (total − statewide); 1 when every agency is statewide. */
  share: number;
  byBasis: Record<string, number>;
  byState: { state: string; total: number; statewide: number; placed: number; unplaced: number; share: number }[];
  /** Placed in a county of another state (ICE listed the agency under the wrong state). */
  crossState: { agency_id: string; state: string; county_fips: string }[];
}

/** Share of agencies placed, by basis and by state, with the agencies left without a county. */
export function placementReport(agencies: readonly PlacedRow[]): PlacementReport {
  const byBasis: Record<string, number> = {};
  const states = new Map<string, { total: number; statewide: number; placed: number }>();
  const unplaced: PlacementReport["unplaced"] = [];
  const crossState: PlacementReport["crossState"] = [];
  let statewide = 0;
  let placedN = 0;
  const sorted = [...agencies].sort((x, y) => (x.agency_id < y.agency_id ? -1 : x.agency_id > y.agency_id ? 1 : 0));
  for (const r of sorted) {
    const basis = r.place_basis ?? "unplaced";
    byBasis[basis] = (byBasis[basis] ?? 0) + 1;
    const s = states.get(r.state) ?? { total: 0, statewide: 0, placed: 0 };
    states.set(r.state, s);
    s.total++;
    if (r.statewide) {
      statewide++;
      s.statewide++;
    } else if (r.county_fips) {
      placedN++;
      s.placed++;
      const c = county(r.county_fips);
      if (c && c.state !== r.state)
        crossState.push({ agency_id: r.agency_id, state: r.state, county_fips: r.county_fips });
    } else {
      unplaced.push({ agency_id: r.agency_id, state: r.state, name: r.name, type: r.type, county: r.county });
    }
  }
  const share = (p: number, n: number) => (n ? p / n : 1);
  return {
    total: agencies.length,
    statewide,
    placed: placedN,
    unplaced,
    share: share(placedN, agencies.length - statewide),
    byBasis: Object.fromEntries(Object.entries(byBasis).sort(([x], [y]) => (x < y ? -1 : 1))),
    byState: [...states.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([state, s]) => ({
        state,
        ...s,
        unplaced: s.total - s.statewide - s.placed,
        share: share(s.placed, s.total - s.statewide),
      })),
    crossState,
  };
}
