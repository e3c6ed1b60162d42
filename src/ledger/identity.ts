// Identity tiers for agencies. Each row of a list is resolved, in order, by (a) a curated alias,
// (b) its exact canonical key, (c) a typo match within the state, (d) a relabel (one agency
// vanishes while another with the same model and signed date appears), else (e) a new agency.
// Near misses are sent to the review queue rather than merged.
import { distance } from "fastest-levenshtein";
import { digitsOf } from "../normalize/agency-key.js";
import type { NormalizedRow } from "../normalize/row.js";
import { cmp } from "../util/compare.js";
import { addTo } from "../util/multimap.js";
import type { LedgerConfig, Tier } from "./types.js";

/** A row group: all rows of one list that share a state and agency key. */
export interface RowGroup {
  state: string;
  key: string;
  rows: number[];
  /** The agency the key names when it is known only from the pending list (see resolveAgencies). */
  fallback?: string;
}

export interface VanishedAgency {
  agencyId: string;
  state: string;
  keys: string[];
  /** `MODEL|signedOn` of each of its open agreements missing from this list. */
  terms: Set<string>;
  models: Set<string>;
}

export interface Resolution {
  agencyId: string;
  tier: Tier;
  note: string | null;
}

export interface NearMiss {
  group: RowGroup;
  agencyId: string;
  distance: number;
  reason: "near_miss" | "ambiguous_typo" | "ambiguous_relabel" | "refused_typo";
  /** For a refused typo: the rule that refused it. */
  why?: string;
}

/**
 * Spellings ICE uses for one body, folded: `City of Melbourne Police Department` is `Melbourne
 * Police Department` (2025-04-28 → 05-20), `Quarryville Borough Police Department` is `Quarryville
 * Police Department`, `Waukesha County Sheriff's Department` is `… Sheriff's Office` (2025-08-11),
 * `Lower Burrell Fourth Ward Constable's Office` is `… Constable`. Only `City of`, `Town of` and
 * `Borough` go: `Village of` and `Township` name other places (Sewickley Township ≠ Sewickley).
 */
export function looseKey(key: string): string {
  return ` ${key} `
    .replace(/^ (city|town) of /, " ")
    .replace(/ borough /g, " ")
    .replace(/ sheriffs department /g, " sheriffs office ")
    .replace(/ constables? office /g, " constable ")
    .replace(/ constables /g, " constable ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The county a key starts with (`gulf county bocc` → `gulf`). */
export function countyOfKey(key: string): string | null {
  const m = /^(?:county of )?(.+?) (?:county|parish)\b/.exec(key);
  return m?.[1] ?? null;
}

/**
 * The county two keys are both bodies of, if any: `franklin county sheriffs office` and `county
 * of franklin franklin county jail` (PA) are both Franklin County's.
 */
export function sameCounty(a: string, b: string): string | null {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const c = countyOfKey(x);
    if (
      c &&
      (` ${y} `.includes(` ${c} county `) || ` ${y} `.includes(` ${c} parish `) || y.startsWith(`county of ${c} `))
    )
      return c;
  }
  return null;
}

/** The last path segment of a document URL, lower case: ICE moves MOAs between folders. */
export function moaFile(url: string | null): string | null {
  if (!url) return null;
  const f = url.split(/[?#]/)[0]?.split("/").pop()?.toLowerCase() ?? "";
  return f.endsWith(".pdf") ? f : null;
}

export function typoLimit(len: number, cfg: LedgerConfig): number {
  return Math.min(cfg.typoMaxDistance, Math.floor(cfg.typoMaxShare * len));
}

const STOPWORDS = new Set(["of", "the", "and", "for", "a", "at", "in"]);

function wordSet(s: string): Set<string> {
  return new Set(s.split(" ").filter((w) => !STOPWORDS.has(w)));
}

export function jaccard(a: string, b: string): number {
  const A = wordSet(a);
  const B = wordSet(b);
  let inter = 0;
  for (const w of A) if (B.has(w)) inter++;
  const union = A.size + B.size - inter;
  return union === 0 ? 0 : inter / union;
}

const digitsMemo = new Map<string, string>();

/** `digitsOf` of an agency key, remembered: the typo tier compares every candidate's keys on every list. */
function keyDigits(key: string): string {
  let d = digitsMemo.get(key);
  if (d === undefined) {
    d = digitsOf(key);
    digitsMemo.set(key, d);
  }
  return d;
}

function sharesModel(a: Set<string>, b: Set<string>): boolean {
  for (const m of a) if (b.has(m)) return true;
  return false;
}

/**
 * Tier (c): typo. The candidate must be in the same state, have vanished from this list entirely
 * (disjoint listing windows), share the digits of the name ("Precinct 1" is never "Precinct 2"),
 * share a model with the row, and be within the edit-distance limit. A unique best wins.
 */
export function matchTypo(
  group: RowGroup,
  models: Set<string>,
  vanished: VanishedAgency[],
  cfg: LedgerConfig,
  /** Why a candidate may not be merged however close its name (two real places, other dates). */
  refuse: (v: VanishedAgency) => string | null = () => null,
): { match: Resolution | null; nearMiss: NearMiss | null } {
  const digits = digitsOf(group.key);
  const scored: { v: VanishedAgency; d: number }[] = [];
  for (const v of vanished) {
    if (v.state !== group.state || !sharesModel(models, v.models)) continue;
    let best = Number.POSITIVE_INFINITY;
    for (const k of v.keys) {
      if (keyDigits(k) !== digits) continue;
      best = Math.min(best, distance(k, group.key));
    }
    if (Number.isFinite(best)) scored.push({ v, d: best });
  }
  scored.sort((a, b) => a.d - b.d || cmp(a.v.agencyId, b.v.agencyId));
  const best = scored[0];
  if (!best) return { match: null, nearMiss: null };
  const limit = typoLimit(group.key.length, cfg);
  const refused = best.d <= limit ? refuse(best.v) : null;
  if (refused) {
    return {
      match: null,
      nearMiss: { group, agencyId: best.v.agencyId, distance: best.d, reason: "refused_typo", why: refused },
    };
  }
  if (best.d <= limit) {
    if (scored[1] && scored[1].d === best.d) {
      return {
        match: null,
        nearMiss: { group, agencyId: best.v.agencyId, distance: best.d, reason: "ambiguous_typo" },
      };
    }
    return { match: { agencyId: best.v.agencyId, tier: "typo", note: `edit distance ${best.d}` }, nearMiss: null };
  }
  // A near miss must be close where names differ: "Edwards County Sheriff's Office" and "McIntosh
  // County Sheriff's Office" share most letters but nothing that names the place.
  if (best.d <= Math.ceil(cfg.nearMissShare * group.key.length)) {
    const own = distinctive(group.key);
    const theirs = best.v.keys.map(distinctive);
    if (theirs.some((t) => distance(t, own) <= Math.max(1, Math.floor(0.25 * own.length)))) {
      return { match: null, nearMiss: { group, agencyId: best.v.agencyId, distance: best.d, reason: "near_miss" } };
    }
  }
  return { match: null, nearMiss: null };
}

/** Words that say what kind of agency it is, not which one. */
const GENERIC = new Set([
  "county",
  "sheriffs",
  "sheriff",
  "office",
  "department",
  "police",
  "city",
  "town",
  "township",
  "of",
  "the",
  "and",
  "public",
  "safety",
  "division",
  "state",
  "parish",
  "borough",
  "village",
]);

export function distinctive(key: string): string {
  return key
    .split(" ")
    .filter((w) => !GENERIC.has(w))
    .join(" ");
}

/**
 * Tier (d): relabel. Pairs row groups with vanished agencies that share state, model and signed
 * date for every row, and the digits of the name. One-to-one pairs are taken; where several
 * compete, the pair whose names share the most words wins if it is the clear best, otherwise all go
 * to review.
 */
export function matchRelabels(
  groups: RowGroup[],
  rows: NormalizedRow[],
  vanished: VanishedAgency[],
): { matches: Map<RowGroup, Resolution>; ambiguous: NearMiss[] } {
  const matches = new Map<RowGroup, Resolution>();
  const ambiguous: NearMiss[] = [];
  const termsOf = (g: RowGroup) =>
    g.rows.map((i) => rows[i]).flatMap((r) => (r?.model && r.signedOn ? [`${r.model}|${r.signedOn}`] : []));
  const candidates = new Map<RowGroup, VanishedAgency[]>();
  for (const g of groups) {
    const terms = termsOf(g);
    if (terms.length === 0) continue;
    const digits = digitsOf(g.key);
    const cs = vanished.filter(
      (v) => v.state === g.state && terms.every((t) => v.terms.has(t)) && v.keys.some((k) => digitsOf(k) === digits),
    );
    if (cs.length) candidates.set(g, cs);
  }
  const taken = new Set<string>();
  // Count how many groups want each agency, so a contested agency is paired by name similarity.
  const demand = new Map<string, RowGroup[]>();
  for (const [g, cs] of candidates) for (const c of cs) addTo(demand, c.agencyId, g);
  for (const [g, cs] of candidates) {
    const free = cs.filter((c) => !taken.has(c.agencyId));
    if (free.length === 0) continue;
    const scored = free
      .map((c) => ({ c, s: Math.max(...c.keys.map((k) => jaccard(k, g.key))) }))
      .sort((a, b) => b.s - a.s || cmp(a.c.agencyId, b.c.agencyId));
    const best = scored[0];
    if (!best) continue;
    const rivals = (demand.get(best.c.agencyId) ?? []).filter((o) => o !== g && !matches.has(o));
    const rivalBetter = rivals.some((o) => Math.max(...best.c.keys.map((k) => jaccard(k, o.key))) >= best.s);
    // Names must share at least one word: a vanished `Florida Fish and Wildlife Conservation
    // Commission` and a new `Florida Department of Environmental Protection` with the same model
    // and date are kept apart and sent to review, not merged on the date alone.
    const unique = free.length === 1 && rivals.length === 0 && best.s > 0;
    const clear = best.s > 0 && (scored[1] === undefined || scored[1].s < best.s) && !rivalBetter;
    if (unique || clear) {
      taken.add(best.c.agencyId);
      matches.set(g, {
        agencyId: best.c.agencyId,
        tier: "relabel",
        note: unique ? "only vanished agency with the same model and signed date" : `name overlap ${best.s.toFixed(2)}`,
      });
    } else {
      ambiguous.push({ group: g, agencyId: best.c.agencyId, distance: -1, reason: "ambiguous_relabel" });
    }
  }
  return { matches, ambiguous };
}
