// States and territories: USPS code, FIPS code and name, the one table every layer (normalizing,
// analysis, the API's parameters, the web app's map) reads. Pure data and lookups.

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
  // The territories: Census's outlying areas, FIPS 60 and up.
  ["AS", "60", "American Samoa"],
  ["GU", "66", "Guam"],
  ["MP", "69", "Northern Mariana Islands"],
  ["PR", "72", "Puerto Rico"],
  ["VI", "78", "U.S. Virgin Islands"],
];

const BY_USPS = new Map<string, StateInfo>();
const BY_FIPS = new Map<string, StateInfo>();
const BY_KEY = new Map<string, StateInfo>();
for (const [usps, fips, name] of STATES) {
  const info = { usps, fips, name, territory: fips >= "60" };
  BY_USPS.set(usps, info);
  BY_FIPS.set(fips, info);
  BY_KEY.set(stateKey(name), info);
}

/** Letters only, upper case: `"  West  Virginia "` → `WESTVIRGINIA`. */
export function stateKey(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z]/g, "");
}

export type StateMatch = { state: StateInfo; rule: "exact" | "usps" };

/** A state's name in any case and spacing, or its USPS code. */
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

export function stateByFips(fips: string): StateInfo | undefined {
  return BY_FIPS.get(fips);
}

/** The states and DC in table order, then the territories. */
export function allStates(): StateInfo[] {
  return [...BY_USPS.values()];
}

/** Every state name by its letters-only key (the typo rule measures distances to these). */
export function stateKeys(): ReadonlyMap<string, StateInfo> {
  return BY_KEY;
}
