// `g287 sync` into an empty store, against the local imitation of ICE: it builds the ledger from
// ICE's current lists, follows moved links, and fills a gap from a mirror; each time the ledger
// equals a plain ingest of the same files.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type DatasetName, dataset } from "../src/analysis/datasets.js";
import { roster } from "../src/analysis/queries.js";
import { toCsv } from "../src/domain/csv.js";
import type { SyncOptions, SyncSummary } from "../src/pipeline/sync.js";
import { openStore } from "../src/store/db.js";
import { workbook } from "./fake-ice.js";
import { ARCHIVE, ingestInto, tmpDir } from "./helpers.js";
import { agreementsIn, realBytes as real } from "./lists.js";
import { DOCLIB as OLD, publish, runSync, syncOptions, useFakeIce } from "./sync-harness.js";

const ice = useFakeIce();
const run = (db: string, archiveDir: string, extra: Partial<SyncOptions> = {}): Promise<SyncSummary> =>
  runSync(
    db,
    syncOptions(ice, archiveDir, { readTimeoutMs: 1500, retries: 2, backoffBaseMs: 100, backoffMaxMs: 1000 }, extra),
  );

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

describe("sync into an empty store", () => {
  const db = path.join(tmpDir(), "empty.db");
  const archive = tmpDir("g287-sync-empty-");
  const byIngest = path.join(tmpDir(), "by-ingest.db");
  const named = tmpDir("g287-named-");
  const keep = (name: string, from: string) => fs.copyFileSync(path.join(ARCHIVE, from), path.join(named, name));

  it("builds the ledger from ICE's current lists (exit 0)", async () => {
    publish(ice, {
      participating: [`${OLD}/participatingAgencies03232026am.xlsx`, real("participating_2026-03-23.xlsx")],
      pending: [`${OLD}/pendingAgencies02272026am.xlsx`, real("pending_2026-02-27.xlsx")],
    });
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
    const NEW = "/sites/default/files/2026-03/287g";
    publish(ice, {
      participating: [`${NEW}/participatingAgencies03272026am.xlsx`, real("participating_2026-03-27.xlsx")],
    });
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
    publish(ice, {
      participating: [
        "/sites/default/files/2026-03/287g/participatingAgencies03272026am.xlsx",
        real("participating_2026-03-27.xlsx"),
      ],
    });
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
