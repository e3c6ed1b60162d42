// States to USPS code and FIPS. ICE writes full upper-case names with stray spaces and odd case
// (`UTAh`, `WESt VIRGINIA`), which `stateKey` absorbs; real typos (`PENNSLYVANIA`) are in the
// curated table data/corrections/states.csv.

export interface StateInfo {
  usps: string;
  fips: string;
  name: string;
  territory: boolean;
}

const STATES: [usps: string, fips: string, name: string][] = [
  ["AL", "01", "Alabama"],
  ["AK", "02", "Alaska"],
  ["AZ", "04", "Arizona"],
  ["AR", "05", "Arkansas"],
  ["CA", "06", "California"],
  ["CO", "08", "Colorado"],
  ["CT", "09", "Connecticut"],
  ["DE", "10", "Delaware"],
  ["DC", "11", "District of Columbia"],
  ["FL", "12", "Florida"],
  ["GA", "13", "Georgia"],
  ["HI", "15", "Hawaii"],
  ["ID", "16", "Idaho"],
  ["IL", "17", "Illinois"],
  ["IN", "18", "Indiana"],
  ["IA", "19", "Iowa"],
  ["KS", "20", "Kansas"],
  ["KY", "21", "Kentucky"],
  ["LA", "22", "Louisiana"],
  ["ME", "23", "Maine"],
  ["MD", "24", "Maryland"],
  ["MA", "25", "Massachusetts"],
  ["MI", "26", "Michigan"],
  ["MN", "27", "Minnesota"],
  ["MS", "28", "Mississippi"],
  ["MO", "29", "Missouri"],
  ["MT", "30", "Montana"],
  ["NE", "31", "Nebraska"],
  ["NV", "32", "Nevada"],
  ["NH", "33", "New Hampshire"],
  ["NJ", "34", "New Jersey"],
  ["NM", "35", "New Mexico"],
  ["NY", "36", "New York"],
  ["NC", "37", "North Carolina"],
  ["ND", "38", "North Dakota"],
  ["OH", "39", "Ohio"],
  ["OK", "40", "Oklahoma"],
  ["OR", "41", "Oregon"],
  ["PA", "42", "Pennsylvania"],
  ["RI", "44", "Rhode Island"],
  ["SC", "45", "South Carolina"],
  ["SD", "46", "South Dakota"],
  ["TN", "47", "Tennessee"],
  ["TX", "48", "Texas"],
  ["UT", "49", "Utah"],
  ["VT", "50", "Vermont"],
  ["VA", "51", "Virginia"],
  ["WA", "53", "Washington"],
  ["WV", "54", "West Virginia"],
  ["WI", "55", "Wisconsin"],
  ["WY", "56", "Wyoming"],
];
const TERRITORIES: [string, string, string][] = [
  ["AS", "60", "American Samoa"],
  ["GU", "66", "Guam"],
  ["MP", "69", "Northern Mariana Islands"],
  ["PR", "72", "Puerto Rico"],
  ["VI", "78", "U.S. Virgin Islands"],
];

const BY_USPS = new Map<string, StateInfo>();
const BY_KEY = new Map<string, StateInfo>();
for (const [list, territory] of [
  [STATES, false],
  [TERRITORIES, true],
] as const) {
  for (const [usps, fips, name] of list) {
    const info = { usps, fips, name, territory };
    BY_USPS.set(usps, info);
    BY_KEY.set(stateKey(name), info);
  }
}

/** Letters only, upper case: `"  West  Virginia "` → `WESTVIRGINIA`. */
export function stateKey(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z]/g, "");
}

export type StateMatch = { state: StateInfo; rule: "exact" | "usps" };

export function lookupState(raw: unknown): StateMatch | null {
  if (typeof raw !== "string") return null;
  const key = stateKey(raw);
  if (!key) return null;
  const exact = BY_KEY.get(key);
  if (exact) return { state: exact, rule: "exact" };
  if (key.length === 2) {
    const usps = BY_USPS.get(key);
    if (usps) return { state: usps, rule: "usps" };
  }
  return null;
}

/**
 * The one place that says which codes are territories rather than states (DC is neither: it is
 * counted with the states as "states and DC"). Stats, pages and maps ask here.
 */
export function isTerritory(usps: string): boolean {
  return BY_USPS.get(usps.toUpperCase())?.territory ?? false;
}

export function stateByUsps(usps: string): StateInfo | undefined {
  return BY_USPS.get(usps.toUpperCase());
}

export function allStates(): StateInfo[] {
  return [...BY_USPS.values()];
}

// --- State-name typos (the general rule) ---------------------------------------------------------
// ICE has misspelt state names for months at a time (`PENNSLYVANIA`, `NEW HAMSPHIRE`). A value
// that is no state's name but is within two edits (a swap of two neighbouring letters counting
// as one) of exactly one state's name folds to that state. Short names allow one edit only, and a
// value within two edits of two names (`NOUTH DAKOTA`) is left for a person.

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions, capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = row[0] as number;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, max + 1);
}

/** Edits a misspelling of a name of this many letters may hold: 2 from 8 letters, 1 from 4, else 0. */
function allowedEdits(letters: number): number {
  return letters >= 8 ? 2 : letters >= 4 ? 1 : 0;
}

export interface StateTypo {
  state: StateInfo;
  distance: number;
  /** `state_typo`, the rule recorded with the correction. */
  rule: "state_typo";
  /** Why, for the correction's evidence. */
  evidence: string;
}

/** The one state a misspelt value stands for, or null (a real name, a USPS code, too far, or ambiguous). */
export function foldStateTypo(raw: unknown): StateTypo | null {
  if (typeof raw !== "string" || lookupState(raw)) return null;
  const key = stateKey(raw);
  if (key.length < 4) return null;
  const near: { info: StateInfo; key: string; d: number }[] = [];
  for (const [k, info] of BY_KEY) {
    const d = editDistance(key, k, 2);
    if (d <= 2) near.push({ info, key: k, d });
  }
  if (near.length !== 1) return null;
  const hit = near[0] as { info: StateInfo; key: string; d: number };
  if (hit.d > allowedEdits(hit.key.length)) return null;
  return {
    state: hit.info,
    distance: hit.d,
    rule: "state_typo",
    evidence: `general rule: "${raw.trim()}" is ${hit.d} edit${hit.d === 1 ? "" : "s"} from ${hit.info.name.toUpperCase()} and more than 2 from every other state name`,
  };
}
