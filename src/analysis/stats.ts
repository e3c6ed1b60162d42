// Counts of agreements and of distinct agencies, grouped by state, model, type, signed year or
// month, administration, state politics or state policy, with per-capita rates by state.

import { countPlaces, describePlaces, type PlaceCount } from "../context/geography.js";
import { STATS_BY, type StatsBy } from "../domain/questions.js";
import { UsageError } from "../errors.js";
import type { Db } from "../store/db.js";
import { cmp } from "../util/compare.js";
import { loadContext, type StatsContext } from "./layers.js";
import {
  type AgreementFact,
  asOfNotes,
  EMPTY_LEDGER,
  loadFacts,
  type PopulationFilter,
  recordSpan,
  selectPopulation,
} from "./population.js";

export { STATS_BY, type StatsBy };

export interface StatsOptions extends PopulationFilter {
  by: StatsBy;
  perCapita?: boolean;
  /** trifecta/battleground: the year of the state's politics (default: the year of asOf). */
  politicsYear?: number;
  /** "signing": each agreement is grouped by its state's politics in the year it was signed. */
  politicsAt?: "as-of" | "signing";
}

export interface StatsGroup {
  key: string;
  label: string;
  agreements: number;
  agencies: number;
  /** Per capita (by state only): residents, 2023 Census estimate, and rates per 100,000. */
  population?: number | null;
  agreements_per_100k?: number | null;
  agencies_per_100k?: number | null;
  /** Policy groups: the policies behind the group, with their confidence. */
  policies?: PolicyNote[];
  ids: string[];
  agency_ids: string[];
}

export interface PolicyNote {
  state: string;
  kind: string;
  /** Who it binds when narrower than everyone (`state agencies`). */
  scope: string | null;
  confidence: string | null;
  /** Shown wherever a medium- or low-confidence row appears. */
  caveat: string | null;
  citation: string | null;
}

export interface StatsResult {
  by: StatsBy;
  as_of: string;
  ever: boolean;
  basis: string;
  groups: StatsGroup[];
  total: {
    agreements: number;
    agencies: number;
    population?: number | null;
    agreements_per_100k?: number | null;
    agencies_per_100k?: number | null;
  };
  unknown_signed_excluded: string[];
  /** Where the counted agreements are: the 50 states, DC and the territories apart. */
  places: PlaceCount;
  notes: string[];
}

// ---------------------------------------------------------------- administrations

/** Inauguration days: an agreement signed on one counts for the incoming administration. */
export const ADMINISTRATIONS: { key: string; label: string; from: string }[] = [
  { key: "before-bush", label: "before Bush (signed before 2001-01-20)", from: "0000-00-00" },
  { key: "bush", label: "Bush (2001-01-20 to 2009-01-19)", from: "2001-01-20" },
  { key: "obama", label: "Obama (2009-01-20 to 2017-01-19)", from: "2009-01-20" },
  { key: "trump-1", label: "Trump I (2017-01-20 to 2021-01-19)", from: "2017-01-20" },
  { key: "biden", label: "Biden (2021-01-20 to 2025-01-19)", from: "2021-01-20" },
  { key: "trump-2", label: "Trump II (from 2025-01-20)", from: "2025-01-20" },
];

export function administrationOf(signedOn: string | null): string {
  if (!signedOn) return "unknown";
  let key = "unknown";
  for (const a of ADMINISTRATIONS) if (signedOn >= a.from) key = a.key;
  return key;
}

// ---------------------------------------------------------------- policy

/** A state with several policies in effect is grouped under the strongest, in this order. */
export const POLICY_ORDER = ["ban", "restrict", "mandate", "encourage", "cooperation_mandate"] as const;

const POLICY_LABEL: Record<string, string> = {
  ban: "ban in effect",
  restrict: "restriction in effect",
  mandate: "mandate in effect",
  encourage: "encouraged by the state",
  cooperation_mandate: "cooperation mandate (not 287(g)-specific)",
  none: "no state policy in effect",
};

function strongestPolicy(kinds: readonly string[]): string {
  for (const k of POLICY_ORDER) if (kinds.includes(k)) return k;
  return "none";
}

// ---------------------------------------------------------------- grouping

const FIXED_GROUPS: Partial<Record<StatsBy, { key: string; label: string }[]>> = {
  model: [
    { key: "JEM", label: "Jail Enforcement Model" },
    { key: "TFM", label: "Task Force Model" },
    { key: "WSO", label: "Warrant Service Officer" },
  ],
  administration: ADMINISTRATIONS.map(({ key, label }) => ({ key, label })),
  trifecta: [
    { key: "R", label: "Republican trifecta" },
    { key: "D", label: "Democratic trifecta" },
    { key: "divided", label: "divided government" },
  ],
  battleground: [
    { key: "battleground", label: "2024 battleground state (AZ, GA, MI, NV, NC, PA, WI)" },
    { key: "other", label: "not a 2024 battleground" },
  ],
  policy: [...POLICY_ORDER, "none"].map((k) => ({ key: k, label: POLICY_LABEL[k] as string })),
};

interface Keyed {
  key: string;
  policies?: PolicyNote[];
}

/** A note, or one written after grouping from what the grouping found. */
type Note = string | (() => string[]);

function keyer(o: StatsOptions, ctx: StatsContext, notes: Note[]): (a: AgreementFact) => Keyed {
  const asOfYear = Number(o.asOf.slice(0, 4));
  const politicsYear = (a: AgreementFact): number | null => {
    if (o.politicsAt === "signing") return a.signed_on ? Number(a.signed_on.slice(0, 4)) : null;
    return o.politicsYear ?? asOfYear;
  };
  switch (o.by) {
    case "state":
      return (a) => ({ key: a.state });
    case "model":
      return (a) => ({ key: a.model });
    case "type":
      return (a) => ({ key: a.agency_type || "unknown" });
    case "year":
      return (a) => ({ key: a.signed_on ? a.signed_on.slice(0, 4) : "unknown" });
    case "month":
      return (a) => ({ key: a.signed_on ? a.signed_on.slice(0, 7) : "unknown" });
    case "administration":
      return (a) => ({ key: administrationOf(a.signed_on) });
    case "trifecta":
    case "battleground": {
      const politics = need(ctx.politics, "state politics (src/context/politics.ts)", ctx);
      const missing = new Set<string>();
      // One line per state and caveat, naming the years it applied to.
      const caveats = new Map<string, { state: string; text: string; years: Set<number> }>();
      notes.push(
        o.politicsAt === "signing"
          ? "politics: each agreement's state in the year it was signed (status as of about February 1)"
          : `politics: each state in ${o.politicsYear ?? asOfYear} (status as of about February 1)`,
      );
      notes.push(() => [
        ...(missing.size
          ? [
              `unknown: no politics data for ${[...missing].sort(cmp).join(", ")} (the table covers the 50 states, 2017–2026)`,
            ]
          : []),
        ...[...caveats.values()]
          .sort((x, y) => cmp(x.state, y.state) || cmp(x.text, y.text))
          .map((c) => `caveat: ${c.state} politics ${[...c.years].sort().join(", ")}, ${c.text}`),
      ]);
      return (a) => {
        const y = politicsYear(a);
        const p = y === null ? undefined : politics(a.state, y);
        if (!p) {
          missing.add(y === null ? `${a.agreement_id} (no signed date)` : `${a.state} ${y}`);
          return { key: "unknown" };
        }
        if (p.confidence && p.confidence !== "high") {
          const text = `${p.confidence} confidence: ${p.caveat ?? "no caveat recorded"}`;
          const c = caveats.get(`${a.state}|${text}`) ?? { state: a.state, text, years: new Set<number>() };
          c.years.add(y as number);
          caveats.set(`${a.state}|${text}`, c);
        }
        if (o.by === "trifecta") return { key: p.trifecta };
        return { key: p.battleground2024 ? "battleground" : "other" };
      };
    }
    case "policy": {
      const policies = need(ctx.policies, "state policies (src/context/policies.ts)", ctx);
      notes.push(
        `policy: the state policies in effect on ${o.asOf}; a state with several is grouped under the strongest (${POLICY_ORDER.join(" > ")})`,
      );
      const cache = new Map<string, Keyed>();
      return (a) => {
        let k = cache.get(a.state);
        if (!k) {
          const ps = policies(a.state, o.asOf);
          k = {
            key: strongestPolicy(ps.map((p) => p.kind)),
            policies: ps.map((p) => ({
              state: a.state,
              kind: p.kind,
              scope: p.scope ?? null,
              confidence: p.confidence ?? null,
              caveat: p.caveat ?? null,
              citation: p.citation ?? null,
            })),
          };
          cache.set(a.state, k);
        }
        return k;
      };
    }
  }
}

function need<T>(f: T | undefined, what: string, ctx: StatsContext): T {
  if (!f) {
    const why = ctx.missing?.length ? ` (${ctx.missing.join("; ")})` : "";
    throw new UsageError(`this needs ${what}, which is not available${why}`);
  }
  return f;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const per100k = (n: number, pop: number | null | undefined) => (pop ? round((n * 100_000) / pop) : null);

/** The pure core: counts over plain agreement rows. */
export function computeStats(all: readonly AgreementFact[], o: StatsOptions, ctx: StatsContext = {}): StatsResult {
  if (o.perCapita && o.by !== "state") {
    throw new UsageError(
      `--per-capita applies only to --by state (residents per state); it does not apply to --by ${o.by}`,
    );
  }
  if (o.perCapita) need(ctx.statePopulation, "state populations (src/context/geography.ts)", ctx);
  const pop = selectPopulation(all, o);
  const notes: Note[] = [];
  const keyOf = keyer(o, ctx, notes);
  const groups = new Map<string, { ids: string[]; agencies: Set<string>; policies: Map<string, PolicyNote> }>();
  const fixed = FIXED_GROUPS[o.by] ?? [];
  for (const f of fixed) groups.set(f.key, { ids: [], agencies: new Set(), policies: new Map() });
  for (const a of pop.rows) {
    const k = keyOf(a);
    let g = groups.get(k.key);
    if (!g) {
      g = { ids: [], agencies: new Set(), policies: new Map() };
      groups.set(k.key, g);
    }
    g.ids.push(a.agreement_id);
    g.agencies.add(a.agency_id);
    for (const p of k.policies ?? []) g.policies.set(`${p.state}|${p.kind}|${p.citation}`, p);
  }
  const unknownLabel =
    o.by === "type"
      ? "type unknown"
      : o.by === "trifecta" || o.by === "battleground"
        ? "unknown (no politics data: see notes)"
        : "unknown (no signed date)";
  const label = (key: string) => fixed.find((f) => f.key === key)?.label ?? (key === "unknown" ? unknownLabel : key);
  const order = (key: string) => {
    const i = fixed.findIndex((f) => f.key === key);
    return i >= 0 ? i : key === "unknown" ? 1e9 : 1e6;
  };
  const rows: StatsGroup[] = [...groups.entries()].map(([key, g]) => {
    const row: StatsGroup = {
      key,
      label: label(key),
      agreements: g.ids.length,
      agencies: g.agencies.size,
      ids: g.ids,
      agency_ids: [...g.agencies].sort(cmp),
    };
    if (o.by === "policy") row.policies = [...g.policies.values()].sort((x, y) => cmp(x.state, y.state));
    if (o.perCapita) {
      const p = ctx.statePopulation?.(key) ?? null;
      row.population = p;
      row.agreements_per_100k = per100k(row.agreements, p);
      row.agencies_per_100k = per100k(row.agencies, p);
    }
    return row;
  });
  rows.sort((x, y) => {
    const d = order(x.key) - order(y.key);
    if (d) return d;
    // Types have no natural order: largest first.
    if (o.by === "type" && x.agreements !== y.agreements) return y.agreements - x.agreements;
    return cmp(x.key, y.key);
  });

  const agencies = new Set(pop.rows.map((a) => a.agency_id));
  const total: StatsResult["total"] = { agreements: pop.rows.length, agencies: agencies.size };
  const places = countPlaces(pop.rows.map((a) => a.state));
  // Guam and the Northern Mariana Islands are not states: say how many of each there are.
  if (o.by === "state" && !o.state) notes.push(`in ${describePlaces(places)}`);
  if (o.perCapita) {
    // The denominator is the population of the states asked about: one state, or all of them.
    // Agreements where the Census file has no population (Guam, the Northern Mariana Islands)
    // stay out of the numerator too.
    const states = o.state ? [o.state] : (ctx.allStates?.() ?? []);
    const p = states.reduce((s, u) => s + (ctx.statePopulation?.(u) ?? 0), 0) || null;
    const counted = pop.rows.filter((a) => ctx.statePopulation?.(a.state));
    const outside = pop.rows.filter((a) => !ctx.statePopulation?.(a.state));
    total.population = p;
    total.agreements_per_100k = per100k(counted.length, p);
    total.agencies_per_100k = per100k(new Set(counted.map((a) => a.agency_id)).size, p);
    notes.push(
      `per capita: residents from the Census Vintage-2023 estimates (July 1, 2023); the total divides by ${o.state ? o.state : "all 50 states and DC"}`,
    );
    if (outside.length)
      notes.push(
        `${outside.length} agreement(s) in ${[...new Set(outside.map((a) => a.state))].sort(cmp).join(", ")} have no Census population and are left out of the per-capita total`,
      );
  }
  if (o.by === "year" || o.by === "month" || o.by === "administration") {
    const unknown = groups.get("unknown")?.ids.length ?? 0;
    notes.push(
      `grouped by the signed date on ICE's list; ${unknown ? `${unknown} agreement(s) with no signed date form the group "unknown"` : "every agreement counted has a signed date"}`,
    );
  }
  if (o.by === "model" || o.by === "policy" || o.by === "trifecta" || o.by === "battleground" || o.by === "year")
    notes.push(
      "an agency with several agreements counts once per group, so group agency counts can sum to more than the total",
    );
  if (pop.unknownSignedExcluded.length)
    notes.push(
      `${pop.unknownSignedExcluded.length} agreement(s) with no signed date were left out by the signed-date bounds (see unknown_signed_excluded)`,
    );
  return {
    by: o.by,
    as_of: o.asOf,
    ever: !!o.ever,
    basis: pop.basis,
    groups: rows,
    total,
    unknown_signed_excluded: pop.unknownSignedExcluded,
    places,
    notes: notes.flatMap((n) => (typeof n === "string" ? [n] : n())),
  };
}

export interface StatsQuery extends Omit<StatsOptions, "asOf"> {
  /** Default: the date of the latest applied participating list. */
  asOf?: string;
}

/** Reads the store and the context layers, then counts. */
export async function statsBy(db: Db, q: StatsQuery): Promise<StatsResult> {
  const span = await recordSpan(db);
  if (!span) throw new Error(EMPTY_LEDGER);
  const asOf = q.asOf ?? span.latest_list;
  const facts = await loadFacts(db, { state: q.state, model: q.model });
  const r = computeStats(facts, { ...q, asOf }, await loadContext());
  if (!q.ever) r.notes.unshift(...asOfNotes(asOf, span));
  return r;
}
