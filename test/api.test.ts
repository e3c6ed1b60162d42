// The HTTP API's resources in-process (app.request) on the real archive ledger: the envelope, as_of
// rosters, keyset pages, CSV twins, every resource and what it says (api-http.test.ts: the HTTP side).
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClaimFile } from "../src/analysis/claim-file.js";
import { roster } from "../src/analysis/queries.js";
import { AGENCY_COLUMNS, AGREEMENT_COLUMNS } from "../src/domain/columns.js";
import { RESOURCES } from "../src/server/api/index.js";
import { createApp } from "../src/server/app.js";
import { openStore, type Store } from "../src/store/db.js";
import { type App, apiHelpers, type Json, openArchiveApp, parseCsv } from "./api-helpers.js";
import { copyArchiveDb, ROOT } from "./helpers.js";

let store: Store;
let app: App;
const { getJson, getError, walk } = apiHelpers(() => app);

beforeAll(async () => {
  ({ store, app } = await openArchiveApp());
});
afterAll(() => store.close());

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
