// "Am I covered?" on the real ledger: the ZIP table, the pure lookup (src/analysis/lookup.ts) for
// ZIP codes, towns, counties and points in Florida, Texas, Maryland (a ban) and Connecticut
// (planning regions), each checked against the store itself; GET /api/v1/lookup against the same
// answers, with its 400s and 404; the lookup data files; and hand-made fixtures for the rules.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnswerAgency,
  answer,
  buildStateIndex,
  candidates,
  type IndexInput,
  type LookupAnswer,
  lookupPoint,
  lookupQuery,
  parseQuery,
  shapeAt,
} from "../src/analysis/lookup.js";
import { latestListDate } from "../src/analysis/population.js";
import { roster } from "../src/analysis/queries.js";
import { readCsv } from "../src/context/csv-read.js";
import { county } from "../src/context/geography.js";
import { createApp } from "../src/server/app.js";
import { type LookupData, lookupData, serverCountyShapes, zipTable } from "../src/server/pages/lookup-data.js";
import type { Store } from "../src/store/db.js";
import { openArchive, ROOT } from "./helpers.js";

let store: Store;
let data: LookupData;
let app: ReturnType<typeof createApp>;
let latest: string;
/** Agreement ids on the list in force, from the roster itself. */
let listedIds: Set<string>;

const load = (s: string) => data.states.get(s) ?? null;
const ids = (l: AnswerAgency[]) => l.map((a) => a.id).sort();

async function ask(q: string): Promise<LookupAnswer> {
  const r = await lookupQuery(data.directory, load, q);
  if (!r.answer) throw new Error(`no answer for ${q}`);
  return r.answer;
}

/** Agencies of the store, by a plain query that does not go through the lookup code. */
async function agencies(where: { state: string; county_fips?: string; statewide?: boolean }) {
  let q = store.db
    .selectFrom("agency as a")
    .innerJoin("agreement as g", "g.agency_id", "a.agency_id")
    .select(["a.agency_id", "a.name", "a.type", "a.jurisdiction", "a.county_fips"])
    .distinct()
    .where("a.state", "=", where.state);
  if (where.county_fips) q = q.where("a.county_fips", "=", where.county_fips).where("a.statewide", "=", 0);
  if (where.statewide) q = q.where("a.statewide", "=", 1);
  return q.execute();
}

beforeAll(async () => {
  store = await openArchive();
  const version = "test";
  data = await lookupData(store.db, version);
  app = createApp({ store, webDist: null });
  latest = (await latestListDate(store.db)) as string;
  listedIds = new Set((await roster(store.db, { asOf: latest })).map((r) => r.agreement_id as string));
});
afterAll(async () => {
  await store.close();
});

describe("the ZIP table (data/context/zips.csv)", () => {
  const rows = readCsv(fs.readFileSync(path.join(ROOT, "data/context/zips.csv"), "utf8"));

  it("has a county of the zip's own state for every row, and points inside the state", () => {
    expect(rows.length).toBeGreaterThan(40_000);
    expect(zipTable().length).toBe(rows.length);
    const bad = rows.filter((r) => county(r.county as string)?.state !== r.state);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(rows.find((r) => r.zip === "33602")).toMatchObject({ state: "FL", city: "Tampa", county: "12057" });
    // Connecticut rows carry planning regions (09110-09190), never the old counties.
    const ct = rows.filter((r) => r.state === "CT");
    expect(ct.length).toBeGreaterThan(200);
    expect(ct.every((r) => /^091[1-9]0$/.test(r.county as string))).toBe(true);
  });

  it("agrees with point in polygon on the county outlines (a sample of every 97th ZIP outside Connecticut)", () => {
    const shapes = serverCountyShapes();
    let checked = 0;
    const wrong: string[] = [];
    rows.forEach((r, i) => {
      if (i % 97 || r.state === "CT") return;
      const hit = shapeAt(shapes, Number(r.lat), Number(r.lon));
      // Points outside every outline of their state took the nearest county: not comparable.
      if (!hit || !county(hit) || county(hit)?.state !== r.state) return;
      checked++;
      if (hit !== r.county) wrong.push(`${r.zip}: ${hit} vs ${r.county}`);
    });
    expect(checked).toBeGreaterThan(350);
    expect(wrong).toEqual([]);
  });
});

describe("the lookup on the real ledger", () => {
  it("a Tampa ZIP code gives Hillsborough County's sheriff, Tampa's police and Florida's statewide agencies", async () => {
    const a = await ask("33602");
    expect(a.state).toBe("FL");
    expect(a.county).toEqual({ geoid: "12057", name: "Hillsborough County" });
    expect(a.place?.name).toBe("Tampa");
    const sheriff = (await agencies({ state: "FL", county_fips: "12057" })).filter((r) => r.type === "sheriff");
    expect(sheriff.map((r) => r.name)).toEqual(["Hillsborough County Sheriff's Office"]);
    expect(ids(a.county_agencies)).toContain(sheriff[0]?.agency_id);
    const tampa = (await agencies({ state: "FL", county_fips: "12057" })).filter(
      (r) => r.name === "Tampa Police Department",
    );
    expect(ids(a.city_agencies)).toEqual(tampa.map((r) => r.agency_id));
    // Statewide: exactly the store's statewide agencies of Florida with an agreement.
    expect(ids(a.statewide_agencies)).toEqual(
      (await agencies({ state: "FL", statewide: true })).map((r) => r.agency_id).sort(),
    );
    // Other agencies of the county (Plant City police, the university's) are apart, never as the town's.
    const others = ids(a.other_in_county);
    expect(others).not.toContain(tampa[0]?.agency_id);
    expect(others).toContain("fl-plant-city-police-department");
    // Listed means: on the roster of the latest list.
    for (const ag of [...a.county_agencies, ...a.city_agencies, ...a.statewide_agencies]) {
      expect(ag.listed, ag.id).toBe(ag.agreements.some((g) => listedIds.has(g.id)));
      for (const g of ag.agreements) expect(g.standing === "listed", g.id).toBe(listedIds.has(g.id));
    }
    expect(a.covered).toBe(true);
    expect(a.laws.map((l) => l.kind)).toContain("mandate");
  });

  it("a town and its county give the same county-wide and statewide agencies as its ZIP code", async () => {
    const [zip, town, cty] = await Promise.all([ask("33602"), ask("Tampa, FL"), ask("Hillsborough County, FL")]);
    for (const other of [town, cty]) {
      expect(ids(other.county_agencies)).toEqual(ids(zip.county_agencies));
      expect(ids(other.statewide_agencies)).toEqual(ids(zip.statewide_agencies));
    }
    expect(ids(town.city_agencies)).toEqual(ids(zip.city_agencies));
    // A county has no town: its town police are among the county's other agencies.
    expect(cty.place).toBeNull();
    expect(ids(cty.other_in_county)).toEqual(expect.arrayContaining(ids(zip.city_agencies)));
  });

  it("a bare town name picks the state with most ZIP codes and offers the others", async () => {
    const r = await lookupQuery(data.directory, load, "Tampa");
    expect(r.answer?.state).toBe("FL");
    expect(r.alternatives).toContain("Tampa, KS");
    expect(candidates(data.directory, "Hillsborough County")[0]?.target).toEqual({
      kind: "county",
      state: "FL",
      geoid: "12057",
    });
  });

  it("Texas: a ZIP code, a town and a county", async () => {
    const lc = await ask("77573");
    expect(lc.county?.geoid).toBe("48167");
    const leagueCity = (await agencies({ state: "TX", county_fips: "48167" })).find(
      (r) => r.name === "League City Police Department",
    );
    expect(leagueCity).toBeDefined();
    expect(ids(lc.city_agencies)).toEqual([leagueCity?.agency_id]);
    const st = await ask("Stephenville, TX");
    expect(st.county?.geoid).toBe("48143");
    expect(st.city_agencies.map((a) => a.name)).toEqual(["Stephenville Police Department"]);
    const harris = await ask("Harris County, TX");
    expect(harris.county?.geoid).toBe("48201");
    const wide = (await agencies({ state: "TX", county_fips: "48201" })).filter((r) =>
      ["sheriff", "corrections", "jail_authority"].includes(r.type),
    );
    expect(ids(harris.county_agencies)).toEqual(expect.arrayContaining(wide.map((r) => r.agency_id)));
  });

  it("Maryland (a ban): Frederick's ZIP, town and county name the ended sheriff's agreement and the ban", async () => {
    for (const q of ["21701", "Frederick, MD", "Frederick County, MD"]) {
      const a = await ask(q);
      expect(a.county?.geoid, q).toBe("24021");
      expect(
        a.laws.map((l) => l.kind),
        q,
      ).toContain("ban");
      const sheriff = a.county_agencies.find((x) => x.name === "Frederick County Sheriff's Office");
      expect(sheriff, q).toBeDefined();
      // Whatever the ledger says of it, the answer says the same as the roster.
      expect(sheriff?.listed).toBe(sheriff?.agreements.some((g) => listedIds.has(g.id)));
      expect(a.covered).toBe(
        [...a.county_agencies, ...a.city_agencies, ...a.statewide_agencies].some((x) =>
          x.agreements.some((g) => listedIds.has(g.id)),
        ),
      );
    }
  });

  it("a point answers like the ZIP code it is near, and Connecticut points get planning regions", async () => {
    const shapes = serverCountyShapes();
    const p = await lookupPoint(data.directory, shapes, load, 27.9506, -82.4572);
    const z = await ask("33602");
    expect(p.answer?.county).toEqual(z.county);
    expect(ids(p.answer?.city_agencies ?? [])).toEqual(ids(z.city_agencies));
    expect(ids(p.answer?.statewide_agencies ?? [])).toEqual(ids(z.statewide_agencies));
    const hartford = await lookupPoint(data.directory, shapes, load, 41.7658, -72.6734);
    expect(hartford.answer?.county?.geoid).toBe("09110");
    expect(hartford.answer?.notes.map((n) => n.key)).toContain("ct_region");
    const sea = await lookupPoint(data.directory, shapes, load, 30, -60);
    expect(sea.answer).toBeNull();
  });

  it("queries: ZIP+4, a state spelled out, and nothing", () => {
    const st = data.directory.states;
    expect(parseQuery("33602-1234", st)).toEqual({ kind: "zip", zip: "33602" });
    expect(parseQuery("Tampa, Florida", st)).toEqual({ kind: "text", text: "Tampa", state: "FL", county: false });
    expect(parseQuery("harris county tx", st)).toMatchObject({ kind: "text", text: "harris county", county: true });
    expect(parseQuery("  ", st)).toEqual({ kind: "empty" });
    expect(candidates(data.directory, "Qqqqzz")).toEqual([]);
  });
});

describe("GET /api/v1/lookup", () => {
  const get = async (q: string) => {
    const r = await app.request(`/api/v1/lookup${q}`);
    // biome-ignore lint/suspicious/noExplicitAny: the tests read nested fields of several answer shapes
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  it("answers a ZIP, a town, a county and a point as the lookup does", async () => {
    for (const q of ["33602", "Tampa, FL", "Harris County, TX", "Frederick County, MD"]) {
      const r = await get(`?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      const direct = await lookupQuery(data.directory, load, q);
      expect(r.body.data).toEqual({ ...direct.answer, alternatives: direct.alternatives });
    }
    const p = await get("?lat=27.9506&lon=-82.4572");
    expect(p.status).toBe(200);
    expect(p.body.data.county.geoid).toBe("12057");
    const csv = await app.request("/api/v1/lookup.csv?q=33602");
    const text = await csv.text();
    expect(text.split("\n")[0]).toContain("group,agency_id");
    expect(text).toContain("Tampa Police Department");
  });

  it("says what is wrong with bad input (400) and when nothing matches (404)", async () => {
    const cases: [string, string][] = [
      ["", "q"],
      ["?lat=27.9", "lon"],
      ["?lat=95&lon=1", "lat"],
      ["?lat=abc&lon=1", "lat"],
      ["?q=Tampa&lat=1&lon=1", "q"],
      ["?zip=33602", "zip"],
      [`?q=${"x".repeat(101)}`, "q"],
    ];
    for (const [q, param] of cases) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.parameter, q).toBe(param);
    }
    const nf = await get("?q=Qqqqzz");
    expect(nf.status).toBe(404);
    expect(nf.body.error.message).toContain("Qqqqzz");
    const ocean = await get("?lat=30&lon=-60");
    expect(ocean.status).toBe(404);
  });

  it("serves the same indexes as data files, the place names split by first letter", async () => {
    const fl = await (await app.request("/data/lookup/FL.json")).json();
    expect(fl).toEqual(JSON.parse(JSON.stringify(data.states.get("FL"))));
    const idx = (await (await app.request("/data/lookup/index.json")).json()) as { places: unknown[] };
    expect(idx.places).toEqual([]);
    const t = (await (await app.request("/data/lookup/places-t.json")).json()) as [string, string, number][];
    expect(t.some(([s, n]) => s === "FL" && n === "Tampa")).toBe(true);
    expect(t.every(([, n]) => /^t/i.test(n))).toBe(true);
    const search = (await (await app.request("/data/search.json")).json()) as [
      string,
      string,
      string,
      string,
      number,
    ][];
    expect(search.some(([k, n, s]) => k === "county" && n === "Hillsborough County" && s === "FL")).toBe(true);
  });
});

describe("the rules, on a hand-made state", () => {
  const base: IndexInput = {
    state: "ZZ",
    name: "Testland",
    latest_list: "2026-01-01",
    counties: [
      { geoid: "99001", name: "North County", population: 1000 },
      { geoid: "99003", name: "South County", population: 500 },
    ],
    agencies: [],
    zips: [
      { zip: "99901", city: "Springfield", county: "99001", lat: 10, lon: 10 },
      { zip: "99902", city: "Springfield", county: "99001", lat: 10.02, lon: 10 },
      { zip: "99903", city: "Springfield", county: "99003", lat: 5, lon: 5 },
      { zip: "99904", city: "Shelbyville", county: "99003", lat: 5.1, lon: 5.1 },
    ],
    fbiPlaces: [{ name: "Ogdenville", county: "99003" }],
    laws: [],
  };
  const g = (id: string, standing: "listed" | "ended") => ({
    id,
    model: "TFM",
    signed_on: "2025-01-01",
    first_listed: "2025-01-02",
    last_listed: "2025-06-01",
    standing,
    ended_on: standing === "ended" ? "2025-06-02" : null,
  });
  const ag = (id: string, type: string, fips: string | null, place: string | null, standing: "listed" | "ended") => ({
    id,
    name: id,
    type,
    jurisdiction: type === "state_agency" ? "state" : type === "police" ? "municipal" : "county",
    county_fips: fips,
    statewide: type === "state_agency",
    place,
    agreements: [g(`${id}/tfm`, standing)],
  });
  const idx = buildStateIndex({
    ...base,
    agencies: [
      ag("north-sheriff", "sheriff", "99001", null, "ended"),
      ag("springfield-pd", "police", "99001", "springfield", "listed"),
      ag("ogdenville-pd", "police", "99003", "ogdenville", "listed"),
      ag("state-patrol", "state_agency", null, null, "ended"),
      ag("north-constable", "constable", "99001", null, "listed"),
    ],
  });

  it("a town's police only in its own county; statewide and partial agencies apart", () => {
    const north = answer(idx, { kind: "zip", state: "ZZ", zip: "99901" }) as LookupAnswer;
    expect(ids(north.city_agencies)).toEqual(["springfield-pd"]);
    expect(ids(north.county_agencies)).toEqual(["north-sheriff"]);
    expect(ids(north.statewide_agencies)).toEqual(["state-patrol"]);
    expect(ids(north.other_in_county)).toEqual(["north-constable"]);
    // The listed town police make it covered, though the sheriff's agreement ended.
    expect(north.covered).toBe(true);
    // Springfield in the south county is another town: not the north's police.
    const south = answer(idx, { kind: "place", state: "ZZ", name: "Springfield", county: "99003" }) as LookupAnswer;
    expect(south.city_agencies).toEqual([]);
    expect(south.covered).toBe(false);
    expect(south.notes.map((n) => n.key)).toEqual(["place_other_counties", "no_city_agency"]);
  });

  it("the bigger of two same-named towns answers a bare name; an FBI-only town is found", () => {
    const a = answer(idx, { kind: "place", state: "ZZ", name: "springfield", county: null }) as LookupAnswer;
    expect(a.county?.geoid).toBe("99001");
    const o = answer(idx, { kind: "place", state: "ZZ", name: "Ogdenville", county: null }) as LookupAnswer;
    expect(ids(o.city_agencies)).toEqual(["ogdenville-pd"]);
    expect(o.point).toBeNull();
    expect(o.notes.map((n) => n.key)).toContain("place_fbi");
  });

  it("a point takes a town's police only within 5 km of one of its ZIP points", () => {
    const near = answer(idx, { kind: "point", state: "ZZ", county: "99001", lat: 10.01, lon: 10.01 }) as LookupAnswer;
    expect(ids(near.city_agencies)).toEqual(["springfield-pd"]);
    const far = answer(idx, { kind: "point", state: "ZZ", county: "99001", lat: 10.5, lon: 10.5 }) as LookupAnswer;
    expect(far.place).toBeNull();
    expect(far.city_agencies).toEqual([]);
    expect(ids(far.county_agencies)).toEqual(["north-sheriff"]);
  });

  it("is deterministic and unknown targets give null", () => {
    expect(JSON.stringify(buildStateIndex({ ...base, agencies: [] }))).toBe(
      JSON.stringify(buildStateIndex({ ...base, agencies: [], zips: [...base.zips].reverse() })),
    );
    expect(answer(idx, { kind: "zip", state: "ZZ", zip: "00000" })).toBeNull();
    expect(answer(idx, { kind: "county", state: "ZZ", geoid: "99999" })).toBeNull();
  });
});
