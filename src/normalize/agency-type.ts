import { z } from "zod";
import { AGENCY_TYPES, type AgencyType, type Jurisdiction } from "../domain/agency-type.js";
import { stateByUsps } from "../domain/state.js";
import { InputError } from "../errors.js";
import { agencyKey } from "./agency-key.js";
import { readFixTable } from "./corrections.js";

/** `County `, `Muncipality `, `Municipal`, `State Agency`, `State`, `#NA` → jurisdiction. */
export function parseJurisdiction(raw: unknown): Jurisdiction | null {
  if (typeof raw !== "string") return null;
  const k = raw.toLowerCase().replace(/[^a-z]/g, "");
  if (!k || k === "na" || k === "n") return null;
  if (k.startsWith("county") || k === "parish" || k === "borough") return "county";
  if (k.startsWith("munic") || k.startsWith("muncip") || k === "city" || k === "town") return "municipal";
  if (k.startsWith("state")) return "state";
  return "other";
}

/**
 * Ordered rules on the canonical key; the first that matches wins. Order matters:
 * `Sheriff's Office Detention Center` is a sheriff, `University Police` is campus, not police,
 * and a regional or district jail (`Albemarle District Jail`, run by a board of several counties)
 * is a jail authority before it is a jail. `College Park` and `University Park` are towns.
 */
const RULES: [AgencyType, RegExp][] = [
  [
    "jail_authority",
    /\b(regional jail|district jail|jail authority|jail commission|detention (center )?authority|regional (correctional|detention) (center|facility))\b/,
  ],
  ["campus", /\b(university|college)\b(?! (park|station|place|heights)\b)|\b(campus|school district|schools?|isd)\b/],
  ["constable", /\bconstables?\b/],
  ["sheriff", /\bsheriffs?\b/],
  ["corrections", /\b(corrections?|correctional|detention|jail|penitentiary|prisons?|juvenile justice)\b/],
  ["police", /\b(police|marshals?|public safety|town of|city of|village of|township)\b/],
];

export const AGENCY_TYPES_FILE = new URL("../../data/corrections/agency-types.csv", import.meta.url);

const overrideRow = z.object({
  state: z.string().refine((s) => !!stateByUsps(s), "not a USPS state code"),
  agency: z.string().min(1),
  type: z.enum(AGENCY_TYPES),
  evidence: z.string().min(1),
});

export interface TypeOverride {
  state: string;
  agency: string;
  type: AgencyType;
  evidence: string;
}

interface Overrides {
  rows: TypeOverride[];
  /** `STATE|agency key` → override */
  byStateKey: Map<string, TypeOverride>;
  /** agency key → override, for callers that do not pass the state (keys are unique in the table). */
  byKey: Map<string, TypeOverride>;
}
let overrides: Overrides | null = null;

/** The curated type overrides, checked with zod; a key given twice is an error. */
export function typeOverrides(): Overrides {
  if (overrides) return overrides;
  const o: Overrides = { rows: [], byStateKey: new Map(), byKey: new Map() };
  readFixTable(AGENCY_TYPES_FILE, "agency-types.csv", overrideRow).forEach((p, i) => {
    const key = agencyKey(p.agency);
    if (o.byKey.has(key)) throw new InputError("data/corrections/agency-types.csv", `"${key}" is given twice`, i + 2);
    o.rows.push(p);
    o.byStateKey.set(`${p.state}|${key}`, p);
    o.byKey.set(key, p);
  });
  overrides = o;
  return o;
}

/** The curated override for an agency, if any. Without a state, the name alone decides. */
export function typeOverride(name: string, state?: string): TypeOverride | undefined {
  const o = typeOverrides();
  const key = agencyKey(name);
  return state ? o.byStateKey.get(`${state}|${key}`) : o.byKey.get(key);
}

export function classifyAgency(name: string, jurisdiction: Jurisdiction | null, state?: string): AgencyType {
  const key = agencyKey(name);
  const o = typeOverrides();
  const hit = state ? o.byStateKey.get(`${state}|${key}`) : o.byKey.get(key);
  if (hit) return hit.type;
  return classifyKey(key, jurisdiction);
}

/** The rule table alone, without curated overrides. */
export function classifyKey(key: string, jurisdiction: Jurisdiction | null): AgencyType {
  for (const [type, re] of RULES) {
    if (re.test(key)) {
      // A state department of corrections or public safety is a state agency first.
      if (jurisdiction === "state" && (type === "corrections" || type === "police")) return "state_agency";
      return type;
    }
  }
  return jurisdiction === "state" ? "state_agency" : "other";
}
