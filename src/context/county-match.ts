// Finds a state's Census county from a free-text county name, as ICE writes it in its COUNTY column
// and the FBI in `county_name`: suffixes (County, Parish, Borough, Census Area, city), St./Saint,
// spacing (`De Kalb`, `Mc Kean`), and typos within a small, guarded edit distance.
import { editDistance } from "../util/edit-distance.js";
import { type CountyRow, countiesOf } from "./census.js";

/** A county-equivalent that is a city (Virginia's independent cities, Baltimore, St. Louis, Carson City). */
export type CountyKind = "county" | "city";

export interface CountyMatch {
  county: CountyRow;
  /** exact: base and kind agree; kind: the only county of that name is of the other kind; fuzzy: a typo. */
  rule: "exact" | "kind" | "fuzzy";
}

// Longest first: `City and Borough` before `Borough`, `Census Area` before `Area`.
const SUFFIXES: [string, CountyKind][] = [
  ["city and borough", "county"],
  ["census area", "county"],
  ["planning region", "county"],
  ["municipality", "county"],
  ["municipio", "county"],
  ["borough", "county"],
  ["parish", "county"],
  ["county", "county"],
  ["city", "city"],
];
const PREFIXES: [string, CountyKind][] = [
  ["county of", "county"],
  ["parish of", "county"],
  ["city of", "city"],
];

/** Lower-case ASCII words: `St. Mary's` → `st marys`, `Doña Ana` → `dona ana`, `Ste. Genevieve` → `ste genevieve`. */
export function placeWords(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['\u2018\u2019`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/\bsaint\b/g, "st")
    .replace(/\bsainte\b/g, "ste")
    .replace(/\bft\b/g, "fort");
}

/** Spaces dropped, so `De Kalb`/`DeKalb`, `Mc Kean`/`McKean` and `La Salle`/`LaSalle` meet. */
export function compact(words: string): string {
  return words.replace(/ /g, "");
}

/**
 * Splits a county name into its base and kind: `Norfolk city` → norfolk/city, `Kodiak Island
 * Borough` → kodiak island/county, `James City County` → james city/county (one suffix only),
 * `City of Norfolk` → norfolk/city, `Montgomery` → montgomery/null.
 */
export function countyBase(raw: string): { base: string; kind: CountyKind | null } {
  const w = placeWords(raw);
  for (const [p, kind] of PREFIXES) if (w.startsWith(`${p} `)) return { base: w.slice(p.length + 1), kind };
  for (const [s, kind] of SUFFIXES) {
    if (w.endsWith(` ${s}`) && w.length > s.length + 1) return { base: w.slice(0, -s.length - 1), kind };
  }
  return { base: w, kind: null };
}

interface StateIndex {
  byBase: Map<string, { county: CountyRow; kind: CountyKind }[]>;
}
const indexes = new Map<string, StateIndex>();

function stateIndex(usps: string): StateIndex {
  const hit = indexes.get(usps);
  if (hit) return hit;
  const byBase = new Map<string, { county: CountyRow; kind: CountyKind }[]>();
  for (const c of countiesOf(usps)) {
    const { base, kind } = countyBase(c.name);
    const k = compact(base);
    const list = byBase.get(k) ?? [];
    list.push({ county: c, kind: kind ?? "county" });
    byBase.set(k, list);
  }
  const idx = { byBase };
  indexes.set(usps, idx);
  return idx;
}

/** Optimal string alignment distance (`Stueben` is one edit from Steuben), uncapped unless `max` is given. */
export function osaDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  return editDistance(a, b, max);
}

/**
 * Typos allowed by length of the spaceless base: none under 4 letters (`Pop` could be Pope or
 * Polk), one from 4 (`Fall` → Falls, `Stueben` → Steuben), two from 8 (`Calacasieu`).
 * `Wichita` in Oklahoma is two edits from Washita and must not match: it is the Texas county.
 */
function allowedEdits(len: number): number {
  return len >= 8 ? 2 : len >= 4 ? 1 : 0;
}

function pick(
  cands: { county: CountyRow; kind: CountyKind }[],
  kind: CountyKind | null,
): { county: CountyRow; same: boolean } | null {
  const want = kind ?? "county";
  const same = cands.filter((c) => c.kind === want);
  if (same.length === 1) return { county: (same[0] as { county: CountyRow }).county, same: true };
  if (same.length === 0 && cands.length === 1)
    return { county: (cands[0] as { county: CountyRow }).county, same: kind === null };
  return null;
}

/**
 * The county of `usps` that `raw` names, or null. A bare name prefers the county over the city
 * (`Fairfax` is Fairfax County, `Fairfax City` the city); `Hopewell County` finds Hopewell city,
 * Virginia's only Hopewell. `fuzzy: false` turns typo matching off.
 */
export function matchCounty(usps: string, raw: string, opts: { fuzzy?: boolean } = {}): CountyMatch | null {
  const { base, kind } = countyBase(raw);
  const key = compact(base);
  if (!key) return null;
  const idx = stateIndex(usps);
  const exact = idx.byBase.get(key);
  if (exact) {
    const p = pick(exact, kind);
    return p ? { county: p.county, rule: p.same ? "exact" : "kind" } : null;
  }
  if (opts.fuzzy === false) return null;
  const max = allowedEdits(key.length);
  if (!max) return null;
  let best = max + 1;
  let found: { county: CountyRow; kind: CountyKind }[] = [];
  for (const [k, cands] of idx.byBase) {
    // A typo seldom hits the first letter, and requiring it keeps `Fall` (TX) off Hall County.
    if (k[0] !== key[0]) continue;
    const d = osaDistance(key, k, max);
    if (d < best) {
      best = d;
      found = [...cands];
    } else if (d === best) found.push(...cands);
  }
  if (best > max) return null;
  const p = pick(found, kind);
  // Two different bases at the same distance is a guess, not a match.
  const bases = new Set(found.map((f) => compact(countyBase(f.county.name).base)));
  return p && bases.size === 1 ? { county: p.county, rule: "fuzzy" } : null;
}
