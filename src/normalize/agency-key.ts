// The canonical agency key: the part of an agency's name that survives ICE's re-spellings.
// `Tampa Pd` and `Tampa Police Department` share a key, as do `Lake Co. SO` and
// `Lake County Sheriff's Office`, and `Department of Corrections` (AK) and
// `Alaska Department of Corrections` (state prefixes were added to state agencies on 2025-03-17).
import { allStates } from "../domain/state.js";

/** Abbreviations expanded token by token; a Map, so a word such as "constructor" is only a word. */
const TOKENS = new Map<string, string>([
  ["co", "county"],
  ["cnty", "county"],
  ["cty", "county"],
  ["dept", "department"],
  ["dpt", "department"],
  ["pd", "police department"],
  ["so", "sheriffs office"],
  ["twp", "township"],
  ["univ", "university"],
  ["pct", "precinct"],
  ["ofc", "office"],
  ["off", "office"],
  ["doc", "department of corrections"],
  ["dps", "department of public safety"],
  ["hwy", "highway"],
  ["div", "division"],
  ["ft", "fort"],
  ["saint", "st"],
  ["sheriff", "sheriffs"],
  ["sherrifs", "sheriffs"],
  ["sherriffs", "sheriffs"],
  ["sheriffs", "sheriffs"],
  ["dist", "district"],
  ["atty", "attorney"],
  ["corr", "corrections"],
  ["ctr", "center"],
  ["assn", "association"],
]);

/** Words that may follow a state name at the start of a state agency's name. */
const STATE_AGENCY_WORDS = new Set([
  "department",
  "office",
  "division",
  "bureau",
  "highway",
  "state",
  "board",
  "commission",
  "national",
  "attorney",
  "parole",
  "probation",
  "corrections",
  "correctional",
  "public",
  "capitol",
  "fish",
  "game",
  "wildlife",
  "marine",
  "alcohol",
  "motor",
  "emergency",
  "general",
  "law",
  "port",
  "adjutant",
  "criminal",
  "bureau",
]);

// Full names and USPS codes (`MT Dept of Justice` → `department of justice`). Never expand a
// bare `mt` to "mount": it is Montana far more often than a mountain in these lists.
const STATE_PREFIXES = allStates()
  .flatMap((s) => [s.name.toLowerCase().replace(/[^a-z ]/g, ""), s.usps.toLowerCase()])
  .sort((a, b) => b.length - a.length);

/** Lower-case ASCII words: strips accents, curly quotes, possessives and punctuation. */
export function words(raw: string): string[] {
  return raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc`\u00b4]/g, "'")
    .toLowerCase()
    .replace(/'s\b/g, "s")
    .replace(/'/g, "")
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
}

// The same few thousand names recur in every list; their keys are worth remembering.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_MAX = 100_000;

export function agencyKey(raw: string): string {
  const hit = KEY_CACHE.get(raw);
  if (hit !== undefined) return hit;
  const key = computeKey(raw);
  if (KEY_CACHE.size >= KEY_CACHE_MAX) KEY_CACHE.clear();
  KEY_CACHE.set(raw, key);
  return key;
}

function computeKey(raw: string): string {
  let ws = words(raw).flatMap((w) => (TOKENS.get(w) ?? w).split(" "));
  if (ws[0] === "the") ws = ws.slice(1);
  const s = ws.join(" ");
  for (const st of STATE_PREFIXES) {
    for (const prefix of [`state of ${st} `, `${st} `]) {
      if (s.startsWith(prefix)) {
        const rest = s.slice(prefix.length);
        const first = rest.split(" ")[0] ?? "";
        if (STATE_AGENCY_WORDS.has(first)) return rest;
      }
    }
  }
  return s;
}

/** A URL- and file-safe slug for IDs: `Harris County Sheriff's Office` → `harris-county-sheriffs-office`. */
export function slug(raw: string): string {
  return words(raw).join("-").slice(0, 80).replace(/-+$/, "") || "unnamed";
}

/** The digits in a name, which must agree for two names to be the same agency ("Precinct 1" ≠ "Precinct 2"). */
export function digitsOf(s: string): string {
  return (s.match(/\d+/g) ?? []).join(" ");
}
