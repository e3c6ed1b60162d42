// Building the lookup's files: place and county name keys, the county outlines a point falls in,
// one index per state from the ledger's rows, and the directory of them all. Pure and browser-safe.
import { geoBounds, geoContains } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import type { LookupAgency, LookupDirectory, LookupLaw, LookupPlace, LookupStateIndex } from "./lookup-types.js";

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

export const COUNTY_WORDS = /\s(county|parish|borough|census area|city and borough|municipality|municipio)$/;

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
