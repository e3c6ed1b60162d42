// `g287 sync` as ICE publishes since June 2026, against the local imitation of its page: each file
// name form, links by name and by number (`/file-download/download/public/<id>`, named only by
// Content-Disposition, the link text or the heading), the same bytes fetched again and again, a
// state-name typo that comes and goes, and hash-manifest mirrors. Every workbook is built at test
// time from the real lists in ../shared/data/ice, into a temp folder.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { roster } from "../src/analysis/queries.js";
import { ingest } from "../src/pipeline/ingest.js";
import type { SyncOptions, SyncSummary } from "../src/pipeline/sync.js";
import { sha256 } from "../src/sources/read-file.js";
import { openStore } from "../src/store/db.js";
import { icePage, workbook } from "./fake-ice.js";
import { copyArchiveDb, readStore, storeFingerprint, tmpDir } from "./helpers.js";
import { agreementsIn, realBytes, realList } from "./lists.js";
import { DOCLIB, datedAs, maxSeq, newerList, PAGE, publish, runSync, syncOptions, useFakeIce } from "./sync-harness.js";

const ice = useFakeIce();
const ID = "/file-download/download/public";
const real = realBytes;

/** A real list with its rows changed by `edit` (a row is header-indexed cells), as new workbook bytes. */
function edited(from: string, out: string, edit: (rows: unknown[][], col: (h: string) => number) => unknown[][]) {
  const list = realList(from);
  return list.bytes(out, edit(list.body, list.col));
}

const run = (db: string, archiveDir: string, extra: Partial<SyncOptions> = {}): Promise<SyncSummary> =>
  runSync(db, syncOptions(ice, archiveDir, {}, extra));

type Csv = Record<string, string>[];
const csv = (dir: string, name: string): Csv =>
  parse(fs.readFileSync(path.join(dir, name), "utf8"), { columns: true, skip_empty_lines: true });

describe("five consecutive real lists, renamed in ICE's new forms, synced one by one into a copy of the archive ledger", () => {
  const db = copyArchiveDb();
  const archive = tmpDir("g287-forms-archive-");
  // Each list under another name form and address scheme, as ICE has served them since June 2026.
  // The real lists of 2026-03-27 .. 04-21 come back dated after the archive's newest list, so each
  // sync applies on top of the stored ledger (a list older than it would replay everything).
  const steps: {
    real: string;
    date: string;
    href: string;
    name: string;
    nameFrom: string;
    linkText?: string;
    disposition?: string;
  }[] = [
    {
      real: "participating_2026-03-27.xlsx",
      date: "2026-05-04",
      href: `${DOCLIB}/287gParticipatingAgencies050426pm.xlsx`,
      name: "287gParticipatingAgencies050426pm.xlsx",
      nameFrom: "url",
    },
    {
      real: "participating_2026-04-01.xlsx",
      date: "2026-05-06",
      href: `${ID}/41001`,
      name: "ParticipatingAgency050626pm.xlsx",
      nameFrom: "content_disposition",
      disposition: 'attachment; filename="ParticipatingAgency050626pm.xlsx"',
    },
    {
      real: "participating_2026-04-13.xlsx",
      date: "2026-05-08",
      href: `${ID}/41002`,
      name: "participatingAgencies05082026.xlsx",
      nameFrom: "content_disposition",
      disposition: `attachment; filename="download.xlsx"; filename*=UTF-8''participatingAgencies05082026.xlsx`,
    },
    {
      real: "participating_2026-04-15.xlsx",
      date: "2026-05-11",
      href: `${DOCLIB}/ParticipatingAgency051126.xlsx`,
      name: "ParticipatingAgency051126.xlsx",
      nameFrom: "url",
    },
    {
      real: "participating_2026-04-21.xlsx",
      date: "2026-05-13",
      href: `${ID}/41003`,
      name: "287gParticipatingAgencies051326.xlsx",
      nameFrom: "link_text",
      linkText: "287gParticipatingAgencies051326.xlsx",
    },
  ];

  for (const step of steps) {
    it(`${step.name} (${step.nameFrom}): found, dated ${step.date}, ingested; the roster then equals the list`, async () => {
      ice.clear();
      const link = step.linkText
        ? `<h2>Participating Agencies</h2><p><a href="${step.href}">${step.linkText}</a></p>`
        : icePage({ participating: step.href });
      ice.set(PAGE, { body: step.linkText ? `<html><title>287(g)</title><body>${link}</body></html>` : link });
      const bytes = real(step.real);
      const reply = workbook(bytes);
      if (step.disposition) reply.headers = { ...reply.headers, "content-disposition": step.disposition };
      ice.set(step.href, reply);

      const s = await run(db, archive);
      expect(s.error).toBeNull();
      expect(s.ingest?.mode).toBe("incremental");
      expect(s.page?.participating).toBe(ice.url(step.href));
      expect(s.files).toHaveLength(1);
      expect(s.files[0]).toMatchObject({
        kind: "participating",
        originalFilename: step.name,
        nameFrom: step.nameFrom,
        publishedAt: step.date,
        publishedBasis: "filename",
        sha256: sha256(bytes),
      });
      // The sighting keeps ICE's name and the address it came from, whatever the scheme.
      const sighting = csv(archive, "SIGHTINGS.csv").filter((r) => r.original_filename === step.name);
      expect(sighting).toHaveLength(1);
      expect(sighting[0]).toMatchObject({ date: step.date, basis: "ice_filename", source_url: ice.url(step.href) });

      await readStore(db, async (store) => {
        const obs = await store.db
          .selectFrom("observation")
          .select(["date", "status"])
          .where("original_filename", "=", step.name)
          .execute();
        expect(obs).toEqual([{ date: step.date, status: "applied" }]);
        expect((await roster(store.db, { asOf: step.date })).length).toBe(agreementsIn(bytes));
      });
    });
  }
});

describe("a two-digit year checked against the newest SIGNED date", () => {
  it("ParticipatingAgency050426am.xlsx holding an agreement signed 2026-05-06 is published 2026-05-06", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-yy-");
    const href = `${DOCLIB}/ParticipatingAgency050426am.xlsx`;
    publish(ice, { participating: [href, newerList("Later County Sheriff's Office", "yy.xlsx", 46148)] }); // signed 2026-05-06
    const s = await run(db, archive);
    expect(s.error).toBeNull();
    expect(s.files[0]).toMatchObject({ publishedAt: "2026-05-06", publishedBasis: "content_newest_signed" });
    expect(await datedAs(db, "ParticipatingAgency050426am.xlsx")).toEqual({
      date: "2026-05-06",
      stated_date: "2026-05-04",
      date_rule: "content_newest_signed",
    });
  });
});

describe("the same bytes fetched again and again", () => {
  it("a list fetched three times adds one snapshot with three sightings, and is applied once", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-thrice-");
    const bytes = newerList("Thrice County Sheriff's Office", "thrice.xlsx", 46146); // signed 2026-05-04
    const sha = sha256(bytes);
    ice.clear();
    ice.set(PAGE, { body: icePage({ participating: `${ID}/52001` }) });
    // No validators: ICE's file-download route sends none, so each run downloads the bytes again.
    ice.set(`${ID}/52001`, {
      ...workbook(bytes, { etag: false }),
      headers: {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": 'attachment; filename="287gParticipatingAgencies050526pm.xlsx"',
      },
    });
    const count = (table: "snapshot" | "observation") =>
      readStore(db, async (s) => {
        const r = await s.db.selectFrom(table).select(s.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
        return Number(r.n);
      });
    const snapshots = await count("snapshot");
    const observations = await count("observation");

    const first = await run(db, archive);
    expect(first).toMatchObject({ outcome: "new", exitCode: 0, archive: { files: 1, sightings: 1, fetches: 1 } });
    const afterFirst = await storeFingerprint(db);
    for (const _ of [2, 3]) {
      const again = await run(db, archive);
      expect(again.error).toBeNull();
      expect(again).toMatchObject({
        outcome: "nothing_new",
        exitCode: 3,
        archive: { files: 0, sightings: 1, fetches: 1 },
      });
      expect(again.files[0]).toMatchObject({ status: "known", sha256: sha, publishedAt: "2026-05-05" });
      expect(await storeFingerprint(db)).toBe(afterFirst);
    }
    expect(ice.requests(`${ID}/52001`)).toHaveLength(3);
    expect(await count("snapshot")).toBe(snapshots + 1);
    expect(await count("observation")).toBe(observations + 1);

    expect(csv(archive, "MANIFEST.csv").filter((r) => r.sha256 === sha)).toHaveLength(1);
    expect(csv(archive, "FETCHES.csv").filter((r) => r.sha256 === sha)).toHaveLength(3);
    const seen = csv(archive, "SIGHTINGS.csv");
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => `${r.date}|${r.slot}|${r.original_filename}|${r.file}`))).toEqual(
      new Set([`2026-05-05|pm|287gParticipatingAgencies050526pm.xlsx|lists/${sha}.xlsx`]),
    );
    expect(new Set(seen.map((r) => r.retrieved_at)).size).toBe(3);
    expect(seen.every((r) => r.source_url === ice.url(`${ID}/52001`))).toBe(true);

    // Replayed from scratch, the folder is one snapshot observed once.
    const fresh = await openStore(path.join(tmpDir(), "thrice.db"));
    try {
      expect(await ingest(fresh, [archive])).toMatchObject({ newSnapshots: 1, newObservations: 1, applied: 1 });
    } finally {
      await fresh.close();
    }
  });

  it("a list with no name anywhere, dated by its download, fetched three times is one observation too", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-thrice-unnamed-");
    const bytes = newerList("Unnamed County Sheriff's Office", "unnamed.xlsx", 46146);
    ice.clear();
    ice.set(PAGE, {
      body: `<html><title>287(g)</title><body><h2>Participating Agencies</h2><p><a href="${ID}/52002">Participating Agencies</a></p></body></html>`,
    });
    ice.set(`${ID}/52002`, workbook(bytes, { etag: false }));
    const runs = [];
    for (const _ of [1, 2, 3]) runs.push(await run(db, archive));
    expect(runs.map((r) => [r.exitCode, r.files[0]?.nameFrom, r.files[0]?.originalFilename])).toEqual([
      [0, "link_text", "Participating Agencies"],
      [3, "link_text", "Participating Agencies"],
      [3, "link_text", "Participating Agencies"],
    ]);
    const seen = csv(archive, "SIGHTINGS.csv");
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => `${r.date}|${r.slot}|${r.basis}`)).size).toBe(1);
    expect(seen[0]?.basis).toBe("retrieved_at");
    expect(new Set(seen.map((r) => r.retrieved_at)).size).toBe(3);
  });
});

describe("a state-name typo that comes and goes (NEW HAMSPHIRE)", () => {
  it("folds to New Hampshire: the typo list and the corrected one make no removal and no new agreement", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-hamsphire-");
    const base = real("participating_2026-05-01.xlsx");
    const nh = agreementsIn(base, "NH");
    expect(nh).toBeGreaterThan(1);
    let renamed = 0;
    const typo = edited("participating_2026-05-01.xlsx", "hamsphire.xlsx", (rows, col) =>
      rows.map((r) => {
        if (String(r[col("STATE")]).trim() !== "NEW HAMPSHIRE") return r;
        renamed++;
        const c = [...r];
        c[col("STATE")] = "NEW HAMSPHIRE";
        return c;
      }),
    );
    expect(renamed).toBe(nh);
    const seq = await maxSeq(db);
    const lists: [string, Uint8Array][] = [
      [`${DOCLIB}/287gParticipatingAgencies050526pm.xlsx`, typo],
      [`${DOCLIB}/ParticipatingAgency050826am.xlsx`, base],
    ];
    for (const [href, bytes] of lists) {
      ice.clear();
      ice.set(PAGE, { body: icePage({ participating: href }) });
      ice.set(href, workbook(bytes));
      const s = await run(db, archive);
      expect(s.error).toBeNull();
      expect(s.exitCode).toBe(0);
    }
    await readStore(db, async (store) => {
      const events = await store.db
        .selectFrom("event")
        .select(["type", "agreement_id"])
        .where("seq", ">", seq)
        .execute();
      // Other states' agreements missing since 2026-05-01 may have their removals confirmed here;
      // New Hampshire's agreements must see no change at all.
      expect(events.filter((e) => e.agreement_id?.startsWith("nh-"))).toEqual([]);
      expect(events.filter((e) => e.type === "appeared")).toEqual([]);
      for (const day of ["2026-05-05", "2026-05-08"])
        expect((await roster(store.db, { asOf: day, state: "NH" })).length, day).toBe(nh);
      const fixes = await store.db
        .selectFrom("correction")
        .select(["before", "after", "rule"])
        .where("before", "=", "NEW HAMSPHIRE")
        .execute();
      expect(fixes).toHaveLength(nh);
      expect(fixes.every((f) => f.after === "NH" && f.rule === "state_typo")).toBe(true);
    });
  });
});

describe("mirrors that publish a hash manifest", () => {
  it("takes a file from anywhere only when its sha256 matches the manifest (CSV and JSON)", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-hash-mirror-");
    const a = newerList("Manifest A Sheriff's Office", "ma.xlsx", 46147); // signed 2026-05-05
    const b = newerList("Manifest B Sheriff's Office", "mb.xlsx", 46148); // signed 2026-05-06
    const tampered = newerList("Tampered Sheriff's Office", "mt.xlsx", 46148);
    // ICE itself serves the list the ledger already has.
    publish(ice, {
      participating: [`${DOCLIB}/participatingAgencies05012026am.xlsx`, real("participating_2026-05-01.xlsx")],
    });
    ice.set("/public-archive/hashes.csv", {
      body: [
        "file_name,sha256,url,retrieved_at",
        `287gParticipatingAgencies050526pm.xlsx,${sha256(a).toUpperCase()},files/a.bin,2026-05-05T23:10:00Z`,
        // The bytes at this address are not the ones the manifest names.
        `ParticipatingAgency050626am.xlsx,${sha256(b)},${ice.url("/elsewhere/b")},2026-05-06T15:00:00Z`,
      ].join("\n"),
      headers: { "content-type": "text/csv" },
    });
    ice.set("/public-archive/files/a.bin", workbook(a));
    ice.set("/elsewhere/b", workbook(tampered));
    ice.set("/other-archive/lists.json", {
      body: JSON.stringify({
        files: [{ filename: "ParticipatingAgency050626am.xlsx", hash: sha256(b), download_url: "/other/b.xlsx" }],
      }),
      headers: { "content-type": "application/json" },
    });
    ice.set("/other/b.xlsx", workbook(b));

    const s = await run(db, archive, {
      mirrors: [
        { url: ice.url("/public-archive/hashes.csv"), maxFiles: 10 },
        { url: ice.url("/other-archive/lists.json"), maxFiles: 10 },
      ],
    });
    expect(s.error).toBeNull();
    expect(s.mirrors).toEqual([
      { url: ice.url("/public-archive/hashes.csv"), files: 1, gaps: 2, error: null },
      { url: ice.url("/other-archive/lists.json"), files: 1, gaps: 1, error: null },
    ]);
    expect(s.warnings.filter((w) => /does not match the mirror's manifest/.test(w))).toEqual([
      expect.stringContaining(`${ice.url("/elsewhere/b")}: sha256 ${sha256(tampered).slice(0, 12)}`),
    ]);
    expect(s.files.filter((f) => f.via === "mirror").map((f) => [f.originalFilename, f.publishedAt, f.sha256])).toEqual(
      [
        ["287gParticipatingAgencies050526pm.xlsx", "2026-05-05", sha256(a)],
        ["ParticipatingAgency050626am.xlsx", "2026-05-06", sha256(b)],
      ],
    );
    const seen = csv(archive, "SIGHTINGS.csv");
    expect(seen.find((r) => r.original_filename === "287gParticipatingAgencies050526pm.xlsx")).toMatchObject({
      date: "2026-05-05",
      slot: "pm",
      basis: "ice_filename",
      source_url: ice.url("/public-archive/files/a.bin"),
      source_path: ice.url("/public-archive/hashes.csv"),
      retrieved_at: "2026-05-05T23:10:00Z",
    });
    expect(fs.readdirSync(path.join(archive, "lists")).sort()).toEqual(
      [sha256(a), sha256(b), sha256(real("participating_2026-05-01.xlsx"))].map((h) => `${h}.xlsx`).sort(),
    );
    expect(s.ingest).toMatchObject({ newObservations: 2 });
  });

  it("refuses a manifest it cannot read, with the row and column named", async () => {
    const db = copyArchiveDb();
    const archive = tmpDir("g287-bad-manifest-");
    ice.clear();
    ice.set(PAGE, { body: icePage({ participating: `${DOCLIB}/participatingAgencies05012026am.xlsx` }) });
    ice.set(`${DOCLIB}/participatingAgencies05012026am.xlsx`, workbook(real("participating_2026-05-01.xlsx")));
    ice.set("/bad/hashes.csv", { body: "file_name,sha256,url\nx.xlsx,nothex,/x\n" });
    const s = await run(db, archive, { mirrors: [{ url: ice.url("/bad/hashes.csv"), maxFiles: 10 }] });
    expect(s.mirrors[0]?.error).toBe(`${ice.url("/bad/hashes.csv")} row 2: column sha256: expected a sha256 in hex`);
  });
});
