// The same inputs give byte-identical exports across runs and time zones: dates come from Excel
// serials computed in UTC, and every export is sorted by id.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARCHIVE, cli, tmpDir } from "./helpers.js";

describe("determinism", () => {
  it("two replays of the same lists under two time zones and locales export the same bytes", () => {
    // A folder of lists without a manifest: HTML-era csv, the 2025 workbooks around the COUNTY
    // insertion, and pending lists, dated from their file names.
    const files = fs
      .readdirSync(ARCHIVE)
      .filter((f) => /^(participating|pending)_(2021-0|2025-0[23]|2025-09-2|2026-03-2)/.test(f))
      .sort();
    expect(files.length).toBeGreaterThan(30);
    const folder = tmpDir("g287-subset-");
    // Copies, not symlinks: an archive folder refuses links that lead outside it.
    for (const f of files) fs.copyFileSync(path.join(ARCHIVE, f), path.join(folder, f));
    // A different time zone and a locale whose collation differs ("NY" sorts before "NJ" in lt_LT).
    const runs = [
      { TZ: "America/Los_Angeles", LC_ALL: "en_US.UTF-8" },
      { TZ: "Asia/Tokyo", LC_ALL: "lt_LT.UTF-8" },
    ];
    const exports = runs.map((env) => {
      const db = path.join(tmpDir(), "d.db");
      const r = cli(["--db", db, "ingest", folder], env);
      expect(r.status, r.stderr).toBe(0);
      return ["agreements", "agencies", "events", "snapshots", "periods"].map(
        (d) => cli(["--db", db, "export", d], env).stdout,
      );
    });
    expect(exports[0]?.[0]?.split("\n").length).toBeGreaterThan(300);
    expect(exports[1]).toEqual(exports[0]);
  });
});
