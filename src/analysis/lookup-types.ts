// The lookup's files and answers as plain shapes: the per-state index and the directory the server
// writes (data/lookup/), and the answer the API and the web page give from them.

/** Where an agreement stands on the list in force (as `roster` says): listed, missing but not confirmed removed, or ended. */
export type Standing = "listed" | "unconfirmed" | "ended";

export interface LookupAgreement {
  id: string;
  model: string;
  signed_on: string | null;
  first_listed: string;
  last_listed: string;
  standing: Standing;
  ended_on: string | null;
}

export interface LookupAgency {
  id: string;
  name: string;
  type: string;
  county_fips: string | null;
  statewide: boolean;
  agreements: LookupAgreement[];
}

export interface LookupLaw {
  kind: string;
  instrument: string;
  citation: string;
  in_effect_from: string | null;
  until: string | null;
  scope: string | null;
  summary: string;
}

/** One place: a name in one county (a town whose ZIP codes reach two counties is two places). */
export interface LookupPlace {
  name: string;
  county: string;
  /** Mean of its ZIP points; null for a place known only from the FBI table. */
  lat: number | null;
  lon: number | null;
  zips: number;
  /** Indexes into `agencies`: police whose name is this place, placed in this county. */
  police: number[];
}

export interface LookupCounty {
  geoid: string;
  name: string;
  population: number | null;
  /** County-wide agencies (sheriff, jail, corrections, a county's own office), indexes into `agencies`. */
  wide: number[];
  /** Other agencies placed in the county (town police, constables, campuses, task forces). */
  part: number[];
}

/** One state's index: what the page loads as data/lookup/<ST>.json. */
export interface LookupStateIndex {
  state: string;
  name: string;
  latest_list: string;
  agencies: LookupAgency[];
  statewide: number[];
  counties: LookupCounty[];
  places: LookupPlace[];
  /** `[zip, place index, lat, lon]`; the ZIP's county is its place's. */
  zips: [string, number, number, number][];
  laws: LookupLaw[];
}

/** The national directory (data/lookup/index.json): enough to find which state file a query needs. */
export interface LookupDirectory {
  states: { usps: string; fips: string; name: string; population: number | null }[];
  /** `[state, name, zip count]` of every place. */
  places: [string, string, number][];
  /** `[geoid, state, name, population]`. */
  counties: [string, string, string, number | null][];
  /** First three digits of a ZIP code → the states that have ZIP codes starting so. */
  zip3: Record<string, string[]>;
}

export type Target =
  | { kind: "zip"; state: string; zip: string }
  | { kind: "place"; state: string; name: string; county: string | null }
  | { kind: "county"; state: string; geoid: string }
  | { kind: "point"; state: string; county: string; lat: number; lon: number };

export interface AnswerAgency {
  id: string;
  name: string;
  type: string;
  /** Its agreements, listed first, newest first. */
  agreements: LookupAgreement[];
  /** True when one of its agreements is on the list in force. */
  listed: boolean;
}

/** A note the page translates: a message key (`lookup.note.<key>`) and its values. */
export interface Note {
  key: string;
  values: Record<string, string | number>;
}

export interface LookupAnswer {
  target: Target;
  state: string;
  state_name: string;
  county: { geoid: string; name: string } | null;
  place: { name: string; county: string } | null;
  zip: string | null;
  /** The point the answer is for, where one is known. */
  point: { lat: number; lon: number } | null;
  county_agencies: AnswerAgency[];
  city_agencies: AnswerAgency[];
  statewide_agencies: AnswerAgency[];
  /** Agencies placed in the county that cover only part of it: other towns, constables, campuses. */
  other_in_county: AnswerAgency[];
  /** True when a county, city or statewide agency has an agreement on the list in force. */
  covered: boolean;
  laws: LookupLaw[];
  notes: Note[];
  latest_list: string;
}

export interface LookupResult {
  answer: LookupAnswer | null;
  /** What else the query may mean, as queries that ask for it (`Tampa, KS`). */
  alternatives: string[];
}
