// "Am I covered?": which agencies' 287(g) agreements cover a place (a ZIP code, a town, a county or
// a point). Pure and browser-safe (no Node, no store): the server builds one index per state from
// the ledger and answers the API with it, and the web page answers from the same index file, so the
// two cannot disagree.
import { COUNTY_WORDS, type CountyShapes, countyKey, nameKey, placeKey, shapeAt } from "./lookup-index.js";
import type {
  AnswerAgency,
  LookupAgency,
  LookupAnswer,
  LookupDirectory,
  LookupPlace,
  LookupResult,
  LookupStateIndex,
  Note,
  Standing,
  Target,
} from "./lookup-types.js";

export * from "./lookup-index.js";
export type * from "./lookup-types.js";

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

// ------------------------------------------------------------------ one question, start to end
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
