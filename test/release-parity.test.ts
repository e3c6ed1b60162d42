// A ledger loaded from the release bundle answers exactly as the replay it was exported from: every
// API resource (every page, every agency, every list file), every web data file, the feed and the
// CLI, compared body for body between the replayed archive and a store loaded from its export.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRelease, writeRelease } from "../src/pipeline/release.js";
import { RESOURCES } from "../src/server/api/index.js";
import { createApp } from "../src/server/app.js";
import { dataPaths } from "../src/server/pages/index.js";
import { openStore, type Store } from "../src/store/db.js";
import { archiveDbPath, cli, openArchive, tmpDir } from "./helpers.js";

type App = ReturnType<typeof createApp>;

// Nothing served is exempt: the loaded store keeps the replay's ledger version (so the `source`
// block, ETags and feed ids agree too). The stored differences are never served: snapshot.location
// (the exporting machine's path to each file), the list bytes (blob) and raw cells (snapshot_rows),
// which only a replay reads. The CLI's `status --json` names its store file, so `db` is set aside.

let replayed: Store;
let loaded: Store;
let loadedDb: string;
let a: App;
let b: App;

beforeAll(async () => {
  replayed = await openArchive();
  const bundle = tmpDir("g287-parity-bundle-");
  await writeRelease(replayed, bundle);
  loadedDb = path.join(tmpDir(), "loaded.db");
  loaded = await openStore(loadedDb);
  await loadRelease(loaded, bundle);
  a = createApp({ store: replayed, webDist: null });
  b = createApp({ store: loaded, webDist: null });
}, 300_000);

afterAll(async () => {
  await replayed?.close();
  await loaded?.close();
});

/** The same request to both apps: status, type, ETag and body must agree. Returns the body. */
async function same(url: string): Promise<string> {
  const [ra, rb] = [await a.request(url), await b.request(url)];
  const [ta, tb] = [await ra.text(), await rb.text()];
  expect(ra.status, `${url}: ${ta.slice(0, 200)}`).toBe(200);
  expect(rb.status, url).toBe(ra.status);
  expect(rb.headers.get("content-type"), url).toBe(ra.headers.get("content-type"));
  if (tb !== ta) {
    // Parsed, so a failure shows the differing field rather than two long strings.
    if (ra.headers.get("content-type")?.startsWith("application/json"))
      expect(JSON.parse(tb), url).toEqual(JSON.parse(ta));
    expect(tb, url).toBe(ta);
  }
  expect(rb.headers.get("etag"), url).toBe(ra.headers.get("etag"));
  return ta;
}

async function json<T = Record<string, unknown>>(app: App, url: string): Promise<T> {
  const r = await app.request(url);
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
}

const byPath = (p: string) => {
  const r = RESOURCES.find((x) => x.path === p);
  if (!r) throw new Error(`no resource ${p}`);
  return r;
};

describe("a store loaded from the release bundle", () => {
  it("has the replay's ledger version and status", async () => {
    const [sa, sb] = [await json(a, "/api/v1/status"), await json(b, "/api/v1/status")];
    expect(sb).toEqual(sa);
    expect(JSON.stringify(sa)).toContain("ledger_version");
  });

  it("answers every list resource under /api/v1 the same, as JSON (every row) and CSV", async () => {
    let checked = 0;
    for (const r of RESOURCES) {
      if (r.kind !== "list" || r.path.includes("{")) continue;
      const required = Object.entries(r.query).filter(([, s]) => !s.safeParse(undefined).success);
      // moa/search needs a query; the others take none.
      const q = required.length ? `&${required.map(([k]) => `${k}=sheriff`).join("&")}` : "";
      const body = JSON.parse(await same(`/api/v1${r.path}.json?limit=all${q}`));
      expect(body.count, r.path).toBe(body.total);
      await same(`/api/v1${r.path}.csv?${q.slice(1)}`);
      checked++;
    }
    expect(checked).toBe(RESOURCES.filter((r) => r.kind === "list" && !r.path.includes("{")).length);
  });

  it("answers the same on past dates (as_of) wherever a resource takes one", async () => {
    const dates = ["2021-06-30", "2024-12-01", "2025-04-21", "2025-09-22"];
    let checked = 0;
    for (const r of RESOURCES) {
      if (r.path.includes("{") || !("as_of" in r.query)) continue;
      for (const d of dates) await same(`/api/v1${r.path}.json?as_of=${d}${r.kind === "list" ? "&limit=all" : ""}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it("answers the item resources the same: status, funnel, conflicts, lookups, diffs, every state", async () => {
    // Items that need a question are asked real ones (diff is asked below, between real list dates).
    const asked: Record<string, string[]> = {
      "/diff": [],
      "/lookup": ["q=Tampa%2C%20FL", "q=33602", "q=Harris%20County%2C%20TX", "lat=27.95&lon=-82.46"],
    };
    for (const r of RESOURCES) {
      if (r.kind !== "item" || r.path.includes("{")) continue;
      for (const q of asked[r.path] ?? [""]) {
        await same(`/api/v1${r.path}.json?${q}`);
        await same(`/api/v1${r.path}.csv?${q}`);
      }
    }
    const lists = (
      await json<{ rows: { published_at: string; kind: string; status: string }[] }>(
        a,
        "/api/v1/snapshots.json?limit=all&kind=participating&status=applied",
      )
    ).rows.map((s) => s.published_at);
    const [first, last] = [lists[0] as string, lists[lists.length - 1] as string];
    const mid = lists[Math.floor(lists.length / 2)] as string;
    for (const [from, to] of [
      [first, last],
      [first, mid],
      [mid, last],
      [lists[lists.length - 2] as string, last],
    ])
      await same(`/api/v1/diff.json?from=${from}&to=${to}`);
    byPath("/states/{state}");
    const states = (await json<{ rows: { state: string }[] }>(a, "/api/v1/states.json?limit=all")).rows;
    expect(states.length).toBeGreaterThan(50);
    for (const s of states) await same(`/api/v1/states/${s.state}.json`);
  });

  it("answers /agencies/{id} and /agencies/{id}/listings the same for every agency", async () => {
    byPath("/agencies/{id}");
    byPath("/agencies/{id}/listings");
    const agencies = (await json<{ rows: { agency_id: string }[] }>(a, "/api/v1/agencies.json?limit=all")).rows;
    expect(agencies.length).toBeGreaterThan(1000);
    let rows = 0;
    for (const { agency_id } of agencies) {
      const id = encodeURIComponent(agency_id);
      await same(`/api/v1/agencies/${id}.json`);
      const l = JSON.parse(await same(`/api/v1/agencies/${id}/listings.json?limit=all`));
      rows += l.total;
    }
    // Every agreement and pending-list row of every list is some agency's.
    expect(rows).toBeGreaterThan(100_000);
  }, 600_000);

  it("answers /snapshots/{id} the same for every list file, rows included", async () => {
    byPath("/snapshots/{id}");
    const snaps = (await json<{ rows: { sha256: string }[] }>(a, "/api/v1/snapshots.json?limit=all")).rows;
    const ids = [...new Set(snaps.map((s) => s.sha256))];
    expect(ids.length).toBeGreaterThan(400);
    for (const id of ids) await same(`/api/v1/snapshots/${id}.json`);
  }, 600_000);

  it("serves every web data file the same (methodology, summary, each state and agency)", async () => {
    const [pa, pb] = [await dataPaths(replayed), await dataPaths(loaded)];
    expect(pb).toEqual(pa);
    for (const p of pa) await same(`/${p}`);
    const m = JSON.parse(await same("/data/methodology.json"));
    // The tables that came up empty before the bundle carried the list rows and corrections.
    expect(m.identity_tiers.length).toBeGreaterThan(1);
    expect(m.corrections.length).toBeGreaterThan(0);
  }, 600_000);

  it("serves the same feeds and OpenAPI document", async () => {
    await same("/feeds/changes.atom");
    await same("/feeds/changes.atom?state=TX");
    await same("/feeds/changes.atom?model=TFM");
    await same("/api/openapi.json");
  });

  it("reads Tampa Police Department on as many lists as the replay does", async () => {
    const hits = (
      await json<{ rows: { agency_id: string; name: string }[] }>(b, "/api/v1/agencies.json?limit=all&q=tampa%20police")
    ).rows;
    const tampa = hits.find((h) => /^fl-tampa-police/.test(h.agency_id));
    expect(tampa, JSON.stringify(hits)).toBeDefined();
    const file = `/data/agency/${tampa?.agency_id}.json`;
    type AgencyFile = { agreements: { listings: number }[] };
    const lists = (f: AgencyFile) => Math.max(...f.agreements.map((g) => g.listings));
    const [fa, fb] = [await json<AgencyFile>(a, file), await json<AgencyFile>(b, file)];
    expect(lists(fb)).toBe(lists(fa));
    expect(lists(fb)).toBeGreaterThan(200);
    // The same figure from the list rows themselves: distinct lists with a row resolved to Tampa.
    const l = await json<{ rows: { snapshot_id: string; agreement_id: string | null }[] }>(
      b,
      `/api/v1/agencies/${tampa?.agency_id}/listings.json?limit=all`,
    );
    const perAgreement = new Map<string, Set<string>>();
    for (const r of l.rows) {
      if (!r.agreement_id) continue;
      const s = perAgreement.get(r.agreement_id) ?? new Set();
      s.add(r.snapshot_id);
      perAgreement.set(r.agreement_id, s);
    }
    expect(Math.max(...[...perAgreement.values()].map((s) => s.size))).toBe(lists(fb));
  });

  it("gives the same CLI answers: status, agency, review", () => {
    for (const args of [
      ["--json", "status"],
      ["--json", "agency", "tampa police"],
      ["--json", "review"],
      ["agency", "tampa police"],
    ]) {
      const ra = cli(["--db", archiveDbPath(), ...args]);
      const rb = cli(["--db", loadedDb, ...args]);
      expect(ra.status, `${args.join(" ")}: ${ra.stderr}`).toBe(0);
      expect(rb.stderr, args.join(" ")).toBe(ra.stderr);
      // `status --json` names the store file it read: the one field that differs by design.
      const out = (s: string) => (args[1] === "status" ? JSON.stringify({ ...JSON.parse(s), db: "(store)" }) : s);
      expect(out(rb.stdout), args.join(" ")).toBe(out(ra.stdout));
    }
  });

  it("holds every list row, correction and review item of the replay", async () => {
    for (const t of ["listing", "correction", "review"] as const) {
      const n = async (s: Store) =>
        Number((await s.db.selectFrom(t).select(s.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
      const [na, nb] = [await n(replayed), await n(loaded)];
      expect(nb, t).toBe(na);
      expect(na, t).toBeGreaterThan(0);
    }
  });
});
