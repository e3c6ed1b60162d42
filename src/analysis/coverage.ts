// The population living under at least one agreement. A statewide agency covers its whole state
// and a county-wide agency (sheriff, county jail, county police, prosecutor) its county; overlaps
// count once. City police, constables and campus police cover part of a county only: they are
// reported apart, with the population of their counties as an upper bound, never added in.
import type { CoverageResult, CoverageRow } from "../domain/statistics.js";
import { UsageError } from "../errors.js";
import type { Db } from "../store/db.js";
import { cmp } from "../util/compare.js";
import { type CountyLike, loadContext, type StatsContext } from "./layers.js";
import { type AgreementFact, asOfNotes, EMPTY_LEDGER, loadFacts, recordSpan, selectPopulation } from "./population.js";

export type { CoverageResult, CoverageRow };

/** How far an agency's agreement reaches. */
export type Reach = "state" | "county" | "local" | "unplaced";

/**
 * Statewide agencies reach the state (a state college's police do not: they are local). Sheriffs,
 * county jails and jail authorities, county police departments and county-level offices (district
 * attorneys, county attorneys) reach their county. Every other agency (city police, constable
 * precincts, campus police, task forces) polices part of a county: "Stamford Police Department"
 * sits in Jones County, TX, but does not police all of it. An agency that would reach a county
 * but has no county FIPS is unplaced.
 */
export function reachOf(
  a: Pick<AgreementFact, "statewide" | "agency_type" | "jurisdiction" | "county_fips" | "agency">,
): Reach {
  if (a.statewide) return a.agency_type === "campus" ? "local" : "state";
  const countyWide =
    a.agency_type === "sheriff" ||
    a.agency_type === "corrections" ||
    a.agency_type === "jail_authority" ||
    (a.agency_type === "police" && /\bcounty police\b/i.test(a.agency)) ||
    (a.agency_type === "other" && a.jurisdiction === "county");
  if (!countyWide) return "local";
  return a.county_fips ? "county" : "unplaced";
}

export interface CoverageOptions {
  asOf: string;
  by?: "state" | "model";
  state?: string;
  model?: string;
}

interface StateAcc {
  ids: string[];
  local: string[];
  unplaced: string[];
  statewide: boolean;
  counties: Set<string>;
  localCounties: Set<string>;
  n: { state: number; county: number; local: number; unplaced: number };
}

function emptyAcc(): StateAcc {
  return {
    ids: [],
    local: [],
    unplaced: [],
    statewide: false,
    counties: new Set(),
    localCounties: new Set(),
    n: { state: 0, county: 0, local: 0, unplaced: 0 },
  };
}

/** Coverage of each state touched by these agreements (already chosen: listed on the date). */
function coverStates(rows: readonly AgreementFact[], ctx: StatsContext): CoverageRow[] {
  const acc = new Map<string, StateAcc>();
  for (const a of rows) {
    const s = acc.get(a.state) ?? emptyAcc();
    acc.set(a.state, s);
    const r = reachOf(a);
    s.n[r]++;
    if (r === "state") {
      s.statewide = true;
      s.ids.push(a.agreement_id);
    } else if (r === "county") {
      s.counties.add(a.county_fips as string);
      s.ids.push(a.agreement_id);
    } else if (r === "local") {
      s.local.push(a.agreement_id);
      if (a.county_fips) s.localCounties.add(a.county_fips);
    } else s.unplaced.push(a.agreement_id);
  }
  const countyOf = (id: string): CountyLike | undefined => ctx.county?.(id);
  const out: CoverageRow[] = [];
  for (const [state, s] of acc) {
    const pop = ctx.statePopulation?.(state) ?? null;
    const unknown: string[] = [];
    const sum = (ids: Iterable<string>) => {
      let t = 0;
      for (const id of ids) {
        const p = countyOf(id)?.population;
        if (p === null || p === undefined) unknown.push(id);
        else t += p;
      }
      return t;
    };
    const byCounties = sum(s.counties);
    const covered = s.statewide ? pop : byCounties;
    const localOnly = s.statewide ? [] : [...s.localCounties].filter((c) => !s.counties.has(c));
    const localPop = sum(localOnly);
    out.push({
      key: state,
      population: pop,
      covered,
      share: covered !== null && pop ? covered / pop : null,
      statewide: s.statewide,
      counties_covered: s.counties.size,
      covered_without_statewide: byCounties,
      local_only_counties: localOnly.length,
      upper_bound_with_local: covered === null ? null : covered + localPop,
      agreements: s.n,
      ids: s.ids.sort(cmp),
      local_ids: s.local.sort(cmp),
      unplaced_ids: s.unplaced.sort(cmp),
      unknown_population: [...new Set(unknown)].sort(cmp),
    });
  }
  return out.sort((a, b) => cmp(a.key, b.key));
}

/** Adds state rows into one row; `population` is that of the states asked about. */
function total(key: string, rows: readonly CoverageRow[], population: number | null): CoverageRow {
  const covered = rows.reduce((t, r) => t + (r.covered ?? 0), 0);
  const upper = rows.reduce((t, r) => t + (r.upper_bound_with_local ?? 0), 0);
  const sumN = (k: keyof CoverageRow["agreements"]) => rows.reduce((t, r) => t + r.agreements[k], 0);
  return {
    key,
    population,
    covered,
    share: population ? covered / population : null,
    statewide: false,
    counties_covered: rows.reduce((t, r) => t + r.counties_covered, 0),
    covered_without_statewide: rows.reduce((t, r) => t + (r.covered_without_statewide ?? 0), 0),
    local_only_counties: rows.reduce((t, r) => t + r.local_only_counties, 0),
    upper_bound_with_local: upper,
    agreements: { state: sumN("state"), county: sumN("county"), local: sumN("local"), unplaced: sumN("unplaced") },
    ids: rows.flatMap((r) => r.ids).sort(cmp),
    local_ids: rows.flatMap((r) => r.local_ids).sort(cmp),
    unplaced_ids: rows.flatMap((r) => r.unplaced_ids).sort(cmp),
    unknown_population: rows.flatMap((r) => r.unknown_population).sort(cmp),
  };
}

export const COVERAGE_NOTES = [
  "statewide: a state agency (state police, public safety, corrections…) counts as covering every resident of its state; covered_without_statewide gives the county-wide agreements alone",
  "covered: residents (Census Vintage-2023 estimates) of every state with a statewide agreement and every county with a county-wide one (sheriff, county jail or jail authority, county police, county prosecutor); each person counts once",
  "local agencies (city or township police, constables, campus police, task forces) police part of a county: they are not added in; upper_bound_with_local adds the whole population of the counties where only they hold agreements",
  "unplaced: county-wide agencies without a county FIPS; their population is not counted",
];

/** The pure core. */
export function computeCoverage(all: readonly AgreementFact[], o: CoverageOptions, ctx: StatsContext): CoverageResult {
  if (!ctx.statePopulation || !ctx.county)
    throw new UsageError(
      `coverage needs the geography layer (src/context/geography.ts)${ctx.missing?.length ? ` (${ctx.missing.join("; ")})` : ""}`,
    );
  const pop = selectPopulation(all, { asOf: o.asOf, state: o.state, model: o.model });
  const states = o.state ? [o.state] : (ctx.allStates?.() ?? []);
  const denominator = states.reduce((t, s) => t + (ctx.statePopulation?.(s) ?? 0), 0) || null;
  const by = o.by ?? "state";
  const notes = [...COVERAGE_NOTES];
  const stateRows = coverStates(pop.rows, ctx);
  const national = total(o.state ?? "US", stateRows, denominator);
  const noPop = stateRows.filter((r) => r.population === null).map((r) => r.key);
  if (noPop.length)
    notes.push(`no Census population for ${noPop.join(", ")}: listed, but outside the national figures`);
  const unknown = national.unknown_population;
  if (unknown.length)
    notes.push(`population unknown for ${unknown.length} county code(s), counted as 0: ${unknown.join(", ")}`);
  if (by === "state") return { by, as_of: o.asOf, basis: pop.basis, rows: stateRows, national, notes };
  const models = [...new Set(pop.rows.map((a) => a.model))].sort(cmp);
  const statesByModel: Record<string, CoverageRow[]> = {};
  const rows = models.map((m) => {
    const rs = coverStates(
      pop.rows.filter((a) => a.model === m),
      ctx,
    );
    statesByModel[m] = rs;
    return total(m, rs, denominator);
  });
  notes.push("by model: each model's coverage on its own; one person can be covered by several models");
  return { by, as_of: o.asOf, basis: pop.basis, rows, national, states_by_model: statesByModel, notes };
}

export interface CoverageQuery extends Omit<CoverageOptions, "asOf"> {
  asOf?: string;
}

export async function coverage(db: Db, q: CoverageQuery = {}): Promise<CoverageResult> {
  const span = await recordSpan(db);
  if (!span) throw new Error(EMPTY_LEDGER);
  const asOf = q.asOf ?? span.latest_list;
  const ctx = await loadContext();
  const r = computeCoverage(await loadFacts(db, { state: q.state, model: q.model }), { ...q, asOf }, ctx);
  r.notes.unshift(...asOfNotes(asOf, span));
  return r;
}
