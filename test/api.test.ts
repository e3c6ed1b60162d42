// The HTTP API in-process (app.request) on the real archive ledger: every endpoint, as_of rosters,
// keyset pages, CSV twins, ETag/304, bad parameters, 404s, security headers and the admin check.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClaimFile } from "../src/analysis/claim-file.js";
import { roster } from "../src/analysis/queries.js";
import { AGENCY_COLUMNS, AGREEMENT_COLUMNS } from "../src/domain/columns.js";
import { ingest } from "../src/pipeline/ingest.js";
import { RESOURCES } from "../src/server/api/index.js";
import { createApp } from "../src/server/app.js";
import { VersionedCache } from "../src/server/cache.js";
import { requireAdmin } from "../src/server/security.js";
import { openStore, type Store } from "../src/store/db.js";
import { BIN, cli, copyArchiveDb, openArchive, ROOT, readList, tmpDir, writeXlsx } from "./helpers.js";

type App = ReturnType<typeof createApp>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies; the assertions check their shape
type Json = Record<string, any>;

let store: Store;
let app: App;

beforeAll(async () => {
  store = await openArchive();
  app = createApp({ store, webDist: null });
});
afterAll(async () => {
  await store.close();
});

async function getJson(url: string, a: App = app): Promise<Json> {
  const r = await a.request(url);
  const body = await r.text();
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${body}`);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  return JSON.parse(body);
}

async function getError(url: string, status: number, a: App = app) {
  const r = await a.request(url);
  expect(r.status, url).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  expect(r.headers.get("cache-control")).toBe("no-store");
  const body = (await r.json()) as Json;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.status).toBe(status);
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  return body.error as { status: number; code: string; message: string; parameter?: string };
}

/** Follows next_cursor to the end; returns every row and the pages' totals. */
async function walk(
  url: string,
  key: string | ((r: Json) => string),
): Promise<{ rows: Json[]; totals: number[]; pages: number }> {
  const rows: Json[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes("?") ? "&" : "?";
    const body = await getJson(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
    expect(body.count).toBe(body.rows.length);
    rows.push(...body.rows);
    totals.push(body.total);
    cursor = body.next_cursor;
    pages++;
    if (pages > 500) throw new Error("pagination does not end");
  } while (cursor);
  const keys = rows.map((r) => (typeof key === "string" ? String(r[key]) : key(r)));
  expect(new Set(keys).size).toBe(keys.length);
  return { rows, totals, pages };
}

/** Parses CSV as csv-stringify writes it (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe("the envelope and the roster", () => {
  it("status: what the real ledger holds, with its source", async () => {
    const b = await getJson("/api/v1/status");
    expect(b.data.agreements.total).toBe(1880);
    expect(b.data.agreements.active).toBe(1779);
    expect(b.data.agencies).toBe(1582);
    expect(b.data.latest_list).toBe("2026-05-01");
    expect(b.latest_list).toBe("2026-05-01");
    expect(b.source.latest_list).toEqual({ date: "2026-05-01", file: "participatingAgencies05012026am.xlsx" });
    expect(b.source.lists_applied).toBe(1392);
    expect(b.data.quarantined.map((q: Json) => q.published_at)).toEqual(["2025-04-21"]);
  });

  it("as_of gives the roster on a date: 150 on 2021-01-13 (74 JEM / 76 WSO), 135 on 2024-12-01 with no TFM", async () => {
    const a = await getJson("/api/v1/agreements?as_of=2021-01-13&limit=all");
    expect(a.total).toBe(150);
    expect(a.count).toBe(150);
    expect(a.next_cursor).toBeNull();
    expect(a.as_of).toBe("2021-01-13");
    expect(a.query).toEqual({ as_of: "2021-01-13", limit: "all" });
    const ids = a.rows.map((r: Json) => r.agreement_id);
    const direct = (await roster(store.db, { asOf: "2021-01-13" })).map((r) => r.agreement_id);
    expect([...ids].sort()).toEqual([...direct].sort());
    expect(Object.keys(a.rows[0])).toEqual([...AGREEMENT_COLUMNS]);
    expect((await getJson("/api/v1/agreements?as_of=2021-01-13&model=jem")).total).toBe(74);
    expect((await getJson("/api/v1/agreements?as_of=2021-01-13&model=WSO")).total).toBe(76);
    expect((await getJson("/api/v1/agreements?as_of=2024-12-01")).total).toBe(135);
    expect((await getJson("/api/v1/agreements?as_of=2024-12-01&model=tfm")).total).toBe(0);
    expect((await getJson("/api/v1/agreements?as_of=2025-02-18&model=tfm")).total).toBe(0);
    expect((await getJson("/api/v1/agreements?as_of=2025-02-19&model=tfm")).total).toBeGreaterThan(0);
  });

  it("filters as the CLI has them: status, state, model, agency, signed dates, words of a name", async () => {
    expect((await getJson("/api/v1/agreements")).total).toBe(1880);
    expect((await getJson("/api/v1/agreements?status=active")).total).toBe(1779);
    const tx = await getJson("/api/v1/agreements?state=tx&limit=all");
    expect(tx.query.state).toBe("TX");
    expect(tx.rows.every((r: Json) => r.state === "TX")).toBe(true);
    const sql = new Sqlite(store.file, { readonly: true });
    const n = (q: string, ...args: unknown[]) => (sql.prepare(q).get(...args) as { n: number }).n;
    expect(tx.total).toBe(n("select count(*) n from agreement g join agency a using(agency_id) where a.state='TX'"));
    const signed = await getJson("/api/v1/agreements?signed_from=2025-01-20&signed_to=2025-12-31");
    expect(signed.total).toBe(
      n("select count(*) n from agreement where signed_on >= '2025-01-20' and signed_on <= '2025-12-31'"),
    );
    sql.close();
    const etowah = await getJson("/api/v1/agreements?agency=al-etowah-county-sheriffs-office");
    expect(etowah.rows.map((r: Json) => r.agreement_id)).toEqual([
      "al-etowah-county-sheriffs-office/jem/2016-06-08",
      "al-etowah-county-sheriffs-office/tfm/2025-12-08",
    ]);
    const q = await getJson("/api/v1/agreements?q=etowah%20sheriff");
    expect(q.rows.map((r: Json) => r.agency_id)).toEqual([
      "al-etowah-county-sheriffs-office",
      "al-etowah-county-sheriffs-office",
    ]);
    const rostered = await getJson("/api/v1/agreements?as_of=2021-01-13&status=removed&limit=all");
    expect(rostered.rows.every((r: Json) => r.status === "removed")).toBe(true);
  });
});

describe("keyset pagination", () => {
  it("walks every agreement: no duplicates, the total equals the rows, stable order by id", async () => {
    const { rows, totals, pages } = await walk("/api/v1/agreements?limit=97", "agreement_id");
    expect(rows.length).toBe(1880);
    expect(new Set(totals)).toEqual(new Set([1880]));
    expect(pages).toBe(Math.ceil(1880 / 97));
    const ids = rows.map((r) => r.agreement_id as string);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("walks a filtered roster, the events and the observations the same way", async () => {
    const r = await walk("/api/v1/agreements?as_of=2021-01-13&limit=40", "agreement_id");
    expect(r.rows.length).toBe(150);
    expect(r.pages).toBe(4);
    const e = await walk("/api/v1/events?limit=1000", "seq");
    const all = await getJson("/api/v1/events?limit=all");
    expect(e.rows.length).toBe(all.total);
    expect(e.rows.map((x) => x.seq)).toEqual(all.rows.map((x: Json) => x.seq));
    const s = await walk("/api/v1/snapshots?limit=250", "obs_id");
    expect(s.rows.length).toBe(1393);
  });

  it("a cursor is opaque and checked", async () => {
    const first = await getJson("/api/v1/agreements?limit=2");
    expect(first.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await getJson(`/api/v1/agreements?limit=2&cursor=${first.next_cursor}`);
    expect(second.rows[0].agreement_id > first.rows[1].agreement_id).toBe(true);
    expect(second.query.cursor).toBe(first.next_cursor);
    const e = await getError("/api/v1/agreements?cursor=not-a-cursor", 400);
    expect(e.parameter).toBe("cursor");
  });
});

describe("CSV twins", () => {
  it("every list is also .csv: the header is the column list, the rows are the JSON's", async () => {
    const r = await app.request("/api/v1/agreements.csv?state=TX");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = parseCsv(await r.text());
    expect(rows[0]).toEqual([...AGREEMENT_COLUMNS]);
    const json = await getJson("/api/v1/agreements.json?state=TX&limit=all");
    expect(rows.length - 1).toBe(json.total);
    expect(rows.slice(1).map((x) => x[0])).toEqual(json.rows.map((x: Json) => x.agreement_id));
    const agencies = parseCsv(await (await app.request("/api/v1/agencies.csv")).text());
    expect(agencies[0]).toEqual([...AGENCY_COLUMNS]);
    expect(agencies.length - 1).toBe(1582);
  });

  it("a CSV with a limit pages, and names the next page in a Link header", async () => {
    const r = await app.request("/api/v1/agreements.csv?limit=10");
    expect(parseCsv(await r.text()).length).toBe(11);
    expect(r.headers.get("link")).toMatch(/^<\/api\/v1\/agreements\.csv\?limit=10&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
  });

  it("cells a spreadsheet would run as a formula are neutralised (fixture: an agency name starting with =)", async () => {
    const file = copyArchiveDb();
    const sql = new Sqlite(file);
    sql
      .prepare("update agency set name = ? where agency_id = ?")
      .run('=HYPERLINK("http://evil.example","click")', "al-etowah-county-sheriffs-office");
    sql.prepare("update agency set name = ? where agency_id = ?").run("+1-2", "ak-kodiak-police-department");
    sql.close();
    const s = await openStore(file, { readonly: true });
    try {
      const a = createApp({ store: s, webDist: null });
      const csv = await (
        await a.request("/api/v1/agreements.csv?state=AL&agency=al-etowah-county-sheriffs-office")
      ).text();
      const rows = parseCsv(csv);
      expect(rows.length).toBe(3);
      const agencyCol = AGREEMENT_COLUMNS.indexOf("agency");
      expect(rows[1]?.[agencyCol]).toBe('\'=HYPERLINK("http://evil.example","click")');
      expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
      const kodiak = parseCsv(await (await a.request("/api/v1/agencies.csv?state=AK")).text());
      expect(kodiak.some((r) => r[AGENCY_COLUMNS.indexOf("name")] === "'+1-2")).toBe(true);
      // The JSON twin keeps the value as published.
      const json = await getJson("/api/v1/agreements?agency=al-etowah-county-sheriffs-office", a);
      expect(json.rows[0].agency).toBe('=HYPERLINK("http://evil.example","click")');
    } finally {
      await s.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("items have a CSV twin too (an agency's agreements, a diff's rows, the status as key/value)", async () => {
    const agency = parseCsv(await (await app.request("/api/v1/agencies/al-etowah-county-sheriffs-office.csv")).text());
    expect(agency[0]).toEqual([...AGREEMENT_COLUMNS]);
    expect(agency.length).toBe(3);
    const d = parseCsv(await (await app.request("/api/v1/diff.csv?from=2021-01-13&to=2024-12-01")).text());
    const dj = await getJson("/api/v1/diff?from=2021-01-13&to=2024-12-01");
    expect(d.length - 1).toBe(dj.data.added.length + dj.data.removed.length + dj.data.changed.length);
    const st = parseCsv(await (await app.request("/api/v1/status.csv")).text());
    expect(st[0]).toEqual(["key", "value"]);
    expect(st).toContainEqual(["agreements.total", "1880"]);
  });
});

describe("ETag and Cache-Control", () => {
  it("every answer has an ETag; If-None-Match gives 304 with no body; a changed tag gives 200", async () => {
    for (const url of [
      "/api/v1/agreements?as_of=2021-01-13",
      "/api/v1/agreements.csv?as_of=2021-01-13",
      "/api/openapi.json",
    ]) {
      const r = await app.request(url);
      expect(r.status).toBe(200);
      const tag = r.headers.get("etag") as string;
      expect(tag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(r.headers.get("cache-control")).toMatch(/max-age=\d+/);
      const again = await app.request(url, { headers: { "If-None-Match": tag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(tag);
      expect((await app.request(url, { headers: { "If-None-Match": `W/${tag}` } })).status).toBe(304);
      expect((await app.request(url, { headers: { "If-None-Match": `"other", ${tag}` } })).status).toBe(304);
      expect((await app.request(url, { headers: { "If-None-Match": '"stale"' } })).status).toBe(200);
    }
    const j = (await app.request("/api/v1/agreements?as_of=2021-01-13")).headers.get("etag");
    const c = (await app.request("/api/v1/agreements.csv?as_of=2021-01-13")).headers.get("etag");
    const other = (await app.request("/api/v1/agreements?as_of=2021-01-14")).headers.get("etag");
    expect(new Set([j, c, other]).size).toBe(3);
  });

  it("gzip when the client takes it: the same bytes, its own ETag, and either tag gives 304", async () => {
    const url = "/api/v1/agreements?as_of=2021-01-13&limit=all";
    const plain = await app.request(url);
    const bytes = Buffer.from(await plain.arrayBuffer());
    // A client that takes brotli gets brotli (test/web-phone.test.ts); this one takes gzip.
    const z = await app.request(url, { headers: { "Accept-Encoding": "gzip, deflate" } });
    expect(z.headers.get("content-encoding")).toBe("gzip");
    expect(z.headers.get("vary")).toBe("accept-encoding");
    const unzipped = gunzipSync(Buffer.from(await z.arrayBuffer()));
    expect(unzipped.equals(bytes)).toBe(true);
    const tag = plain.headers.get("etag") as string;
    expect(z.headers.get("etag")).toBe(`${tag.slice(0, -1)}-gz"`);
    for (const t of [tag, z.headers.get("etag") as string]) {
      const r = await app.request(url, { headers: { "If-None-Match": t, "Accept-Encoding": "gzip" } });
      expect(r.status).toBe(304);
    }
    // Tiny bodies go as they are.
    const small = await app.request("/api/v1/politics?state=TX&year=2025&limit=1", {
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(small.headers.get("content-encoding")).toBeNull();
  });

  it("a repeated request is answered from the cache, before validation, with the same bytes", async () => {
    const url = "/api/v1/agreements?state=WY";
    const a = await app.request(url);
    const b = await app.request(url);
    expect(b.headers.get("etag")).toBe(a.headers.get("etag"));
    expect(await b.text()).toBe(await a.text());
    expect(b.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("the ETag is the body's: the same request on a fresh app gives the same tag", async () => {
    const a = createApp({ store, webDist: null });
    const t1 = (await app.request("/api/v1/agencies/al-etowah-county-sheriffs-office")).headers.get("etag");
    const t2 = (await a.request("/api/v1/agencies/al-etowah-county-sheriffs-office")).headers.get("etag");
    expect(t1).toBe(t2);
  });
});

describe("bad parameters and unknown resources", () => {
  const cases: [string, string, string][] = [
    ["/api/v1/agreements?state=ZZ", "state", "bad_parameter"],
    ["/api/v1/agreements?as_of=2021-02-30", "as_of", "bad_parameter"],
    ["/api/v1/agreements?as_of=yesterday", "as_of", "bad_parameter"],
    ["/api/v1/agreements?model=287", "model", "bad_parameter"],
    ["/api/v1/agreements?status=asleep", "status", "bad_parameter"],
    ["/api/v1/agreements?limit=0", "limit", "bad_parameter"],
    ["/api/v1/agreements?limit=1001", "limit", "bad_parameter"],
    ["/api/v1/agreements?limit=ten", "limit", "bad_parameter"],
    ["/api/v1/agreements?state=TX&state=CA", "state", "bad_parameter"],
    ["/api/v1/agreements?sate=TX", "sate", "unknown_parameter"],
    ["/api/v1/agreements.csv?signed_from=2025-13-01", "signed_from", "bad_parameter"],
    ["/api/v1/agencies?county_fips=481", "county_fips", "bad_parameter"],
    ["/api/v1/agencies?type=marshal", "type", "bad_parameter"],
    ["/api/v1/events?type=exploded", "type", "bad_parameter"],
    ["/api/v1/snapshots?status=maybe", "status", "bad_parameter"],
    ["/api/v1/diff?from=2025-01-01", "to", "bad_parameter"],
    ["/api/v1/diff?from=2025-03-01&to=2025-01-01", "to", "bad_parameter"],
    ["/api/v1/stats?by=colour", "by", "bad_parameter"],
    ["/api/v1/stats?by=model&per_capita=true", "per_capita", "bad_parameter"],
    ["/api/v1/timeline?by=week", "by", "bad_parameter"],
    ["/api/v1/status?verbose=1", "verbose", "unknown_parameter"],
    ["/api/v1/moa/search", "q", "bad_parameter"],
    ["/api/v1/claims?file=../etc/passwd", "file", "bad_parameter"],
    ["/feeds/changes.atom?state=Texas", "state", "bad_parameter"],
  ];
  it.each(cases)("%s → 400 naming %s", async (url, parameter, code) => {
    const e = await getError(url, 400);
    expect(e.parameter).toBe(parameter);
    expect(e.code).toBe(code);
    expect(e.message.startsWith(`${parameter}: `)).toBe(true);
  });

  it("a missing parameter is named as required", async () => {
    expect((await getError("/api/v1/diff?to=2025-01-01", 400)).message).toBe("from: required");
  });

  it.each([
    "/api/v1/nothing",
    "/api/v1/agreements.xml",
    "/api/v2/agreements",
    "/api/v1/agencies/xx-no-such-agency",
    "/api/v1/agencies/xx-no-such-agency/listings",
    "/api/v1/snapshots/0000000000000000000000000000000000000000000000000000000000000000",
    "/api/v1/states/ZZ",
    "/api/v1/states/tx",
    "/feeds/nothing.atom",
  ])("%s → 404 in the error shape", async (url) => {
    const e = await getError(url, 404);
    expect(e.code).toBe("not_found");
  });
});

describe("every resource", () => {
  const examples: Record<string, string> = {
    status: "/api/v1/status",
    agreements: "/api/v1/agreements?as_of=2025-06-01&state=FL",
    agencies: "/api/v1/agencies?state=TX&type=sheriff",
    agency: "/api/v1/agencies/al-etowah-county-sheriffs-office",
    agency_listings: "/api/v1/agencies/al-etowah-county-sheriffs-office/listings",
    snapshots: "/api/v1/snapshots?status=quarantined",
    snapshot: "/api/v1/snapshots/2025-04-21%7Cam%7C2a49c89d7a7f4374",
    events: "/api/v1/events?type=removed&state=TX",
    diff: "/api/v1/diff?from=2024-12-01&to=2025-03-01",
    review: "/api/v1/review",
    states: "/api/v1/states?as_of=2021-01-13",
    state: "/api/v1/states/MD",
    counties: "/api/v1/counties?state=FL&listed=true",
    policies: "/api/v1/policies?state=MD",
    litigation: "/api/v1/litigation",
    politics: "/api/v1/politics?state=TX",
    stats: "/api/v1/stats?by=model&as_of=2021-01-13",
    timeline: "/api/v1/timeline?from=2025-01-01&to=2025-03-31",
    funnel: "/api/v1/funnel",
    coverage: "/api/v1/coverage",
    conflicts: "/api/v1/conflicts?state=MD",
    claims: "/api/v1/claims?file=2026-02-news-article",
    moa_search: "/api/v1/moa/search?q=detain",
    lookup: "/api/v1/lookup?q=33602",
  };
  // MOA text exists only after `g287 moa` has fetched the documents; the archive ledger has none.
  const mayBeEmpty = new Set(["moa_search"]);

  it("each registered resource has an example here (a new resource needs one)", () => {
    expect(RESOURCES.map((r) => r.name).sort()).toEqual(Object.keys(examples).sort());
  });

  it.each(Object.entries(examples))("%s: JSON in the envelope, and its CSV twin", async (name, url) => {
    const r = RESOURCES.find((x) => x.name === name);
    expect(r).toBeDefined();
    const b = await getJson(url);
    expect(b.latest_list).toBe("2026-05-01");
    expect(b.source.latest_list.file).toBe("participatingAgencies05012026am.xlsx");
    expect(typeof b.query).toBe("object");
    if (r?.kind === "list") {
      expect(b.count).toBe(b.rows.length);
      expect(b.total).toBeGreaterThanOrEqual(b.count);
      if (!mayBeEmpty.has(name)) expect(b.count).toBeGreaterThan(0);
    } else expect(b.data).toBeTruthy();
    const [p, q] = url.split("?");
    const csv = await app.request(`${p}.csv${q ? `?${q}` : ""}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(parseCsv(await csv.text()).length).toBeGreaterThan(mayBeEmpty.has(name) ? 0 : 1);
    const j = await app.request(`${p}.json${q ? `?${q}` : ""}`);
    expect(await j.json()).toEqual(b);
  });

  it("the OpenAPI document describes every resource and the feed", async () => {
    const doc = await getJson("/api/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    for (const r of RESOURCES) {
      const op = doc.paths[`/api/v1${r.path}`]?.get;
      expect(op?.operationId, r.path).toBe(r.name);
      expect(op.responses["200"].content["text/csv"]).toBeDefined();
      expect(op.responses["400"]).toBeDefined();
    }
    expect(doc.paths["/feeds/changes.atom"].get.parameters.map((x: Json) => x.name)).toEqual([
      "state",
      "agency",
      "model",
      "limit",
    ]);
    const params = doc.paths["/api/v1/agreements"].get.parameters.map((x: Json) => x.name);
    expect(params).toEqual([
      "as_of",
      "include_unconfirmed",
      "state",
      "model",
      "status",
      "agency",
      "signed_from",
      "signed_to",
      "q",
      "limit",
      "cursor",
      "lang",
    ]);
  });
});

describe("what the resources say, against the ledger", () => {
  it("an agency: agreements, name variants with dates, events and provenance runs back to list rows", async () => {
    const b = await getJson("/api/v1/agencies/al-etowah-county-sheriffs-office");
    const d = b.data;
    expect(d.agency.name).toBe("Etowah County Sheriff's Office");
    expect(d.agency.names).toEqual([
      { name: "Etowah County Sheriff's Office", firstSeen: "2021-01-13", lastSeen: "2026-05-01" },
    ]);
    expect(d.agreements.map((a: Json) => a.agreement_id)).toEqual([
      "al-etowah-county-sheriffs-office/jem/2016-06-08",
      "al-etowah-county-sheriffs-office/tfm/2025-12-08",
    ]);
    expect(d.events.filter((e: Json) => e.type === "appeared").length).toBe(2);
    const first = d.provenance[0];
    expect(first.agreement_id).toBe("al-etowah-county-sheriffs-office/jem/2016-06-08");
    expect(first.first).toMatchObject({
      file: "ParticipatingEntities-20210113002027.xlsx",
      published_at: "2021-01-13",
      row: 2,
      tier: "new",
    });
    const listed = d.provenance.reduce((a: number, r: Json) => a + r.lists, 0);
    const all = await walk(
      "/api/v1/agencies/al-etowah-county-sheriffs-office/listings?limit=100",
      (r) => `${r.snapshot_id}#${r.row}`,
    );
    // One listing row per list file for each agreement (and pending-list entry): the runs add up to the rows.
    expect(listed).toBe(all.rows.length);
    const ofAgreements = d.provenance
      .filter((r: Json) => r.agreement_id)
      .reduce((a: number, r: Json) => a + r.lists, 0);
    // Both Etowah agreements are on every list since they first appear: 285 rows up to 2026-03-27, 2 × 7 lists since.
    expect(ofAgreements).toBe(299);
    expect(ofAgreements).toBe(d.agreements.reduce((a: number, g: Json) => a + g.listings, 0));
    const pending = all.rows.filter((r) => r.application_id);
    expect(pending.length).toBe(listed - 299);
    expect(pending.every((r) => r.kind === "pending")).toBe(true);
  });

  it("agencies: as_of keeps those with an agreement listed that day; q finds any spelling", async () => {
    expect((await getJson("/api/v1/agencies?as_of=2021-01-13")).total).toBe(147);
    expect((await getJson("/api/v1/agencies")).total).toBe(1582);
    const ak = await getJson("/api/v1/agencies?q=alaska%20corrections");
    expect(ak.rows.map((r: Json) => r.agency_id)).toContain("ak-department-of-corrections");
    // The id keeps the first spelling (Mantiowoc); the corrected name finds it too.
    const renamed = await getJson("/api/v1/agencies?q=manitowoc%20sheriff");
    expect(renamed.rows.map((r: Json) => r.agency_id)).toEqual(["wi-mantiowoc-county-sheriffs-office"]);
  });

  it("snapshots: every observation with provenance; the quarantined list and its reason", async () => {
    const q = await getJson("/api/v1/snapshots?status=quarantined");
    expect(q.total).toBe(1);
    const row = q.rows[0];
    expect(row).toMatchObject({
      obs_id: "2025-04-21|am|2a49c89d7a7f4374",
      published_at: "2025-04-21",
      file: "participatingAgencies04212025am.xlsx",
      published_basis: "publication",
      status: "quarantined",
      sha256: "2a49c89d7a7f43746f1807359a0d0f9a011300bb2675897b8fc65836f5bf6467",
      row_count: 308,
    });
    expect(row.reason).toMatch(/^mass drop: 308 usable rows against 445/);
    expect(row.bytes).toBeGreaterThan(0);
    expect(row.sources[0].repo).toBe("RelevantResearch/287g-DetentionData");
    const one = await getJson("/api/v1/snapshots/2025-04-21%7Cam%7C2a49c89d7a7f4374");
    expect(one.data.rows.length).toBe(308);
    expect(one.data.snapshot.sha256).toBe(row.sha256);
    expect(JSON.stringify(one)).not.toContain("../shared");
    const bySha = await getJson(`/api/v1/snapshots/${row.sha256}`);
    expect(bySha.data.observations.map((o: Json) => o.obs_id)).toContain(row.obs_id);
    expect((await getJson("/api/v1/snapshots?kind=pending&limit=1")).total).toBeGreaterThan(0);
  });

  it("events: filters by type, state, agency, model and date", async () => {
    const sql = new Sqlite(store.file, { readonly: true });
    const n = (q: string) => (sql.prepare(q).get() as { n: number }).n;
    expect((await getJson("/api/v1/events?type=appeared")).total).toBe(1880);
    expect((await getJson("/api/v1/events?type=appeared&model=tfm")).total).toBe(
      n("select count(*) n from agreement where model='TFM'"),
    );
    expect((await getJson("/api/v1/events?type=removed&since=2025-01-01&until=2025-12-31")).total).toBe(
      n("select count(*) n from event where type='removed' and date between '2025-01-01' and '2025-12-31'"),
    );
    sql.close();
    const q = await getJson("/api/v1/events?type=list_quarantined");
    expect(q.rows[0]).toMatchObject({ date: "2025-04-21", list: "participatingAgencies04212025am.xlsx" });
    const e = await getJson("/api/v1/events?agency=al-etowah-county-sheriffs-office&limit=all");
    expect(e.rows.every((r: Json) => r.agency_id === "al-etowah-county-sheriffs-office")).toBe(true);
  });

  it("diff, review, states, stats, funnel: the CLI's figures", async () => {
    const d = await getJson("/api/v1/diff?from=2021-01-13&to=2024-12-01");
    expect(d.data.counts.from).toBe(150);
    expect(d.data.counts.to).toBe(135);
    expect((await getJson("/api/v1/review")).total).toBe(4);
    const st = await getJson("/api/v1/states?as_of=2021-01-13&limit=all");
    expect(st.rows.reduce((a: number, r: Json) => a + r.agreements, 0)).toBe(150);
    const md = await getJson("/api/v1/states/MD");
    expect(md.data.policies.some((p: Json) => p.kind === "ban")).toBe(true);
    const stats = await getJson("/api/v1/stats?by=model&as_of=2021-01-13");
    expect(Object.fromEntries(stats.rows.map((g: Json) => [g.key, g.agreements]))).toMatchObject({ JEM: 74, WSO: 76 });
    expect(stats.total).toBe(stats.rows.length);
    const f = await getJson("/api/v1/funnel");
    expect(f.data.applications.signed.count).toBe(907);
    expect(f.data.applications.dropped.count).toBe(52);
  });

  it("conflicts and claims: Maryland's nine agreements under its 2026-02-17 ban; every claim has a verdict", async () => {
    const c = await getJson("/api/v1/conflicts?state=MD");
    expect(c.data.as_of).toBe("2026-05-01");
    expect(c.data.ban_conflicts.length).toBe(9);
    expect(new Set(c.data.ban_conflicts.map((b: Json) => b.ban_effective))).toEqual(new Set(["2026-02-17"]));
    const claims = await getJson("/api/v1/claims?limit=all");
    const ids = claims.rows.map((r: Json) => r.id);
    const file = readClaimFile(path.join(ROOT, "data/claims/2026-02-news-article.yaml"));
    expect(ids).toEqual(file.claims.map((c) => c.id));
    expect(ids.length).toBeGreaterThanOrEqual(13);
    for (const r of claims.rows) expect(["supported", "close", "contradicted", "cannot_check"]).toContain(r.verdict);
    expect(claims.rows.find((r: Json) => r.id === "m").verdict).toBe("cannot_check");
    expect((await getJson("/api/v1/claims?verdict=cannot_check")).rows.map((r: Json) => r.id)).toContain("m");
    await getError("/api/v1/claims?file=no-such-file", 404);
  });
});

describe("headers, errors and the admin token", () => {
  it("security headers on every kind of response", async () => {
    for (const url of [
      "/api/v1/status",
      "/api/v1/agreements.csv?limit=1",
      "/feeds/changes.atom?limit=1",
      "/",
      "/api/v1/nothing",
    ]) {
      const r = await app.request(url);
      expect(r.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), url).toBe("strict-origin-when-cross-origin");
      expect(r.headers.get("content-security-policy"), url).toBeTruthy();
    }
    const page = await app.request("/");
    const csp = page.headers.get("content-security-policy") as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect((await app.request("/api/v1/status")).headers.get("content-security-policy")).toContain(
      "default-src 'none'",
    );
  });

  it("an internal error is a 500 in the error shape, with no stack or path", async () => {
    const s = await openStore(store.file, { readonly: true });
    const a = createApp({ store: s, webDist: null });
    await s.close();
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const e = await getError("/api/v1/status", 500, a);
      expect(e.code).toBe("internal");
      expect(JSON.stringify(e)).not.toMatch(/\.ts|at |node_modules|Kysely|driver/i);
    } finally {
      process.stderr.write = stderr;
    }
  });

  it("writes need the admin token: 401 in the error shape without it", async () => {
    const none = await app.request("/api/v1/agreements", { method: "POST" });
    expect(none.status).toBe(401);
    expect(((await none.json()) as Json).error.code).toBe("unauthorized");
    const a = createApp({ store, webDist: null, adminToken: "s3cret-token" });
    const wrong = await a.request("/api/v1/agreements", {
      method: "DELETE",
      headers: { Authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    const right = await a.request("/api/v1/agreements", {
      method: "DELETE",
      headers: { Authorization: "Bearer s3cret-token" },
    });
    expect(right.status).toBe(404);
    // The alert subscriptions are mounted under /api/v1, admin only, reads included.
    expect((await a.request("/api/v1/subscriptions")).status).toBe(401);
    const subs = await a.request("/api/v1/subscriptions", { headers: { Authorization: "Bearer s3cret-token" } });
    expect(subs.status).toBe(200);
    expect(((await subs.json()) as Json).count).toBe(0);
  });

  it("requireAdmin guards a route of its own: Bearer only, exact token", async () => {
    const { Hono } = await import("hono");
    const h = new Hono();
    h.post("/w", requireAdmin("abc"), (c) => c.text("done"));
    const call = (auth?: string) => h.request("/w", { method: "POST", headers: auth ? { Authorization: auth } : {} });
    expect((await call()).status).toBe(401);
    expect((await call("Basic abc")).status).toBe(401);
    expect((await call("Bearer ab")).status).toBe(401);
    expect((await call("Bearer abcd")).status).toBe(401);
    expect((await call("Bearer abc")).status).toBe(200);
    expect((await call("bearer abc")).status).toBe(200);
  });
});

describe("the web app and its data", () => {
  it("without a build, / says how to build it", async () => {
    const r = await app.request("/");
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("npm run build:web");
  });

  it("serves web/dist: files, index.html for client routes, 404 for missing files and for paths outside it", async () => {
    const dir = tmpDir("g287-web-");
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(
      path.join(dir, "index.html"),
      '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
    );
    fs.writeFileSync(path.join(dir, "assets/app-1.js"), "console.log(1)");
    const a = createApp({ store, webDist: dir });
    const index = await a.request("/");
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain("/assets/app-1.js");
    expect(await (await a.request("/agency/al-etowah-county-sheriffs-office")).text()).toContain("/assets/app-1.js");
    const js = await a.request("/assets/app-1.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(
      (await a.request("/assets/app-1.js", { headers: { "If-None-Match": js.headers.get("etag") as string } })).status,
    ).toBe(304);
    expect((await a.request("/assets/nope.js")).status).toBe(404);
    expect((await a.request("/%2e%2e/package.json")).status).toBe(404);
    expect((await a.request("/..%2fpackage.json")).status).toBe(404);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("mounts the web app's data files at /data", async () => {
    const r = await app.request("/data/summary.json");
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).latest_list).toBe("2026-05-01");
  });
});

describe("the cache behind it", () => {
  it("one computation for concurrent askers; a new version clears; failures are not kept; bytes are bounded", async () => {
    let runs = 0;
    const c = new VersionedCache<string>(10, { maxBytes: 10, sizeOf: (v) => v.length });
    const slow = () =>
      new Promise<string>((r) => {
        runs++;
        setTimeout(() => r("abcd"), 5);
      });
    const all = await Promise.all([c.get("v1", "k", slow), c.get("v1", "k", slow), c.get("v1", "k", slow)]);
    expect(all).toEqual(["abcd", "abcd", "abcd"]);
    expect(runs).toBe(1);
    expect(c.peek("v1", "k")).toBe("abcd");
    expect(c.peek("v2", "k")).toBeUndefined();
    await c.get("v2", "k", slow);
    expect(runs).toBe(2);
    await expect(c.get("v2", "bad", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await c.get("v2", "bad", async () => "ok")).toBe("ok");
    // 4 + 2 bytes so far; two more 4-byte entries push the oldest out.
    await c.get("v2", "a", async () => "1234");
    await c.get("v2", "b", async () => "5678");
    expect(c.peek("v2", "k")).toBeUndefined();
    expect(c.peek("v2", "b")).toBe("5678");
  });
});

describe("g287 serve", () => {
  it("prints its URL, answers, and closes cleanly on SIGINT", async () => {
    const child = spawn(BIN, ["--db", store.file, "--json", "serve", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${url}api/v1/agreements?as_of=2021-01-13&limit=1`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).total).toBe(150);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(stderr).toBe("");
  });

  it("a port in use is a one-line error, exit 1", async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = cli(["--db", store.file, "serve", "--port", String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`g287: port ${port} on 127.0.0.1 is in use: pass --port with another`);
      const bad = cli(["--db", store.file, "serve", "--port", "99999"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--port");
    } finally {
      blocker.close();
    }
  });
});

describe("a new list changes the answers", () => {
  it("an ingest moves the ledger version: new bodies, new ETags, the old tag no longer 304s", async () => {
    const file = copyArchiveDb();
    const s = await openStore(file);
    try {
      const a = createApp({ store: s, webDist: null, versionTtlMs: 0 });
      const before = await a.request("/api/v1/agreements?state=TX&limit=all");
      const tag = before.headers.get("etag") as string;
      const b = (await before.json()) as Json;
      // The latest list again, a week later, with one Texas agency added.
      expect(b.latest_list).toBe("2026-05-01");
      const rows = readList("participating_2026-05-01.xlsx");
      const header = rows[0] as string[];
      const extra: unknown[] = header.map(() => null);
      extra[header.indexOf("STATE")] = "TEXAS";
      extra[header.indexOf("LAW ENFORCEMENT AGENCY")] = "Cache Test County Sheriff's Office";
      extra[header.indexOf("SUPPORT TYPE")] = "Task Force Model";
      extra[header.indexOf("SIGNED")] = 46100;
      const list = writeXlsx(path.join(path.dirname(file), "participatingAgencies05082026am.xlsx"), [...rows, extra]);
      const sum = await ingest(s, [list]);
      expect(sum.applied).toBe(1);
      const after = await a.request("/api/v1/agreements?state=TX&limit=all");
      const x = (await after.json()) as Json;
      expect(x.total).toBe(b.total + 1);
      expect(x.latest_list).toBe("2026-05-08");
      expect(after.headers.get("etag")).not.toBe(tag);
      const stale = await a.request("/api/v1/agreements?state=TX&limit=all", { headers: { "If-None-Match": tag } });
      expect(stale.status).toBe(200);
    } finally {
      await s.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
