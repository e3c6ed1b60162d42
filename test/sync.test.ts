// `g287 sync` into a copy of the archive ledger, against a local server imitating ICE (test/fake-ice.ts):
// real workbooks copied from ../shared/data/ice at test time, links that move between runs,
// conditional requests, a block page served with 200, a 404, a reply too slow for the timeout,
// truncated bodies, retries, and ICE's swapped files. Every failure leaves the archive folder and the
// store byte-for-byte as they were. Nothing here touches the internet.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { roster } from "../src/analysis/queries.js";
import { ingest } from "../src/pipeline/ingest.js";
import type { SyncOptions, SyncSummary } from "../src/pipeline/sync.js";
import { openStore } from "../src/store/db.js";
import { BLOCK_PAGE, hashDir, icePage, workbook } from "./fake-ice.js";
import { copyArchiveDb, storeFingerprint, tmpDir } from "./helpers.js";
import { agreementsIn, realBytes as real, realList } from "./lists.js";
import {
  datedAs,
  newerList,
  maxSeq as newestSeq,
  DOCLIB as OLD,
  PAGE,
  publish,
  runSync,
  syncOptions,
  useFakeIce,
} from "./sync-harness.js";

const ice = useFakeIce();
const sleeps: number[] = [];
const body = realList("participating_2026-05-01.xlsx").body;

/** Sync with two retries and a 1.5 s read timeout; the backoff delays are recorded in `sleeps`. */
function run(db: string, archiveDir: string, extra: Partial<SyncOptions> = {}): Promise<SyncSummary> {
  const http = { readTimeoutMs: 1500, retries: 2, backoffBaseMs: 100, backoffMaxMs: 1000 };
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  return runSync(db, syncOptions(ice, archiveDir, http, { sleep, ...extra }));
}

describe("sync into a copy of the archive ledger", () => {
  let db: string;
  let archive: string;
  beforeAll(() => {
    db = copyArchiveDb();
    archive = path.join(tmpDir("g287-sync-archive-"), "lists");
  });

  it("keeps the lists the ledger already has, and says nothing new (exit 3)", async () => {
    publish(ice, {
      participating: [`${OLD}/participatingAgencies03272026am.xlsx`, real("participating_2026-03-27.xlsx")],
      pending: [`${OLD}/pendingAgencies02272026am.xlsx`, real("pending_2026-02-27.xlsx")],
    });
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
    const maxSeq = await newestSeq(db);

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

describe("ICE's swapped files (2025-09-22 pm)", () => {
  it("are filed by their content and flagged, and the ledger already has them (exit 3)", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-sync-swap-");
    const P = `${OLD}/participatingAgencies09222025pm.xlsx`;
    const Q = `${OLD}/pendingAgencies09222025pm.xlsx`;
    publish(ice, {
      participating: [P, real("pending_2025-09-22_2.xlsx")],
      pending: [Q, real("participating_2025-09-18.xlsx")],
    });
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

describe("dating a download by its content", () => {
  it("a list whose newest SIGNED date is after its file name's date is published by its content", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-sync-content-");
    // Named 2026-05-02, but it holds an agreement signed 2026-05-03.
    const P = "/doclib/participatingAgencies05022026am.xlsx";
    publish(ice, { participating: [P, newerList("Dated County Sheriff's Office", "p0328.xlsx")] });
    const s = await run(db, archive);
    expect(s.files[0]).toMatchObject({ publishedAt: "2026-05-03", publishedBasis: "content_newest_signed" });
    expect(await datedAs(db, "participatingAgencies05022026am.xlsx")).toEqual({
      date: "2026-05-03",
      stated_date: "2026-05-02",
      date_rule: "content_newest_signed",
    });
  });
});
