// Every ICE name in the real archive's SIGHTINGS.csv, read by the file-name rule table
// (src/sources/file-name.ts) and dated as the archive dates it, typo repairs and captures included.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { dateFromFileName } from "../src/sources/file-name.js";
import { ARCHIVE } from "./helpers.js";

describe("every ICE name in the real archive", () => {
  const rows = parse(fs.readFileSync(path.join(ARCHIVE, "SIGHTINGS.csv"), "utf8"), { columns: true }) as Record<
    string,
    string
  >[];
  const squash = (slot: string) => slot.replace(/[_ ]/g, "").toLowerCase();

  it("is read by a rule, dated as the archive dates it (typo repairs named), with the archive's slot", () => {
    const ice = rows.filter((r) => r.basis === "ice_filename");
    expect(ice.length).toBeGreaterThan(600);
    const wrong: string[] = [];
    for (const r of ice) {
      const d = dateFromFileName(r.original_filename as string);
      if (!d || d.date !== r.date || squash(d.slot) !== squash(r.slot as string) || d.kindHint !== r.filename_kind)
        wrong.push(`${r.original_filename}: ${JSON.stringify(d)} vs ${r.date} ${r.slot}`);
    }
    expect(wrong).toEqual([]);
    // The one real name without am/pm that the new forms share.
    expect(ice.some((r) => r.original_filename === "participatingAgencies04232026.xlsx" && r.slot === "")).toBe(true);
  });

  it("repairs the typos the archive corrected, or leaves them to the newest SIGNED date (never a wrong century)", () => {
    const fixed = rows.filter((r) => r.basis === "ice_filename_corrected" || r.basis === "ice_filename_year_corrected");
    expect(fixed.length).toBeGreaterThan(5);
    for (const r of fixed) {
      const d = dateFromFileName(r.original_filename as string);
      expect(d, r.original_filename).not.toBeNull();
      const days = (Date.parse(r.date as string) - Date.parse(d?.date as string)) / 86_400_000;
      // Either the same date, or an earlier one that the content check (up to 10 days) or the
      // archive's year correction moves forward: never a later one, never another century.
      expect(days, r.original_filename).toBeGreaterThanOrEqual(0);
      expect(d?.date.slice(0, 2)).toBe("20");
    }
  });

  it("reads the web-archive captures as captures", () => {
    const captures = rows.filter((r) => r.basis === "wayback_capture_of_ice_file");
    expect(captures.length).toBeGreaterThan(100);
    for (const r of captures)
      expect(dateFromFileName(r.original_filename as string), r.original_filename).toMatchObject({
        date: r.date,
        slot: r.slot,
        basis: "capture",
      });
  });
});
