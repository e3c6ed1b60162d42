// The lookup indexes behind "Am I covered?" and the header search, built from the ledger and the
// context tables once per ledger version: data/lookup/index.json (the directory), one
// data/lookup/<ST>.json per state, and data/search.json. The API's /lookup answers from the very
// same objects (src/analysis/lookup.ts), so the page and the API agree.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Topology } from "topojson-specification";
import {
  buildDirectory,
  buildStateIndex,
  type CountyShapes,
  countyShapes,
  type LookupAgreement,
  type LookupDirectory,
  type LookupStateIndex,
  type Standing,
} from "../../analysis/lookup.js";
import { latestListDate } from "../../analysis/population.js";
import { agreements, roster } from "../../analysis/queries.js";
import { readGeoFile } from "../../context/census.js";
import { fbiHasPlace, placePart } from "../../context/fbi.js";
import { allStates, countiesOf, county } from "../../context/geography.js";
import { inEffect, statePolicies } from "../../context/policies.js";
import type { Db } from "../../store/db.js";
import { type SearchEntry, searchEntries } from "./search.js";

export interface LookupData {
  directory: LookupDirectory;
  states: Map<string, LookupStateIndex>;
  search: SearchEntry[];
}

interface ZipRow {
  zip: string;
  state: string;
  city: string;
  county: string;
  lat: number;
  lon: number;
}

let zipRows: ZipRow[] | null = null;

/** data/context/zips.csv (see scripts/derive-zips.ts), read once per process. */
export function zipTable(): ZipRow[] {
  zipRows ??= readGeoFile("zips.csv", (r) => {
    const lat = Number(r.lat);
    const lon = Number(r.lon);
    if (!/^\d{5}$/.test(r.zip ?? "") || !/^[A-Z]{2}$/.test(r.state ?? "") || !/^\d{5}$/.test(r.county ?? ""))
      throw new Error("expected zip (5 digits), state (2 letters), city, county (5 digits), lat, lon");
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new Error(`bad point ${r.lat},${r.lon}`);
    return { zip: r.zip as string, state: r.state as string, city: r.city ?? "", county: r.county as string, lat, lon };
  });
  return zipRows;
}

let shapes: CountyShapes | null = null;

/** The county outlines the map draws (us-atlas counties-10m), for points. */
export function serverCountyShapes(): CountyShapes {
  if (!shapes) {
    const require = createRequire(import.meta.url);
    const topo = JSON.parse(fs.readFileSync(require.resolve("us-atlas/counties-10m.json"), "utf8")) as Topology;
    shapes = countyShapes(topo);
  }
  return shapes;
}

const titleCase = (s: string) => s.replace(/\b[a-z]/g, (c) => c.toUpperCase());

async function build(db: Db): Promise<LookupData> {
  const latest = (await latestListDate(db)) ?? "9999-12-31";
  const [all, inForce, agencyRows] = await Promise.all([
    agreements(db),
    roster(db, { asOf: latest, includeUnconfirmed: true }),
    db
      .selectFrom("agency")
      .select(["agency_id", "state", "name", "type", "jurisdiction", "county_fips", "statewide"])
      .execute(),
  ]);
  const standing = new Map(inForce.map((r) => [r.agreement_id as string, r.listing_state as Standing]));
  const byAgency = new Map<string, LookupAgreement[]>();
  for (const g of all) {
    const list = byAgency.get(g.agency_id as string) ?? [];
    const st = standing.get(g.agreement_id as string) ?? "ended";
    list.push({
      id: g.agreement_id as string,
      model: g.model as string,
      signed_on: (g.signed_on as string | null) ?? null,
      first_listed: g.first_listed as string,
      last_listed: g.last_listed as string,
      standing: st,
      // Ended on: the ledger's confirmed end, else the day after it was last seen is not known; the
      // first list without it is what `ended_on` records.
      ended_on: st === "ended" ? ((g.ended_on as string | null) ?? null) : null,
    });
    byAgency.set(g.agency_id as string, list);
  }
  const zips = zipTable();
  const zipsByState = new Map<string, ZipRow[]>();
  for (const z of zips) {
    const l = zipsByState.get(z.state) ?? [];
    l.push(z);
    zipsByState.set(z.state, l);
  }
  const policies = statePolicies();
  const states = new Map<string, LookupStateIndex>();
  for (const s of allStates()) {
    const counties = countiesOf(s.usps);
    if (!counties.length) continue;
    const agencies = agencyRows
      .filter((a) => a.state === s.usps)
      .map((a) => {
        const statewide = Number(a.statewide) === 1;
        // A ledger agency can sit in a county of another state when ICE listed it under the wrong
        // one; the lookup places it only where its county is.
        const fips = a.county_fips && county(a.county_fips)?.state === s.usps ? a.county_fips : null;
        return {
          id: a.agency_id,
          name: a.name,
          type: a.type,
          jurisdiction: a.jurisdiction,
          county_fips: statewide ? null : fips,
          statewide,
          place: a.type === "police" || a.type === "other" ? placePart(a.name, s.usps) || null : null,
          agreements: byAgency.get(a.agency_id) ?? [],
        };
      });
    // Towns the FBI table names that a police agency of the ledger is about: findable by name even
    // when they have no ZIP code of their own.
    const fbiPlaces = agencies
      .filter((a) => a.type === "police" && a.place && a.county_fips && fbiHasPlace(s.usps, a.place))
      .map((a) => ({ name: titleCase(a.place as string), county: a.county_fips as string }));
    const laws = policies
      .filter((p) => p.state === s.usps && !p.proposed && inEffect(p, latest))
      .map((p) => ({
        kind: p.kind,
        instrument: p.instrument,
        citation: p.citation,
        in_effect_from: p.in_effect_from,
        until: p.until,
        scope: p.scope,
        summary: p.summary,
      }));
    states.set(
      s.usps,
      buildStateIndex({
        state: s.usps,
        name: s.name,
        latest_list: latest,
        counties: counties.map((c) => ({ geoid: c.geoid, name: c.name, population: c.population })),
        agencies,
        zips: (zipsByState.get(s.usps) ?? []).map((z) => ({
          zip: z.zip,
          city: z.city,
          county: z.county,
          lat: z.lat,
          lon: z.lon,
        })),
        fbiPlaces,
        laws,
      }),
    );
  }
  const indexes = [...states.values()];
  const directory = buildDirectory(
    indexes,
    allStates()
      .filter((s) => states.has(s.usps))
      .map((s) => ({ usps: s.usps, fips: s.fips, name: s.name, population: s.population })),
  );
  return { directory, states, search: searchEntries(indexes, directory) };
}

const built = new WeakMap<Db, { version: string; data: Promise<LookupData> }>();

/** The indexes for one ledger version; the previous version's are dropped. */
export function lookupData(db: Db, version: string): Promise<LookupData> {
  const hit = built.get(db);
  if (hit && hit.version === version) return hit.data;
  const data = build(db);
  built.set(db, { version, data });
  data.catch(() => {
    if (built.get(db)?.data === data) built.delete(db);
  });
  return data;
}
