// A rebuild replays from the rows the store kept (`snapshot_rows`), parsing only the files a
// different parser version read; the real archive gives the same rows and the same ledger either way.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorrections } from "../src/normalize/corrections.js";
import { rebuild } from "../src/pipeline/ingest.js";
import { parseSnapshot, snapshotFromStored } from "../src/pipeline/parse.js";
import { loadStoredSnapshots } from "../src/pipeline/stored.js";
import { readArchive } from "../src/sources/archive.js";
import { openStore, type Store } from "../src/store/db.js";
import { copyArchiveDb } from "./helpers.js";

const ARCHIVE = path.resolve(import.meta.dirname, "../../shared/data/ice");
const fixes = loadCorrections();

/** A row as text, its bytes (list files, gzipped cells) as their hash. */
const rowText = (r: unknown) =>
  r && typeof r === "object" && !Array.isArray(r)
    ? JSON.stringify(
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            v instanceof Uint8Array ? `sha256:${createHash("sha256").update(v).digest("hex")}` : v,
          ]),
        ),
      )
    : JSON.stringify(r);

/**
 * The same rows in the same order, compared as text: vitest's deep equality takes minutes over the
 * ledger's 240,000 listings. A difference names its table and row, and shows both.
 */
function expectSameRows(got: Record<string, unknown[] | null>, want: Record<string, unknown[] | null>): void {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const [t, rows] of Object.entries(want)) {
    const [a, b] = [(rows ?? []).map(rowText), (got[t] ?? []).map(rowText)];
    expect(b.length, t).toBe(a.length);
    const i = a.findIndex((r, k) => r !== b[k]);
    if (i >= 0) expect(b[i], `${t}, row ${i}`).toBe(a[i]);
  }
}

describe("rows from the store", () => {
  it("every list of the archive normalizes the same from its stored raw rows as from its bytes", () => {
    const { files } = readArchive(ARCHIVE);
    expect(files.length).toBeGreaterThan(400);
    for (const f of files) {
      const p = parseSnapshot(f, fixes);
      const s = snapshotFromStored(
        { file: f, size: p.size, sheet: p.sheet, rawRowsGz: p.rawRowsGz, cellsSha256: p.cellsSha256 },
        fixes,
      );
      expectSameRows({ [f.fileName]: s.rows }, { [f.fileName]: p.rows });
      expect(s.newestSigned, f.fileName).toBe(p.newestSigned);
    }
  });
});

describe("rebuild of the archive ledger", () => {
  let store: Store;
  const dump = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of ["snapshot", "snapshot_rows", "observation", "listing", "correction", "event", "review"] as const)
      out[t] = await store.db.selectFrom(t).selectAll().execute();
    for (const t of ["agency", "agreement", "agreement_period", "application"] as const)
      out[t] = await store.db.selectFrom(t).selectAll().execute();
    return out;
  };
  beforeAll(async () => {
    store = await openStore(copyArchiveDb());
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(path.dirname(store.file), { recursive: true, force: true });
  });

  let rebuilt: Record<string, unknown[]>;

  it("reads no file when every list was read by the current parser, and rewrites the same rows", async () => {
    const before = await dump();
    const kept = await loadStoredSnapshots(store.db, fixes);
    expect(kept.parsed).toBe(0);
    expect(kept.snapshots).toHaveLength(before.snapshot?.length as number);
    const s = await rebuild(store);
    expect(s.mode).toBe("rebuild");
    rebuilt = await dump();
    // A snapshot's original_filename is its first observation's, and a replay of the store takes
    // them in obs_id order (as it did when it re-read the bytes): only that may differ.
    expectSameRows({ ...rebuilt, snapshot: null }, { ...before, snapshot: null });
  }, 600_000);

  it("reads again only the lists an older parser read, and gives the same rows", async () => {
    const ids = (
      await store.db.selectFrom("snapshot").select("snapshot_id").orderBy("snapshot_id").limit(3).execute()
    ).map((r) => r.snapshot_id);
    await store.db.updateTable("snapshot").set({ parser_version: "0" }).where("snapshot_id", "in", ids).execute();
    const kept = await loadStoredSnapshots(store.db, fixes);
    expect(kept.parsed).toBe(3);
    await rebuild(store);
    expectSameRows(await dump(), rebuilt);
  }, 600_000);
});
