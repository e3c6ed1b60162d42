// `g287 sync` keeps working past a list it cannot read: the broken or hostile file is reported
// once (exit 1, with the reason), remembered by its sha256 in FETCHES.csv, and skipped by later
// runs (exit 3), so one bad list published by ICE, a mirror or a spoofer cannot freeze updates.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { icePage, workbook } from "./fake-ice.js";
import { ARCHIVE, copyArchiveDb, storeFingerprint, tmpDir, writeXlsx } from "./helpers.js";
import { DOCLIB, PAGE, runSync, syncOptions, useFakeIce } from "./sync-harness.js";

const ice = useFakeIce();
const DOC = DOCLIB;
const run = (db: string, archiveDir: string) => runSync(db, syncOptions(ice, archiveDir, { readTimeoutMs: 1500 }));

/**
 * A well-formed workbook that no reader will take: one cell past the limit on characters per cell
 * (src/sheets/limits.ts). Fetching it again gives the same bytes.
 */
function brokenWorkbook(): Uint8Array {
  const file = path.join(tmpDir("g287-bad-"), "bad.xlsx");
  writeXlsx(file, [
    ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED"],
    ["TEXAS", `Harris County Sheriff's Office ${"x".repeat(20_000)}`, "County", "Task Force Model", 46145],
  ]);
  return new Uint8Array(fs.readFileSync(file));
}

describe("a list that cannot be read", () => {
  it("is reported once with its reason, skipped by the next runs, and never freezes the ones after it", async () => {
    const db = copyArchiveDb();
    const archive = path.join(tmpDir("g287-rejected-"), "lists");
    const before = await storeFingerprint(db);
    const bad = brokenWorkbook();
    ice.clear();
    ice.set(PAGE, { body: icePage({ participating: `${DOC}/participatingAgencies05042026am.xlsx` }) });
    // No ETag: the server sends the same bytes every time, so only their sha256 can tell.
    ice.set(`${DOC}/participatingAgencies05042026am.xlsx`, {
      body: bad,
      headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    });

    const first = await run(db, archive);
    expect(first.exitCode).toBe(1);
    expect(first.rejected).toHaveLength(1);
    expect(first.rejected[0]).toMatchObject({ file: "participatingAgencies05042026am.xlsx", again: false });
    expect(first.error).toMatch(/^rejected participatingAgencies05042026am\.xlsx: /);
    expect(first.error).not.toMatch(/\n| {4}at /);
    expect(await storeFingerprint(db)).toBe(before);
    const fetches = fs.readFileSync(path.join(archive, "FETCHES.csv"), "utf8");
    expect(fetches.split("\n")[0]).toMatch(/,rejected$/);
    expect(fetches).toContain(first.rejected[0]?.sha256 as string);

    const second = await run(db, archive);
    expect(second.exitCode).toBe(3);
    expect(second.rejected).toMatchObject([{ again: true }]);
    expect(await storeFingerprint(db)).toBe(before);

    // ICE replaces it with a readable list: the run goes on as usual.
    const good = new Uint8Array(fs.readFileSync(path.join(ARCHIVE, "participating_2026-05-01.xlsx")));
    ice.set(PAGE, { body: icePage({ participating: `${DOC}/participatingAgencies05012026am.xlsx` }) });
    ice.set(`${DOC}/participatingAgencies05012026am.xlsx`, { body: good });
    const third = await run(db, archive);
    expect(third.rejected).toEqual([]);
    expect(third.error).toBeNull();
    expect([0, 3]).toContain(third.exitCode);
  });

  it("a workbook that is not a 287(g) list is rejected the same way, and the other list still comes in", async () => {
    const db = copyArchiveDb();
    const archive = path.join(tmpDir("g287-rejected-"), "lists");
    const before = await storeFingerprint(db);
    const stats = writeXlsx(path.join(tmpDir("g287-stats-"), "stats.xlsx"), [
      ["FISCAL YEAR", "REMOVALS"],
      [2025, 1],
    ]);
    ice.clear();
    ice.set(PAGE, {
      body: icePage({
        participating: `${DOC}/participatingAgencies05042026am.xlsx`,
        pending: `${DOC}/pendingAgencies02272026am.xlsx`,
      }),
    });
    ice.set(`${DOC}/participatingAgencies05042026am.xlsx`, workbook(new Uint8Array(fs.readFileSync(stats))));
    ice.set(
      `${DOC}/pendingAgencies02272026am.xlsx`,
      workbook(new Uint8Array(fs.readFileSync(path.join(ARCHIVE, "pending_2026-02-27.xlsx")))),
    );
    const s = await run(db, archive);
    expect(s.exitCode).toBe(1);
    expect(s.error).toMatch(/not a readable 287\(g\) list: no header row naming STATE and LAW ENFORCEMENT AGENCY/);
    expect(s.files.map((f) => [f.originalFilename, f.status])).toEqual([
      ["participatingAgencies05042026am.xlsx", "rejected"],
      ["pendingAgencies02272026am.xlsx", "new"],
    ]);
    // The pending list is one the ledger has already: kept in the archive, nothing new in the store.
    expect(fs.readdirSync(path.join(archive, "lists"))).toHaveLength(1);
    expect(await storeFingerprint(db)).toBe(before);
  });
});
