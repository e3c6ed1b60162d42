// The FBI agency table (data/context/fbi-agencies.csv): an agency's ORI and the counties it serves,
// found by state and the place its name is about. ICE writes `City of Miami Police Department`;
// the FBI writes `Miami`, type City. A match counts only when it is the only one in the state.
import type { AgencyType } from "../domain/agency-type.js";
import { readGeoFile } from "./census.js";
import { compact, placeWords } from "./county-match.js";
import { GEO_FILES } from "./derive-geography.js";

export interface FbiAgency {
  ori: string;
  state: string;
  name: string;
  type: string;
  /** Upper case as the FBI writes them, in its order; `NOT SPECIFIED` is dropped. */
  counties: string[];
}

function checkRow(r: Record<string, string>): Record<"ori" | "state" | "name" | "type" | "counties", string> {
  const { ori, state, name, type, counties } = r;
  if (!ori || !state || !/^[A-Z]{2}$/.test(state) || name === undefined || type === undefined || counties === undefined)
    throw new Error("expected ori, state (two letters), name, type, counties");
  return { ori, state, name, type, counties };
}

/** FBI names end in `:` or `,` where the agency is one office of many (`Highway Patrol:`). */
function fbiKey(name: string): string {
  return compact(placeWords(name.replace(/[:,]\s*$/, "")));
}

let index: Map<string, Map<string, FbiAgency[]>> | null = null;

function load(): Map<string, Map<string, FbiAgency[]>> {
  if (index) return index;
  index = new Map();
  for (const r of readGeoFile(GEO_FILES.fbi, checkRow)) {
    const a: FbiAgency = {
      ori: r.ori,
      state: r.state,
      name: r.name,
      type: r.type,
      counties: r.counties
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s && s !== "NOT SPECIFIED"),
    };
    const byKey = index.get(a.state) ?? new Map<string, FbiAgency[]>();
    index.set(a.state, byKey);
    // `Lancaster Township, Lancaster County` is also found as `Lancaster Township` (then ambiguous).
    const keys = new Set([fbiKey(a.name)]);
    const q = /^(.*?),\s*[^,]+ county$/i.exec(a.name);
    if (q?.[1]) keys.add(fbiKey(q[1]));
    for (const k of keys) {
      const list = byKey.get(k) ?? [];
      list.push(a);
      byKey.set(k, list);
    }
  }
  return index;
}

// Abbreviations ICE uses in names (as in src/normalize/agency-key.ts, which also drops a leading
// state name: `Florida State College at Jacksonville` must keep its `Florida`).
const TOKENS: Record<string, string> = {
  pd: "police department",
  dept: "department",
  so: "sheriffs office",
  twp: "township",
  co: "county",
  univ: "university",
  sheriff: "sheriffs",
  ofc: "office",
};

function nameWords(name: string): string {
  return placeWords(name)
    .split(" ")
    .map((w) => TOKENS[w] ?? w)
    .join(" ");
}

// What an agency's name says besides its place, longest first.
const ROLE_TAIL =
  /\s(police services department|police department|police departent|polce department|police|department of public safety|public safety department|division of public safety and security|public safety|marshals office|marshal|sheriffs office|sheriffs department|sheriffs|board of trustees|department)$/;
const PLACE_HEAD = /^(the|city of|town of|village of|borough of|township of) /;
// Never `township`: a township and a borough of one name are two places (Sewickley Township is in
// Westmoreland County, Sewickley borough in Allegheny).
const MUNICIPAL_TAIL = /\s(borough|city|town|village)$/;
/** New York's FBI rows say `Camden Village`, `Lake Placid Village` where ICE says `Camden`. */
const FBI_TAILS = ["village", "town", "city", "borough"];

/** Whether the FBI table has a row in `state` whose name is this place (`greens fork`, `miami`). */
export function fbiHasPlace(state: string, place: string): boolean {
  const byKey = load().get(state);
  if (!byKey) return false;
  const k = compact(placeWords(place));
  return FBI_TAILS.some((t) => byKey.has(k) || byKey.has(`${k}${t}`));
}

/** The place part of an agency name: `City of Hialeah Police Department` → `hialeah`. */
export function placePart(name: string, state: string): string {
  let s = nameWords(name);
  // `East Donegal Township, PA`
  s = s.replace(new RegExp(`\\s${state.toLowerCase()}$`), "");
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.replace(ROLE_TAIL, "").replace(PLACE_HEAD, "").trim();
    if (s === before) break;
  }
  return s;
}

// Constables are left out: the FBI lists a township only if it has police, so one FBI row of a
// name does not make the name unique (Pennsylvania has four Derry Townships).
const TYPES_FOR: Partial<Record<AgencyType, string[]>> = {
  police: ["City", "Other"],
  campus: ["University or College", "Other"],
  sheriff: ["County"],
};

export interface FbiMatch {
  /** The FBI row when exactly one row matched; its ORI is the agency's only if the roles agree. */
  agency: FbiAgency | null;
  ori: string | null;
  /** The counties of the matched row(s): one row, or several rows that agree on the first county. */
  counties: string[];
  how: "name" | "place";
}

function unique(rows: FbiAgency[], types: string[] | null): FbiAgency[] {
  const seen = new Map<string, FbiAgency>();
  for (const r of rows) if (!types || types.includes(r.type)) seen.set(r.ori, r);
  return [...seen.values()];
}

/**
 * The FBI row for an agency: first its whole name (`Florida Gulf Coast University`, `Sanford
 * Airport`), then its place part among the rows of its kind (`Miami`, City). A place shared by
 * rows in different counties (`Derry Township`: four in Pennsylvania) gives no match.
 */
export function matchFbi(a: { state: string; name: string; type: AgencyType }): FbiMatch | null {
  const byKey = load().get(a.state);
  if (!byKey) return null;
  const tries: { key: string; types: string[] | null; how: FbiMatch["how"] }[] = [];
  const whole = nameWords(a.name);
  tries.push({ key: compact(whole), types: null, how: "name" });
  const types = TYPES_FOR[a.type];
  if (types) {
    const place = placePart(a.name, a.state);
    if (a.type === "sheriff") {
      const m = /^(.+?) (county|parish)$/.exec(place);
      if (m?.[1]) tries.push({ key: compact(m[1]), types, how: "place" });
    } else if (place && place !== whole) {
      tries.push({ key: compact(place), types, how: "place" });
      const bare = place.replace(MUNICIPAL_TAIL, "");
      if (bare !== place) tries.push({ key: compact(bare), types, how: "place" });
      else for (const t of FBI_TAILS) tries.push({ key: compact(`${place} ${t}`), types, how: "place" });
    }
  }
  for (const t of tries) {
    const rows = unique(byKey.get(t.key) ?? [], t.types);
    if (!rows.length) continue;
    if (rows.length === 1) {
      const r = rows[0] as FbiAgency;
      return { agency: r, ori: r.ori, counties: r.counties, how: t.how };
    }
    const firsts = new Set(rows.map((r) => r.counties[0] ?? ""));
    if (firsts.size === 1 && !firsts.has("")) {
      const counties = [...new Set(rows.flatMap((r) => r.counties))];
      return { agency: null, ori: null, counties, how: t.how };
    }
    return null;
  }
  return null;
}
