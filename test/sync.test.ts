// `g287 sync` against a local server imitating ICE: links that move between runs, real workbooks
// copied from ../shared/data/ice at test time, conditional requests, a block page served with 200,
// a 404, a reply too slow for the timeout, truncated bodies, and a mirror. Every failure leaves the
// archive folder and the store byte-for-byte as they were. Nothing here touches the internet.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatasetName, dataset } from "../src/analysis/datasets.js";
import { roster } from "../src/analysis/queries.js";
import { toCsv } from "../src/domain/csv.js";
import { agencyKey } from "../src/normalize/agency-key.js";
import { loadCorrections } from "../src/normalize/corrections.js";
import { normalizeRows } from "../src/normalize/row.js";
import { ingest } from "../src/pipeline/ingest.js";
import { dateDownload, type SyncOptions, type SyncSummary, sync } from "../src/pipeline/sync.js";
import { parseDuration, resolveSettings, SyncConfigFile } from "../src/pipeline/sync-config.js";
import { nextDelay, watch } from "../src/pipeline/watch.js";
import { readSheet } from "../src/sheets/read-sheet.js";
import { backoffDelay, parseRetryAfter } from "../src/sources/fetch.js";
import { findListLinks } from "../src/sources/ice-page.js";
import { openStore } from "../src/store/db.js";
import { BLOCK_PAGE, cliAsync, FakeIce, hashDir, icePage, workbook } from "./fake-ice.js";
import { ARCHIVE, copyArchiveDb, readList, storeFingerprint, tmpDir, writeXlsx } from "./helpers.js";

const real = (name: string) => {
  const f = path.join(ARCHIVE, name);
  if (!fs.existsSync(f)) throw new Error(`the real list ${f} is missing (../shared/data/ice)`);
  return new Uint8Array(fs.readFileSync(f));
};

const ice = new FakeIce();
const sleeps: number[] = [];
const work = tmpDir("g287-sync-");

// A list newer than any in the archive: the real 2026-05-01 rows plus one agreement signed 2026-05-03.
const latest = readList("participating_2026-05-01.xlsx");
const header = latest[0] as unknown[];
const body = latest.slice(1).filter((r) => r.some((c) => c !== null && c !== ""));
const col = (name: string) => header.findIndex((h) => String(h).trim() === name);
function newerList(agency: string, file: string): Uint8Array {
  const extra: unknown[] = header.map(() => null);
  extra[col("STATE")] = "TEXAS";
  extra[col("LAW ENFORCEMENT AGENCY")] = agency;
  extra[col("TYPE")] = "County";
  extra[col("SUPPORT TYPE")] = "Task Force Model";
  extra[col("SIGNED")] = 46145; // 2026-05-03
  return new Uint8Array(fs.readFileSync(writeXlsx(path.join(work, file), [header, ...body, extra])));
}

/** Distinct agreements (state, agency, model, signed date) straight from a list's rows. */
function agreementsIn(bytes: Uint8Array): number {
  const rows = normalizeRows(readSheet(bytes, "list.xlsx"), loadCorrections());
  return new Set(rows.map((r) => `${r.state}|${agencyKey(r.agency ?? "")}|${r.model}|${r.signedOn}`)).size;
}

function options(archiveDir: string, extra: Partial<SyncOptions> = {}): SyncOptions {
  const s = resolveSettings(null, { url: ice.url("/identify-and-arrest/287g"), archive: archiveDir }, {});
  return {
    ...s,
    archiveDir,
    http: {
      ...s.http,
      connectTimeoutMs: 2000,
      readTimeoutMs: 1500,
      retries: 2,
      backoffBaseMs: 100,
      backoffMaxMs: 1000,
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  };
}

async function run(db: string, archiveDir: string, extra: Partial<SyncOptions> = {}): Promise<SyncSummary> {
  const store = await openStore(db);
  try {
    return await sync(store, options(archiveDir, extra));
  } finally {
    await store.close();
  }
}

/** A dataset as `g287 export` writes it, read in-process. */
async function exported(db: string, what: DatasetName): Promise<string> {
  const store = await openStore(db, { readonly: true });
  try {
    const d = await dataset(store.db, what);
    return toCsv(d.columns, d.rows);
  } finally {
    await store.close();
  }
}

async function ingestInto(db: string, dir: string): Promise<void> {
  const store = await openStore(db);
  try {
    await ingest(store, [dir]);
  } finally {
    await store.close();
  }
}

const PAGE = "/identify-and-arrest/287g";
const OLD = "/doclib/about/offices/ero/287g";

beforeAll(async () => {
  await ice.start();
});
afterAll(async () => {
  await ice.stop();
});

describe("sync into a copy of the archive ledger", () => {
  let db: string;
  let archive: string;
  beforeAll(() => {
    db = copyArchiveDb();
    archive = path.join(tmpDir("g287-sync-archive-"), "lists");
  });

  it("keeps the lists the ledger already has, and says nothing new (exit 3)", async () => {
    ice.clear();
    ice.set(PAGE, {
      body: icePage({
        participating: `${OLD}/participatingAgencies03272026am.xlsx`,
        pending: `${OLD}/pendingAgencies02272026am.xlsx`,
      }),
    });
    ice.set(`${OLD}/participatingAgencies03272026am.xlsx`, workbook(real("participating_2026-03-27.xlsx")));
    ice.set(`${OLD}/pendingAgencies02272026am.xlsx`, workbook(real("pending_2026-02-27.xlsx")));
    const before = await storeFingerprint(db);
    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s).toMatchObject({ outcome: "nothing_new", exitCode: 3, archive: { files: 2, sightings: 2, fetches: 2 } });
    expect(s.files.map((f) => [f.kind, f.status, f.originalFilename, f.rows, f.publishedAt, f.publishedBasis])).toEqual(
      [
        ["participating", "new", "participatingAgencies03272026am.xlsx", 1560, "2026-03-27", "filename"],
        ["pending", "new", "pendingAgencies02272026am.xlsx", 2, "2026-02-27", "filename"],
      ],
    );
    expect(s.files[0]?.sha256).toBe("c291c4bb6cefc291dd5cc3cfc62ac47591ba702e5ad79504355659e8d26f77e8");
    expect(s.ingest).toMatchObject({ mode: "nothing_new", newObservations: 0 });
    expect(await storeFingerprint(db)).toBe(before);
    // A browser's headers, not a script's.
    const req = ice.requests(`${OLD}/participatingAgencies03272026am.xlsx`)[0];
    expect(req?.headers["user-agent"]).toMatch(/^Mozilla\/5\.0 .*Chrome\/\d+/);
    expect(req?.headers.accept).toMatch(/spreadsheetml/);
    expect(req?.headers.referer).toBe(ice.url(PAGE));
    expect(req?.headers["if-none-match"]).toBeUndefined();
  });

  it("writes an archive folder that `g287 ingest` replays: bytes by sha256, MANIFEST, SIGHTINGS, FETCHES", async () => {
    const lists = fs.readdirSync(path.join(archive, "lists")).sort();
    expect(lists).toEqual([
      "4c0fc44c608a9770250ee09b88278eb7cfc48f573b0e5859e20fbd9950d9501f.xlsx",
      "c291c4bb6cefc291dd5cc3cfc62ac47591ba702e5ad79504355659e8d26f77e8.xlsx",
    ]);
    const fetches = fs.readFileSync(path.join(archive, "FETCHES.csv"), "utf8").trim().split("\n");
    expect(fetches[0]).toBe(
      "retrieved_at,url,original_filename,http_status,etag,last_modified,content_type,sha256,bytes,kind,link_kind,rows,published_at,published_basis,stated_date,file,via,new_file,rejected",
    );
    expect(fetches[1]).toContain(
      `,${ice.url(`${OLD}/participatingAgencies03272026am.xlsx`)},participatingAgencies03272026am.xlsx,200,`,
    );
    expect(fs.readFileSync(path.join(archive, "SIGHTINGS.csv"), "utf8")).toContain(
      "2026-03-27,am,participating,lists/c291c4bb6cefc291dd5cc3cfc62ac47591ba702e5ad79504355659e8d26f77e8.xlsx,ice_filename,participatingAgencies03272026am.xlsx,participating,http://",
    );
    // Into an empty ledger the folder gives the same 2026-03-27 roster as the full archive.
    const fresh = path.join(tmpDir(), "from-sync-archive.db");
    const store = await openStore(fresh);
    const r = await ingest(store, [archive]);
    expect(r).toMatchObject({ newSnapshots: 2, applied: 2 });
    expect((await roster(store.db, { asOf: "2026-03-27" })).length).toBe(
      agreementsIn(real("participating_2026-03-27.xlsx")),
    );
    const obs = await store.db
      .selectFrom("observation")
      .select(["basis_detail", "provenance"])
      .orderBy("date")
      .execute();
    expect(obs.map((o) => JSON.parse(o.provenance))).toEqual([
      [{ location: ice.url(`${OLD}/pendingAgencies02272026am.xlsx`) }],
      [{ location: ice.url(`${OLD}/participatingAgencies03272026am.xlsx`) }],
    ]);
    await store.close();
  });

  it("finds the links after they move, ingests the new list incrementally (exit 0) and names its events", async () => {
    ice.clear();
    const NEW = "/sites/default/files/documents/287g/2026-05";
    ice.set(PAGE, {
      body: icePage({
        participating: `${NEW}/participatingAgencies05042026am.xlsx`,
        pending: `${NEW}/pendingAgencies05042026am.xlsx`,
        style: "text",
      }),
    });
    ice.set(
      `${NEW}/participatingAgencies05042026am.xlsx`,
      workbook(newerList("Example County Sheriff's Office", "p0401.xlsx")),
    );
    ice.set(`${NEW}/pendingAgencies05042026am.xlsx`, workbook(real("pending_2026-02-27.xlsx")));
    const before = await openStore(db, { readonly: true });
    const maxSeq = Number(
      (await before.db.selectFrom("event").select(before.db.fn.max("seq").as("m")).executeTakeFirstOrThrow()).m,
    );
    await before.close();

    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, archive: { files: 1, sightings: 2, fetches: 2 } });
    expect(s.page?.participating).toBe(ice.url(`${NEW}/participatingAgencies05042026am.xlsx`));
    expect(s.files.map((f) => [f.kind, f.status, f.rows, f.publishedAt])).toEqual([
      ["participating", "new", body.length + 1, "2026-05-04"],
      ["pending", "known", 2, "2026-05-04"],
    ]);
    expect(s.ingest).toMatchObject({ mode: "incremental", newObservations: 2, newSnapshots: 1, applied: 2 });
    expect(s.events?.from).toBe(maxSeq + 1);
    expect(s.events?.renumbered).toBe(false);

    const store = await openStore(db, { readonly: true });
    expect((await roster(store.db, { asOf: "2026-05-04" })).length).toBe(
      agreementsIn(real("participating_2026-05-01.xlsx")) + 1,
    );
    const added = await store.db
      .selectFrom("event")
      .select(["seq", "type", "agreement_id"])
      .where("seq", ">", maxSeq)
      .orderBy("seq")
      .execute();
    expect(added.length).toBe(s.events?.count);
    expect(added.at(-1)?.seq).toBe(s.events?.to);
    expect(added.filter((e) => e.type === "appeared").map((e) => e.agreement_id)).toEqual([
      "tx-example-county-sheriffs-office/tfm/2026-05-03",
    ]);
    await store.close();
  });

  it("asks again with If-None-Match; a 304 is nothing new (exit 3) and changes nothing", async () => {
    const NEW = "/sites/default/files/documents/287g/2026-05";
    const archiveBefore = hashDir(archive);
    const storeBefore = await storeFingerprint(db);
    ice.seen.length = 0;
    const s = await run(db, archive);
    expect(s).toMatchObject({ outcome: "nothing_new", exitCode: 3 });
    expect(s.files.map((f) => [f.kind, f.status, f.httpStatus])).toEqual([
      ["participating", "not_modified", 304],
      ["pending", "not_modified", 304],
    ]);
    expect(ice.requests(`${NEW}/participatingAgencies05042026am.xlsx`)[0]?.headers["if-none-match"]).toMatch(
      /^"[0-9a-f]{16}"$/,
    );
    expect(hashDir(archive)).toBe(archiveBefore);
    expect(await storeFingerprint(db)).toBe(storeBefore);
  });

  describe("failures: exit 1, a clear message, archive and store unchanged", () => {
    const NEXT = "/sites/default/files/2026-04-02";
    const P = `${NEXT}/participatingAgencies04022026am.xlsx`;
    const Q = `${NEXT}/pendingAgencies04022026am.xlsx`;
    const good = () => workbook(newerList("Other County Sheriff's Office", "p0402.xlsx"));
    const cases: [string, () => void, RegExp, (() => void)?][] = [
      [
        "an HTML block page served with status 200",
        () => ice.set(P, { body: BLOCK_PAGE, headers: { "content-type": "text/html" } }),
        /participatingAgencies04022026am\.xlsx: the server sent an HTML page \(titled "Access Denied", reference 18\.5c0f3417\.1775000000\.1a2b3c\) instead of the workbook: probably a firewall block or error page; nothing was kept$/,
      ],
      [
        "a block page sent as an octet stream",
        () =>
          ice.set(P, {
            body: "\n\n<!DOCTYPE html><html><title>Request Rejected</title></html>",
            headers: { "content-type": "application/octet-stream" },
          }),
        /the server sent an HTML page \(titled "Request Rejected"\)/,
      ],
      [
        "a 404",
        () => ice.set(P, { status: 404, body: "gone" }),
        /participatingAgencies04022026am\.xlsx: HTTP 404 Not Found$/,
        () => expect(ice.requests(P)).toHaveLength(1),
      ],
      [
        "a 403 from the firewall is not retried",
        () => ice.set(P, { status: 403, body: BLOCK_PAGE }),
        /HTTP 403 Forbidden$/,
        () => expect(ice.requests(P)).toHaveLength(1),
      ],
      [
        "a reply slower than the read timeout, retried with backoff",
        () => ice.set(P, { ...good(), delayMs: 6000 }),
        /participatingAgencies04022026am\.xlsx: no data for 1500 ms \(read timeout\) \(after 3 attempts\)$/,
        () => {
          expect(ice.requests(P)).toHaveLength(3);
          expect(sleeps).toEqual([75, 150]);
        },
      ],
      [
        "a 503 on every attempt",
        () => ice.set(P, { status: 503, body: "busy" }),
        /HTTP 503 Service Unavailable \(after 3 attempts\)$/,
        () => expect(ice.requests(P)).toHaveLength(3),
      ],
      [
        "a body cut off before its Content-Length",
        () => ice.set(P, { ...good(), cutAt: 60_000 }),
        /body cut off after 60000 bytes of \d+ \(/,
      ],
      [
        "a complete reply holding a truncated workbook",
        () => {
          const g = good();
          ice.set(P, { ...g, body: (g.body as Uint8Array).subarray(0, 90_000) });
        },
        /truncated or damaged xlsx \(90000 bytes of 90000 declared\): no end-of-central-directory record \(the download was cut short\); nothing was kept$/,
      ],
      [
        "a body over the size limit, cut off while it streams",
        () => ice.set(P, { ...good(), chunked: true }),
        // Cut off within one 16 KB chunk of the limit, long before the body (over 200 KB) ends.
        /response larger than the 100000-byte limit \((10\d{4}|11[0-6]\d{3}) bytes or more\)$/,
      ],
      [
        "the page without its links (it changed, or a block page came instead)",
        () => ice.set(PAGE, { body: BLOCK_PAGE }),
        /287g: found no link to the participating agencies workbook \(page titled "Access Denied", 0 spreadsheet link\(s\)\): the page changed or the request was blocked$/,
      ],
      [
        "the page itself answering 500",
        () => ice.set(PAGE, { status: 500 }),
        /287g: HTTP 500 Internal Server Error \(after 3 attempts\)$/,
      ],
      [
        "a good participating list with a failed pending list keeps neither",
        () => {
          ice.set(P, good());
          ice.set(Q, { status: 404 });
        },
        /pendingAgencies04022026am\.xlsx: HTTP 404 Not Found$/,
      ],
    ];

    for (const [what, arrange, error, more] of cases) {
      it(what, async () => {
        ice.clear();
        sleeps.length = 0;
        ice.set(PAGE, { body: icePage({ participating: P, pending: Q }) });
        ice.set(Q, workbook(real("pending_2026-02-27.xlsx")));
        arrange();
        const archiveBefore = hashDir(archive);
        const storeBefore = await storeFingerprint(db);
        const s = await run(db, archive, what.includes("size limit") ? { maxListBytes: 100_000 } : {});
        expect(s.outcome).toBe("failed");
        expect(s.exitCode).toBe(1);
        expect(s.error).toMatch(error);
        expect(s.ingest).toBeNull();
        expect(hashDir(archive)).toBe(archiveBefore);
        expect(await storeFingerprint(db)).toBe(storeBefore);
        more?.();
      });
    }
  });

  it("retries a 503 and a 429 with backoff, then takes the list", async () => {
    ice.clear();
    sleeps.length = 0;
    const P = "/sites/default/files/2026-05-06/participatingAgencies05062026am.xlsx";
    ice.set(PAGE, { body: icePage({ participating: P }) });
    ice.set(P, [
      { status: 503 },
      { status: 429, headers: { "retry-after": "0" } },
      workbook(newerList("Third County Sheriff's Office", "p0403.xlsx")),
    ]);
    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s).toMatchObject({ outcome: "new", exitCode: 0 });
    expect(ice.requests(P)).toHaveLength(3);
    expect(sleeps).toEqual([75, 150]);
    expect(s.warnings).toEqual([
      `${ice.url(PAGE)}: no pending-agencies workbook linked (ICE has published none since 2026-02-27)`,
    ]);
  });
});

describe("sync into an empty store", () => {
  const db = path.join(tmpDir(), "empty.db");
  const archive = tmpDir("g287-sync-empty-");
  const byIngest = path.join(tmpDir(), "by-ingest.db");
  const named = tmpDir("g287-named-");
  const keep = (name: string, from: string) => fs.copyFileSync(path.join(ARCHIVE, from), path.join(named, name));

  it("builds the ledger from ICE's current lists (exit 0)", async () => {
    ice.clear();
    ice.set(PAGE, {
      body: icePage({
        participating: `${OLD}/participatingAgencies03232026am.xlsx`,
        pending: `${OLD}/pendingAgencies02272026am.xlsx`,
      }),
    });
    ice.set(`${OLD}/participatingAgencies03232026am.xlsx`, workbook(real("participating_2026-03-23.xlsx")));
    ice.set(`${OLD}/pendingAgencies02272026am.xlsx`, workbook(real("pending_2026-02-27.xlsx")));
    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, ingest: { newObservations: 2, applied: 2 } });
    const store = await openStore(db, { readonly: true });
    expect((await roster(store.db, { asOf: "2026-03-23" })).length).toBe(
      agreementsIn(real("participating_2026-03-23.xlsx")),
    );
    await store.close();
  });

  it("follows moved links to the next list, and equals a plain ingest of the same files", async () => {
    ice.clear();
    const NEW = "/sites/default/files/2026-03/287g";
    ice.set(PAGE, { body: icePage({ participating: `${NEW}/participatingAgencies03272026am.xlsx` }) });
    ice.set(`${NEW}/participatingAgencies03272026am.xlsx`, workbook(real("participating_2026-03-27.xlsx")));
    const s = await run(db, archive);
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, ingest: { mode: "incremental", newObservations: 1 } });

    keep("participatingAgencies03232026am.xlsx", "participating_2026-03-23.xlsx");
    keep("pendingAgencies02272026am.xlsx", "pending_2026-02-27.xlsx");
    keep("participatingAgencies03272026am.xlsx", "participating_2026-03-27.xlsx");
    await ingestInto(byIngest, named);
    for (const what of ["agreements", "events", "applications"] as const) {
      const a = await exported(db, what);
      expect(a.length).toBeGreaterThan(100);
      expect(a, what).toBe(await exported(byIngest, what));
    }
  });

  it("fills a gap from a mirror (a public archive folder), replaying the older list in its place", async () => {
    // The mirror holds three lists of the real archive, in its own layout; one file is damaged.
    const files = ["participating_2026-03-20.xlsx", "participating_2026-03-23.xlsx", "participating_2026-03-16.xlsx"];
    const csv = (name: string) => fs.readFileSync(path.join(ARCHIVE, name), "utf8").split("\n");
    const pick = (lines: string[], col: number) =>
      [lines[0], ...lines.slice(1).filter((l) => files.includes(l.split(",")[col] ?? ""))].join("\n");
    ice.clear();
    ice.set(PAGE, {
      body: icePage({ participating: "/sites/default/files/2026-03/287g/participatingAgencies03272026am.xlsx" }),
    });
    ice.set(
      "/sites/default/files/2026-03/287g/participatingAgencies03272026am.xlsx",
      workbook(real("participating_2026-03-27.xlsx")),
    );
    ice.set("/mirror/287g/MANIFEST.csv", {
      body: pick(csv("MANIFEST.csv"), 0),
      headers: { "content-type": "text/csv" },
    });
    ice.set("/mirror/287g/SIGHTINGS.csv", {
      body: pick(csv("SIGHTINGS.csv"), 3),
      headers: { "content-type": "text/csv" },
    });
    ice.set("/mirror/287g/participating_2026-03-20.xlsx", workbook(real("participating_2026-03-20.xlsx")));
    ice.set("/mirror/287g/participating_2026-03-23.xlsx", workbook(real("participating_2026-03-23.xlsx")));
    ice.set(
      "/mirror/287g/participating_2026-03-16.xlsx",
      workbook(real("participating_2026-03-16.xlsx").subarray(0, 50_000)),
    );
    ice.set("/gone/MANIFEST.csv", { status: 404 });

    const s = await run(db, archive, {
      mirrors: [
        { url: ice.url("/mirror/287g"), maxFiles: 10 },
        { url: ice.url("/gone/"), maxFiles: 10 },
      ],
    });
    expect(s.error).toBeNull();
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, ingest: { mode: "rebuild", newObservations: 1 } });
    expect(s.mirrors).toEqual([
      { url: ice.url("/mirror/287g"), files: 1, gaps: 2, error: null },
      { url: ice.url("/gone/"), files: 0, gaps: 0, error: `${ice.url("/gone/MANIFEST.csv")}: HTTP 404 Not Found` },
    ]);
    expect(
      s.files.filter((f) => f.via === "mirror").map((f) => [f.originalFilename, f.publishedAt, f.publishedBasis]),
    ).toEqual([["participatingAgencies03202026pm.xlsx", "2026-03-20", "mirror:ice_filename"]]);
    expect(
      s.warnings.some((w) =>
        /participating_2026-03-16\.xlsx: .*sha256 .* does not match the mirror's manifest/.test(w),
      ),
    ).toBe(true);
    expect(s.events?.renumbered).toBe(true);

    keep("participatingAgencies03202026pm.xlsx", "participating_2026-03-20.xlsx");
    await ingestInto(byIngest, named);
    for (const what of ["agreements", "events"] as const)
      expect(await exported(db, what), what).toBe(await exported(byIngest, what));
    const sightings = fs.readFileSync(path.join(archive, "SIGHTINGS.csv"), "utf8");
    expect(sightings).toContain(
      `2026-03-20,pm,participating,lists/523470265e038bc55dd7c87bfb57759000315969bb64744250aa136c3e581405.xlsx,ice_filename,participatingAgencies03202026pm.xlsx,participating,${ice.url("/mirror/287g/participating_2026-03-20.xlsx")},RelevantResearch/287g-DetentionData,`,
    );
  });
});

describe("dating a download", () => {
  const at = "2026-04-02T15:04:05.000Z";
  it("from ICE's file name, its repaired typos, Last-Modified, or the time of retrieval", () => {
    expect(dateDownload("participatingAgencies04012026pm.xlsx", undefined, at, false)).toMatchObject({
      date: "2026-04-01",
      slot: "pm",
      basis: "ice_filename",
    });
    expect(dateDownload("participatingAgencies11114025am.xlsx", undefined, at, false)).toMatchObject({
      date: "2025-11-11",
      slot: "am",
      basis: "ice_filename_corrected",
      publishedBasis: "filename_corrected",
    });
    expect(dateDownload("participatingAgencies.xlsx", "Wed, 01 Apr 2026 21:30:00 GMT", at, false)).toEqual({
      date: "2026-04-01",
      slot: "download@213000",
      basis: "http_last_modified",
      publishedBasis: "last_modified",
      observationBasis: "capture",
    });
    expect(dateDownload("participatingAgencies.xlsx", undefined, at, false)).toMatchObject({
      date: "2026-04-02",
      slot: "download@150405",
      basis: "retrieved_at",
    });
    // A name that already dated other bytes: ICE replaced the file in place.
    expect(
      dateDownload(
        "participatingAgencies07032025pm.xlsx",
        "Fri, 04 Jul 2025 15:00:00 GMT",
        "2025-07-04T15:16:59.000Z",
        true,
      ),
    ).toMatchObject({
      date: "2025-07-04",
      basis: "http_last_modified",
    });
  });

  it("a list whose newest SIGNED date is after its file name's date is published by its content", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-sync-content-");
    ice.clear();
    // Named 2026-05-02, but it holds an agreement signed 2026-05-03.
    const P = "/doclib/participatingAgencies05022026am.xlsx";
    ice.set(PAGE, { body: icePage({ participating: P }) });
    ice.set(P, workbook(newerList("Dated County Sheriff's Office", "p0328.xlsx")));
    const s = await run(db, archive);
    expect(s.files[0]).toMatchObject({ publishedAt: "2026-05-03", publishedBasis: "content_newest_signed" });
    const store = await openStore(db, { readonly: true });
    const o = await store.db
      .selectFrom("observation")
      .select(["date", "stated_date", "date_rule"])
      .where("original_filename", "=", "participatingAgencies05022026am.xlsx")
      .executeTakeFirstOrThrow();
    expect(o).toEqual({ date: "2026-05-03", stated_date: "2026-05-02", date_rule: "content_newest_signed" });
    await store.close();
  });
});

describe("the command line: exit codes for cron", () => {
  const db = copyArchiveDb();
  const archive = tmpDir("g287-sync-cli-");
  const url = () => ice.url(PAGE);
  const P = "/sites/default/files/2026-05-07/participatingAgencies05072026am.xlsx";

  it("0 when a new list is ingested, 3 when nothing is new, 1 on failure with one line on stderr", async () => {
    ice.clear();
    ice.set(PAGE, { body: icePage({ participating: P }) });
    ice.set(P, workbook(newerList("Cli County Sheriff's Office", "p0405.xlsx")));
    const first = await cliAsync([
      "--db",
      db,
      "--json",
      "sync",
      "--archive",
      archive,
      "--url",
      url(),
      "--retries",
      "0",
    ]);
    expect(first.status, first.stderr).toBe(0);
    const s = JSON.parse(first.stdout);
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, ingest: { newObservations: 1 } });
    expect(s.events.count).toBeGreaterThan(0);

    const again = await cliAsync(["--db", db, "sync", "--archive", archive], { env: { G287_ICE_URL: url() } });
    expect(again.status, again.stderr).toBe(3);
    expect(again.stderr).toMatch(/participating +not modified +participatingAgencies05072026am\.xlsx/);
    expect(again.stderr.trim().split("\n").at(-1)).toBe("nothing new");

    const archiveBefore = hashDir(archive);
    const storeBefore = await storeFingerprint(db);
    ice.set(P, { body: BLOCK_PAGE, headers: { "content-type": "text/html" } });
    ice.set(PAGE, { body: icePage({ participating: P.replace("05072026", "05082026") }) });
    ice.set(P.replace("05072026", "05082026"), { body: BLOCK_PAGE, headers: { "content-type": "text/html" } });
    const bad = await cliAsync(["--db", db, "--quiet", "sync", "--archive", archive, "--url", url(), "--retries", "0"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toEqual([
      `g287: ${ice.url(P.replace("05072026", "05082026"))}: the server sent an HTML page (titled "Access Denied", reference 18.5c0f3417.1775000000.1a2b3c) instead of the workbook: probably a firewall block or error page; nothing was kept`,
    ]);
    expect(hashDir(archive)).toBe(archiveBefore);
    expect(await storeFingerprint(db)).toBe(storeBefore);
  });

  it("a failed first sync leaves no ledger file and no archive folder behind", async () => {
    const dir = tmpDir();
    ice.clear();
    const r = await cliAsync([
      "--db",
      path.join(dir, "new.db"),
      "sync",
      "--archive",
      path.join(dir, "archive"),
      "--url",
      ice.url("/nowhere"),
      "--retries",
      "0",
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`g287: ${ice.url("/nowhere")}: HTTP 404 Not Found`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("usage errors exit 2", async () => {
    const noArchive = await cliAsync(["--db", db, "sync", "--url", url()], { env: { G287_ARCHIVE: "" } });
    expect(noArchive.status).toBe(2);
    expect(noArchive.stderr.trim()).toBe(
      "g287: sync needs an archive folder to keep the downloaded lists in: pass --archive DIR or set G287_ARCHIVE",
    );
    expect((await cliAsync(["--db", db, "sync", "--archive", archive, "--url", "ftp://x"])).stderr.trim()).toBe(
      'g287: --url "ftp://x": expected an http(s) URL',
    );
    expect((await cliAsync(["--db", db, "watch", "--archive", archive, "--every", "soon"])).stderr.trim()).toBe(
      'g287: --every "soon": expected a duration such as 30s, 10m or 6h',
    );
    const cfg = path.join(tmpDir(), "sync.yaml");
    fs.writeFileSync(cfg, "mirrors:\n  - url: not-a-url\n");
    const bad = await cliAsync(["--db", db, "sync", "--config", cfg]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/sync\.yaml: mirrors\.0/);
  });

  it("watch logs a line per run and stops cleanly on SIGTERM while it waits", async () => {
    ice.clear();
    ice.set(PAGE, { status: 404 });
    let sent = false;
    const t = Date.now();
    const r = await cliAsync(
      ["--db", db, "watch", "--archive", archive, "--url", url(), "--retries", "0", "--every", "1h", "--jitter", "0s"],
      {
        onStdout: (text, child) => {
          if (!sent && text.includes("\n")) {
            sent = true;
            child.kill("SIGTERM");
          }
        },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - t).toBeLessThan(30_000);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^(\S+Z) failed: http:\/\/127\.0\.0\.1:\d+\/identify-and-arrest\/287g: HTTP 404 Not Found; next run (\S+Z)$/,
    );
    const [, at, next] = /^(\S+Z) .* next run (\S+Z)$/.exec(lines[0] as string) as string[];
    expect(Date.parse(next as string) - Date.parse(at as string)).toBe(3_600_000);
    expect(r.stderr).toMatch(/g287 watch: SIGTERM, stopping/);
  });
});

describe("the watch scheduler", () => {
  /** A clock that moves only when the scheduler sleeps, and a run that takes 90 s. */
  function harness(outcomes: (boolean | Error)[], o: { jitterMs?: number; random?: number; maxRuns?: number } = {}) {
    let clock = Date.parse("2026-04-01T00:00:00Z");
    const lines: string[] = [];
    const stop = new AbortController();
    let i = 0;
    const done = watch({
      everyMs: 6 * 3_600_000,
      jitterMs: o.jitterMs ?? 600_000,
      maxRuns: o.maxRuns,
      signal: stop.signal,
      now: () => new Date(clock),
      random: () => o.random ?? 0.5,
      sleep: async (ms) => {
        clock += ms;
        if (i >= outcomes.length) stop.abort();
      },
      run: async () => {
        const out = outcomes[i++];
        clock += 90_000;
        if (out instanceof Error) throw out;
        return { line: out ? "new list ingested" : "failed: HTTP 503", ok: out as boolean };
      },
      log: (r, at, next) => lines.push(`${at.toISOString()} ${r.line} -> ${next?.toISOString() ?? "stop"}`),
    });
    return { done, lines };
  }

  it("runs at once, then every period plus jitter from each start, through failures and thrown errors", async () => {
    const { done, lines } = harness([false, new Error("store is locked"), true]);
    expect(await done).toEqual({ runs: 3, failures: 2 });
    expect(lines).toEqual([
      "2026-04-01T00:00:00.000Z failed: HTTP 503 -> 2026-04-01T06:05:00.000Z",
      "2026-04-01T06:05:00.000Z failed: store is locked -> 2026-04-01T12:10:00.000Z",
      "2026-04-01T12:10:00.000Z new list ingested -> 2026-04-01T18:15:00.000Z",
    ]);
  });

  it("stops after --max-runs without a last wait", async () => {
    const { done, lines } = harness([true, true, true], { maxRuns: 2, random: 0 });
    expect(await done).toEqual({ runs: 2, failures: 0 });
    expect(lines.at(-1)).toBe("2026-04-01T06:00:00.000Z new list ingested -> stop");
  });

  it("jitter spreads runs over [period, period + jitter)", () => {
    expect(nextDelay(0, 90_000, 3_600_000, 600_000, () => 0)).toBe(3_510_000);
    expect(nextDelay(0, 90_000, 3_600_000, 600_000, () => 0.999)).toBe(4_109_400);
    expect(nextDelay(0, 5_000_000, 3_600_000, 0, () => 0.5)).toBe(0);
  });
});

describe("finding the workbooks on ICE's page", () => {
  const page = "https://www.ice.gov/identify-and-arrest/287g";

  it("by file name, wherever the links point, with entities and relative paths resolved", () => {
    const html = icePage({
      participating: "../../doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx?v=2&amp;x=1",
      pending: "https://www.ice.gov/sites/default/files/documents/pendingAgencies05182026am.xlsx",
    });
    const l = findListLinks(html, page);
    expect(l.title).toBe("Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act | ICE");
    expect(l.participating).toMatchObject({
      url: "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx?v=2&amp;x=1",
      fileName: "participatingAgencies05182026am.xlsx",
      evidence: "file_name",
      nameDate: "2026-05-18",
    });
    expect(l.pending?.url).toBe("https://www.ice.gov/sites/default/files/documents/pendingAgencies05182026am.xlsx");
    expect(l.spreadsheets).toBe(2);
  });

  it("by link text or the heading before the link when the file name says nothing", () => {
    const byText = findListLinks(
      `<a href="/files/list-a.xlsx">Pending participating agencies</a> <a href="/files/list-b.xlsx" title="Participating agencies (Excel)">Download</a>`,
      page,
    );
    expect(byText.pending).toMatchObject({ url: "https://www.ice.gov/files/list-a.xlsx", evidence: "link_text" });
    expect(byText.participating).toMatchObject({ url: "https://www.ice.gov/files/list-b.xlsx", evidence: "link_text" });
    const byHeading = findListLinks(
      icePage({ participating: "/media/12345/download?inline", pending: "/media/12346/download", style: "text" }),
      page,
    );
    expect(byHeading.participating).toMatchObject({
      url: "https://www.ice.gov/media/12345/download?inline",
      evidence: "nearby_text",
    });
    expect(byHeading.pending).toMatchObject({
      url: "https://www.ice.gov/media/12346/download",
      evidence: "nearby_text",
    });
  });

  it("prefers the strongest evidence, then the newest date; ignores PDFs, mail links and other pages", () => {
    const html = `<base href="https://www.ice.gov/doclib/"><h2>Participating agencies</h2>
      <a href="archive/participatingAgencies01022026am.xlsx">January list</a>
      <a href="participatingAgencies05182026pm.xlsx">Current list</a>
      <a href="participatingAgencies03032026am.xlsx">March list</a>
      <a href="moa/participating-moa.pdf">MOA</a> <a href="mailto:x@ice.dhs.gov">Participating agencies</a>
      <a href="/287g-faq">Participating agencies FAQ</a>`;
    const l = findListLinks(html, page);
    expect(l.participating?.url).toBe("https://www.ice.gov/doclib/participatingAgencies05182026pm.xlsx");
    expect(l.pending).toBeNull();
    expect(l.candidates.map((c) => c.fileName)).toEqual([
      "participatingAgencies01022026am.xlsx",
      "participatingAgencies05182026pm.xlsx",
      "participatingAgencies03032026am.xlsx",
    ]);
  });

  it("finds nothing on a block page", () => {
    expect(findListLinks(BLOCK_PAGE, page)).toMatchObject({
      title: "Access Denied",
      participating: null,
      pending: null,
      spreadsheets: 0,
    });
  });
});

describe("ICE's swapped files (2025-09-22 pm)", () => {
  it("are filed by their content and flagged, and the ledger already has them (exit 3)", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-sync-swap-");
    ice.clear();
    const P = `${OLD}/participatingAgencies09222025pm.xlsx`;
    const Q = `${OLD}/pendingAgencies09222025pm.xlsx`;
    ice.set(PAGE, { body: icePage({ participating: P, pending: Q }) });
    ice.set(P, workbook(real("pending_2025-09-22_2.xlsx")));
    ice.set(Q, workbook(real("participating_2025-09-18.xlsx")));
    const before = await storeFingerprint(db);
    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s.exitCode).toBe(3);
    expect(s.files.map((f) => [f.linkKind, f.kind, f.originalFilename])).toEqual([
      ["participating", "pending", "participatingAgencies09222025pm.xlsx"],
      ["pending", "participating", "pendingAgencies09222025pm.xlsx"],
    ]);
    expect(s.warnings).toEqual([
      `${ice.url(P)}: linked as the participating list but holds a pending list (it has no SIGNED column); filed by its content`,
      `${ice.url(Q)}: linked as the pending list but holds a participating list (it has a SIGNED column); filed by its content`,
    ]);
    expect(await storeFingerprint(db)).toBe(before);
    const sightings = fs.readFileSync(path.join(archive, "SIGHTINGS.csv"), "utf8");
    expect(sightings).toMatch(
      /\n2025-09-22,pm,pending,lists\/\w+\.xlsx,ice_filename,participatingAgencies09222025pm\.xlsx,participating,/,
    );
  });
});

describe("backoff and settings", () => {
  it("doubles the delay per retry, half of it random, capped, honouring Retry-After", () => {
    const s = { backoffBaseMs: 2000, backoffMaxMs: 60_000 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, s, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, s, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelay(10, s, () => 1)).toBe(60_000);
    expect(backoffDelay(0, s, () => 0, 30_000)).toBe(30_000);
    expect(backoffDelay(0, s, () => 0, 600_000)).toBe(60_000);
    const now = new Date("2026-04-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 Apr 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("takes flags over the environment over the config file", () => {
    const file = SyncConfigFile.parse({
      url: "https://mirror.example/287g",
      archive: "/srv/a",
      mirrors: ["https://m1.example/", { url: "https://m2.example/", max_files: 5 }],
      http: { read_timeout: "1m", retries: 5 },
    });
    const s = resolveSettings(file, { mirrors: ["https://m3.example/"], retries: 1 }, { G287_ARCHIVE: "/env/a" });
    expect(s).toMatchObject({
      pageUrl: "https://mirror.example/287g",
      archiveDir: "/env/a",
      mirrors: [
        { url: "https://m1.example/", maxFiles: 100 },
        { url: "https://m2.example/", maxFiles: 5 },
        { url: "https://m3.example/", maxFiles: 100 },
      ],
      http: { readTimeoutMs: 60_000, retries: 1, connectTimeoutMs: 15_000 },
    });
    expect(resolveSettings(null, {}, {}).pageUrl).toBe("https://www.ice.gov/identify-and-arrest/287g");
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("6 hours")).toBeNull();
    expect(() => SyncConfigFile.parse({ http: { read_timeout: "soon" } })).toThrow(/expected a duration/);
    expect(() => SyncConfigFile.parse({ mirror: [] })).toThrow();
  });
});
