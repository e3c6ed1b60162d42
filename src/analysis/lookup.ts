// "Am I covered?": which agencies' 287(g) agreements cover a place (a ZIP code, a town, a county or
// a point). Pure and browser-safe (no Node, no store): the server builds one index per state from
// the ledger and answers the API with it, and the web page answers from the same index file, so the
// two cannot disagree.
import { geoBounds, geoContains } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";

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

// ------------------------------------------------------------------ names

/** A comparable key for a place name: `St. Petersburg` and `Saint Petersburg` → `st petersburg`. */
export function nameKey(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['’`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .map((w) => (w === "saint" ? "st" : w === "fort" ? "ft" : w === "mount" ? "mt" : w === "sainte" ? "ste" : w))
    .join(" ");
}

/** A place name without the municipal word around it: `City of Tampa`, `Tampa city` → `tampa`. */
export function placeKey(s: string): string {
  return nameKey(s)
    .replace(/^(city|town|village|borough|township) of /, "")
    .replace(/ (city|town|village|borough)$/, "");
}

/** The file a place name's directory rows are in (`lookup/places-<letter>.json`): its key's first character. */
export function placeLetter(name: string): string | null {
  const c = placeKey(name).charAt(0);
  return /^[a-z0-9]$/.test(c) ? c : null;
}

const COUNTY_WORDS = /\s(county|parish|borough|census area|city and borough|municipality|municipio)$/;

/** `Hillsborough County` → `hillsborough`; `Baltimore city` stays `baltimore city`. */
export function countyKey(name: string): string {
  return nameKey(name).replace(COUNTY_WORDS, "");
}

// ------------------------------------------------------------------ county shapes

export interface CountyShapes {
  features: { id: string; bounds: [[number, number], [number, number]]; f: Feature<Geometry> }[];
}

/** The county outlines of us-atlas (counties-10m, unprojected), with their bounding boxes. */
export function countyShapes(topo: Topology): CountyShapes {
  const objects = topo.objects as Record<string, GeometryCollection>;
  const fc = feature(topo, objects.counties as GeometryCollection) as FeatureCollection<Geometry>;
  return {
    features: fc.features.map((f) => ({ id: String(f.id), bounds: geoBounds(f), f })),
  };
}

/**
 * The us-atlas county (2017 outlines; Connecticut's eight old counties) holding a point, or null
 * (offshore, or between two simplified outlines).
 */
export function shapeAt(shapes: CountyShapes, lat: number, lon: number): string | null {
  for (const s of shapes.features) {
    const [[x0, y0], [x1, y1]] = s.bounds;
    if (lat < y0 || lat > y1) continue;
    // A box that crosses the antimeridian (the Aleutians) has x0 > x1.
    if (x0 <= x1 ? lon < x0 || lon > x1 : lon < x0 && lon > x1) continue;
    if (geoContains(s.f, [lon, lat])) return s.id;
  }
  return null;
}

// ------------------------------------------------------------------ the index

export interface IndexInput {
  state: string;
  name: string;
  latest_list: string;
  counties: { geoid: string; name: string; population: number | null }[];
  /** Every agency of the state, with the place its name is about (`placePart`), for police. */
  agencies: (LookupAgency & { place: string | null; jurisdiction: string | null })[];
  /** `zip, city, county GEOID, lat, lon`, this state's rows of data/context/zips.csv. */
  zips: { zip: string; city: string; county: string; lat: number; lon: number }[];
  /** Places the FBI table knows (a town with police but no ZIP code of its own). */
  fbiPlaces: { name: string; county: string }[];
  laws: LookupLaw[];
}

const COUNTY_WIDE_TYPES = new Set(["sheriff", "corrections", "jail_authority"]);

/** County-wide: a sheriff, a jail or corrections body, or an office ICE lists as a county's own. */
function isCountyWide(a: { type: string; jurisdiction: string | null }): boolean {
  return COUNTY_WIDE_TYPES.has(a.type) || (a.type === "other" && a.jurisdiction === "county");
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Builds one state's index. Deterministic: the same inputs give the same JSON. */
export function buildStateIndex(input: IndexInput): LookupStateIndex {
  const agencies = [...input.agencies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const statewide: number[] = [];
  const byCounty = new Map<string, { wide: number[]; part: number[] }>();
  for (const c of input.counties) byCounty.set(c.geoid, { wide: [], part: [] });
  agencies.forEach((a, i) => {
    if (a.statewide) statewide.push(i);
    else if (a.county_fips) {
      const slot = byCounty.get(a.county_fips);
      if (slot) (isCountyWide(a) ? slot.wide : slot.part).push(i);
    }
  });

  // Places: a (name, county) pair, from the ZIP table, then FBI towns not already there.
  const placeMap = new Map<string, { name: string; county: string; lat: number; lon: number; n: number }>();
  const zipsSorted = [...input.zips].sort((a, b) => (a.zip < b.zip ? -1 : 1));
  for (const z of zipsSorted) {
    const k = `${placeKey(z.city)}|${z.county}`;
    const p = placeMap.get(k) ?? { name: z.city, county: z.county, lat: 0, lon: 0, n: 0 };
    p.lat += z.lat;
    p.lon += z.lon;
    p.n++;
    placeMap.set(k, p);
  }
  const fbiOnly = new Map<string, { name: string; county: string }>();
  for (const f of input.fbiPlaces) {
    const k = `${placeKey(f.name)}|${f.county}`;
    if (!placeMap.has(k)) fbiOnly.set(k, f);
  }
  const keys = [...placeMap.keys(), ...fbiOnly.keys()].sort();
  const places: LookupPlace[] = keys.map((k) => {
    const z = placeMap.get(k);
    const f = fbiOnly.get(k);
    const name = z?.name ?? f?.name ?? "";
    const county = z?.county ?? f?.county ?? "";
    const pk = placeKey(name);
    // City police: named for this very place, and placed in this county (or not placed at all, when
    // this is the only county the name has in the state). Conservative: a same-named town in
    // another county never gets another county's police.
    const police: number[] = [];
    agencies.forEach((a, i) => {
      if (a.statewide || isCountyWide(a) || !a.place) return;
      if (a.type !== "police" && !(a.type === "other" && a.jurisdiction === "municipal")) return;
      if (placeKey(a.place) !== pk) return;
      if (a.county_fips === county) police.push(i);
    });
    return {
      name,
      county,
      lat: z ? round4(z.lat / z.n) : null,
      lon: z ? round4(z.lon / z.n) : null,
      zips: z?.n ?? 0,
      police,
    };
  });
  const placeIndex = new Map(keys.map((k, i) => [k, i]));
  const zips: LookupStateIndex["zips"] = zipsSorted.map((z) => [
    z.zip,
    placeIndex.get(`${placeKey(z.city)}|${z.county}`) as number,
    z.lat,
    z.lon,
  ]);
  return {
    state: input.state,
    name: input.name,
    latest_list: input.latest_list,
    agencies: agencies.map(({ place: _p, jurisdiction: _j, ...a }) => a),
    statewide,
    counties: [...input.counties]
      .sort((a, b) => (a.geoid < b.geoid ? -1 : 1))
      .map((c) => ({ ...c, ...(byCounty.get(c.geoid) ?? { wide: [], part: [] }) })),
    places,
    zips,
    laws: input.laws,
  };
}

// ------------------------------------------------------------------ queries

export type ParsedQuery =
  | { kind: "zip"; zip: string }
  | { kind: "text"; text: string; state: string | null; county: boolean }
  | { kind: "empty" };

/** `33602`, `33602-1234`, `Tampa`, `Tampa, FL`, `Hillsborough County, Florida`. */
export function parseQuery(q: string, states: LookupDirectory["states"]): ParsedQuery {
  const s = q.trim();
  if (!s) return { kind: "empty" };
  const zip = /^(\d{5})(?:-\d{4})?$/.exec(s);
  if (zip) return { kind: "zip", zip: zip[1] as string };
  let text = s;
  let state: string | null = null;
  // The state, if any, is the last one to three words (`Tampa FL`, `Tampa, Florida`, `Salem, New
  // Hampshire`), as a code or a name, and only when words remain before it.
  const comma = s.lastIndexOf(",");
  const head = comma >= 0 ? s.slice(0, comma) : null;
  const words = (comma >= 0 ? s.slice(comma + 1) : s).trim().split(/\s+/);
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const tail = nameKey(words.slice(words.length - n).join(" "));
    const rest = [head ?? "", words.slice(0, words.length - n).join(" ")].join(" ").trim();
    if (!rest) continue;
    const st = states.find((x) => x.usps.toLowerCase() === tail || nameKey(x.name) === tail);
    if (st) {
      state = st.usps;
      text = rest.replace(/[,\s]+$/, "");
      break;
    }
  }
  const county = COUNTY_WORDS.test(` ${nameKey(text)}`);
  return { kind: "text", text, state, county };
}

export interface Candidate {
  target: Target;
  /** A label in the data's own words: `Tampa (Hillsborough County), FL`. */
  label: string;
  /** For ranking: population (counties) or ZIP codes × 10,000 (places, a rough size). */
  weight: number;
}

/**
 * Every target a query may mean, most likely first: a ZIP code's states; counties named so
 * (`Harris County`); places named so (one per county they reach), then counties named so
 * without the word County. The state files decide which ZIP codes exist.
 */
export function candidates(dir: LookupDirectory, q: string): Candidate[] {
  const p = parseQuery(q, dir.states);
  if (p.kind === "empty") return [];
  if (p.kind === "zip") {
    return (dir.zip3[p.zip.slice(0, 3)] ?? []).map((state) => ({
      target: { kind: "zip", state, zip: p.zip },
      label: `${p.zip}, ${state}`,
      weight: 0,
    }));
  }
  const inState = (st: string) => !p.state || st === p.state;
  const out: Candidate[] = [];
  const ck = countyKey(p.text);
  const counties = dir.counties
    .filter(([, st, name]) => inState(st) && countyKey(name) === ck)
    .map(([geoid, st, name, pop]) => ({
      target: { kind: "county", state: st, geoid } as Target,
      label: `${name}, ${st}`,
      weight: pop ?? 0,
    }))
    .sort((a, b) => b.weight - a.weight);
  const pk = placeKey(p.text);
  const places = dir.places
    .filter(([st, name]) => inState(st) && placeKey(name) === pk)
    .map(([st, name, n]) => ({ st, name, n }));
  const placeCands: Candidate[] = [];
  // The directory lists a place once per state; its counties come from the state file, so a place
  // target carries no county until answered.
  for (const pl of places) {
    placeCands.push({
      target: { kind: "place", state: pl.st, name: pl.name, county: null },
      label: `${pl.name}, ${pl.st}`,
      weight: pl.n * 10_000,
    });
  }
  placeCands.sort((a, b) => b.weight - a.weight || (a.label < b.label ? -1 : 1));
  if (p.county) out.push(...counties, ...placeCands);
  else out.push(...placeCands, ...counties);
  return out;
}

// ------------------------------------------------------------------ answers

const STANDING_ORDER: Record<Standing, number> = { listed: 0, unconfirmed: 1, ended: 2 };

function answerAgency(a: LookupAgency): AnswerAgency {
  const agreements = [...a.agreements].sort(
    (x, y) =>
      STANDING_ORDER[x.standing] - STANDING_ORDER[y.standing] ||
      (y.signed_on ?? y.first_listed).localeCompare(x.signed_on ?? x.first_listed) ||
      x.id.localeCompare(y.id),
  );
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    agreements,
    listed: agreements.some((g) => g.standing === "listed"),
  };
}

const byListedThenName = (a: AnswerAgency, b: AnswerAgency) =>
  Number(b.listed) - Number(a.listed) || a.name.localeCompare(b.name, "en");

/** The place of a state index that best stands for a name: the one with most ZIP codes. */
function bestPlace(idx: LookupStateIndex, name: string, county: string | null): number | null {
  const pk = placeKey(name);
  let best: number | null = null;
  idx.places.forEach((p, i) => {
    if (placeKey(p.name) !== pk || (county && p.county !== county)) return;
    const b = best === null ? null : (idx.places[best] as LookupPlace);
    if (!b || p.zips > b.zips || (p.zips === b.zips && p.county < b.county)) best = i;
  });
  return best;
}

/** The ZIP point nearest to a point, within one county when given (plain degrees, scaled by latitude). */
function nearestZip(idx: LookupStateIndex, lat: number, lon: number, county: string | null): number | null {
  let best: number | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  const k = Math.cos((lat * Math.PI) / 180);
  idx.zips.forEach(([, pi, zlat, zlon], i) => {
    if (county && idx.places[pi]?.county !== county) return;
    const d = (zlat - lat) ** 2 + ((zlon - lon) * k) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** Approximate distance in km between two points (equirectangular; fine at town scale). */
function km(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const k = Math.cos((((aLat + bLat) / 2) * Math.PI) / 180);
  return Math.sqrt((aLat - bLat) ** 2 + ((aLon - bLon) * k) ** 2) * 111.2;
}

/** Connecticut: us-atlas draws the old counties (09001–09015); g287 keys on planning regions. */
const CT_OLD = /^090(0[1-9]|1[0-5])$/;

/**
 * The answer for one target, from its state's index, or null when the target is not in it (an
 * unknown ZIP code or place). For a point, `target.county` is the us-atlas county that holds it.
 */
export function answer(idx: LookupStateIndex, target: Target): LookupAnswer | null {
  const notes: Note[] = [];
  let county: string | null = null;
  let placeI: number | null = null;
  let zip: string | null = null;
  let point: { lat: number; lon: number } | null = null;
  if (target.kind === "zip") {
    const z = idx.zips.find((r) => r[0] === target.zip);
    if (!z) return null;
    zip = z[0];
    placeI = z[1];
    point = { lat: z[2], lon: z[3] };
    county = idx.places[placeI]?.county ?? null;
    notes.push({ key: "zip_point", values: {} });
  } else if (target.kind === "place") {
    placeI = bestPlace(idx, target.name, target.county);
    if (placeI === null) return null;
    const p = idx.places[placeI] as LookupPlace;
    county = p.county;
    if (p.lat !== null && p.lon !== null) point = { lat: p.lat, lon: p.lon };
    const others = idx.places
      .filter((o, i) => i !== placeI && placeKey(o.name) === placeKey(p.name))
      .map((o) => idx.counties.find((c) => c.geoid === o.county)?.name ?? o.county);
    if (others.length)
      notes.push({ key: "place_other_counties", values: { counties: [...new Set(others)].join(", ") } });
    if (p.lat === null) notes.push({ key: "place_fbi", values: {} });
  } else if (target.kind === "county") {
    if (!idx.counties.some((c) => c.geoid === target.geoid)) return null;
    county = target.geoid;
  } else {
    point = { lat: target.lat, lon: target.lon };
    county = target.county;
    if (CT_OLD.test(county)) {
      // The nearest Connecticut ZIP point in the same old county decides the planning region.
      const zi = nearestZip(idx, target.lat, target.lon, null);
      const region = zi === null ? null : (idx.places[idx.zips[zi]?.[1] ?? -1]?.county ?? null);
      if (!region) return null;
      notes.push({ key: "ct_region", values: {} });
      county = region;
    } else if (!idx.counties.some((c) => c.geoid === county)) {
      // An outline us-atlas still draws under an old GEOID (Alaska's Valdez-Cordova, split in
      // 2019): the county of the nearest ZIP point stands in.
      const zi = nearestZip(idx, target.lat, target.lon, null);
      county = zi === null ? null : (idx.places[idx.zips[zi]?.[1] ?? -1]?.county ?? null);
      if (!county) return null;
    }
    const zi = nearestZip(idx, target.lat, target.lon, county);
    if (zi !== null) {
      const [, pi, zlat, zlon] = idx.zips[zi] as [string, number, number, number];
      const d = km(target.lat, target.lon, zlat, zlon);
      // A town's police only when a ZIP point of that town lies near: within 5 km.
      if (d <= 5) {
        placeI = pi;
        notes.push({ key: "point_near", values: { place: idx.places[pi]?.name ?? "" } });
      }
    }
  }
  const c = idx.counties.find((x) => x.geoid === county) ?? null;
  const place = placeI === null ? null : (idx.places[placeI] as LookupPlace);
  const ag = (i: number) => answerAgency(idx.agencies[i] as LookupAgency);
  const countyAgencies = (c?.wide ?? []).map(ag).sort(byListedThenName);
  const cityIds = new Set(place?.police ?? []);
  const cityAgencies = [...cityIds].map(ag).sort(byListedThenName);
  const statewideAgencies = idx.statewide.map(ag).sort(byListedThenName);
  const other = (c?.part ?? [])
    .filter((i) => !cityIds.has(i))
    .map(ag)
    .sort(byListedThenName);
  if (place && !cityAgencies.length) notes.push({ key: "no_city_agency", values: { place: place.name } });
  const covered = [...countyAgencies, ...cityAgencies, ...statewideAgencies].some((a) => a.listed);
  return {
    target,
    state: idx.state,
    state_name: idx.name,
    county: c ? { geoid: c.geoid, name: c.name } : null,
    place: place ? { name: place.name, county: place.county } : null,
    zip,
    point,
    county_agencies: countyAgencies,
    city_agencies: cityAgencies,
    statewide_agencies: statewideAgencies,
    other_in_county: other,
    covered,
    laws: idx.laws,
    notes,
    latest_list: idx.latest_list,
  };
}

/** The directory of a set of state indexes. */
export function buildDirectory(
  indexes: readonly LookupStateIndex[],
  states: LookupDirectory["states"],
): LookupDirectory {
  const places: [string, string, number][] = [];
  const counties: [string, string, string, number | null][] = [];
  const zip3: Record<string, string[]> = {};
  for (const idx of indexes) {
    const seen = new Map<string, [string, string, number]>();
    for (const p of idx.places) {
      const k = placeKey(p.name);
      const row = seen.get(k);
      if (row) row[2] += p.zips;
      else {
        const r: [string, string, number] = [idx.state, p.name, p.zips];
        seen.set(k, r);
        places.push(r);
      }
    }
    for (const c of idx.counties) counties.push([c.geoid, idx.state, c.name, c.population]);
    for (const [z] of idx.zips) {
      const list = zip3[z.slice(0, 3)] ?? [];
      if (!list.includes(idx.state)) list.push(idx.state);
      zip3[z.slice(0, 3)] = list;
    }
  }
  return { states, places, counties, zip3 };
}

// ------------------------------------------------------------------ one question, start to end

export interface LookupResult {
  answer: LookupAnswer | null;
  /** What else the query may mean, as queries that ask for it (`Tampa, KS`). */
  alternatives: string[];
}

type Loader = (state: string) => Promise<LookupStateIndex | null> | LookupStateIndex | null;

/** Answers a typed query: the first candidate its state's index knows; the rest as alternatives. */
export async function lookupQuery(dir: LookupDirectory, load: Loader, q: string): Promise<LookupResult> {
  const cands = candidates(dir, q);
  let found: LookupAnswer | null = null;
  const alternatives: string[] = [];
  for (const c of cands) {
    if (found) {
      if (c.target.kind !== "zip") alternatives.push(c.label);
      continue;
    }
    const idx = await load(c.target.state);
    found = idx ? answer(idx, c.target) : null;
  }
  return { answer: found, alternatives: alternatives.slice(0, 8) };
}

/** Answers a point (browser geolocation, or `?lat=&lon=`): the county outline that holds it. */
export async function lookupPoint(
  dir: LookupDirectory,
  shapes: CountyShapes,
  load: Loader,
  lat: number,
  lon: number,
): Promise<LookupResult> {
  const shape = shapeAt(shapes, lat, lon);
  const state = shape ? (dir.states.find((s) => s.fips === shape.slice(0, 2))?.usps ?? null) : null;
  if (!shape || !state) return { answer: null, alternatives: [] };
  const idx = await load(state);
  return { answer: idx ? answer(idx, { kind: "point", state, county: shape, lat, lon }) : null, alternatives: [] };
}
