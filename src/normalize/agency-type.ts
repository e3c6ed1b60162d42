// Agency type. ICE's TYPE column says which level of government signed (County, Municipality,
// State Agency); the name says what kind of agency it is (sheriff, police, corrections…).
import { agencyKey } from "./agency-key.js";

export type Jurisdiction = "county" | "municipal" | "state" | "other";
export type AgencyType =
  | "sheriff"
  | "police"
  | "state_agency"
  | "corrections"
  | "jail_authority"
  | "campus"
  | "constable"
  | "other";

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
 * `Sheriff's Office Detention Center` is a sheriff, `University Police` is campus, not police.
 */
const RULES: [AgencyType, RegExp][] = [
  [
    "jail_authority",
    /\b(regional jail|jail authority|jail commission|detention (center )?authority|regional (correctional|detention) (center|facility))\b/,
  ],
  ["campus", /\b(university|college|campus|school district|schools?|isd)\b/],
  ["constable", /\bconstables?\b/],
  ["sheriff", /\bsheriffs?\b/],
  ["corrections", /\b(corrections?|correctional|detention|jail|penitentiary|prisons?|juvenile justice)\b/],
  [
    "police",
    /\b(police|marshals?|public safety department|department of public safety|town of|city of|village of|township)\b/,
  ],
];

export function classifyAgency(name: string, jurisdiction: Jurisdiction | null): AgencyType {
  const key = agencyKey(name);
  return classifyKey(key, jurisdiction);
}

function classifyKey(key: string, jurisdiction: Jurisdiction | null): AgencyType {
  for (const [type, re] of RULES) {
    if (re.test(key)) {
      // A state department of corrections or public safety is a state agency first.
      if (jurisdiction === "state" && (type === "corrections" || type === "police")) return "state_agency";
      return type;
    }
  }
  return jurisdiction === "state" ? "state_agency" : "other";
}
