// Readers: real lists from every era, and hand-made broken files.
import fs from "node:fs";
import path from "node:path";
import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { readSheet } from "../src/sheets/read-sheet.js";
import { ARCHIVE, tmpDir, writeXlsx } from "./helpers.js";

const read = (f: string) => readSheet(fs.readFileSync(path.join(ARCHIVE, f)), f);
const fields = (f: string) => read(f).columns.map((c) => c.field);
/** The fields every list has had since COUNTY was inserted (2025-03-17), before signed, moa and addendum. */
const COUNTY_ERA = ["state", "agency", "type", "county", "model"];

describe("reading the real lists", () => {
  it("reads the HTML-era csv with the MOA URL as text", () => {
    const s = read("participating_2021-01-13.csv");
    expect(s.format).toBe("csv");
    expect(s.kind).toBe("participating");
    expect(s.rows).toHaveLength(150);
    expect(fields("participating_2021-01-13.csv")).toEqual(["state", "agency", "model", "signed", "moa"]);
    expect(s.rows[0]?.cells[4]?.v).toMatch(/^https:\/\/www\.ice\.gov\/doclib\/287gMOA\//);
  });

  it("maps columns by header name when COUNTY is inserted (2025-03-17) and ADDENDUM appended (2025-07-01)", () => {
    expect(fields("participating_2025-03-07.xlsx")).toEqual(["state", "agency", "type", "model", "signed", "moa"]);
    expect(fields("participating_2025-03-17.xlsx")).toEqual([...COUNTY_ERA, "signed", "moa"]);
    expect(fields("participating_2025-07-01.xlsx")).toEqual([...COUNTY_ERA, "signed", "moa", "addendum"]);
  });

  it("reads MOA URLs from cell hyperlinks, keeps number formats, and skips phantom columns", () => {
    const s = read("participating_2025-09-18.xlsx");
    // The sheet's range runs to column M, but only A–H carry a header or data.
    expect(s.columns.map((c) => c.key)).toEqual([
      "STATE",
      "LAW ENFORCEMENT AGENCY",
      "TYPE",
      "COUNTY",
      "SUPPORT TYPE",
      "SIGNED",
      "MOA",
      "ADDENDUM",
    ]);
    const moa = s.columns.findIndex((c) => c.field === "moa");
    const signed = s.columns.findIndex((c) => c.field === "signed");
    const row = s.rows[0];
    expect(row?.cells[moa]?.v).toBe("link");
    expect(row?.cells[moa]?.link).toBe(
      "https://www.ice.gov/doclib/287gMOA/CherokeeCoSheriffsOfficeAL_WSO_MOA_06252025.pdf",
    );
    expect(row?.cells[signed]).toEqual({ v: 45833, z: "m/d/yy" });
    expect(s.rows).toHaveLength(1000);
  });

  it("skips the blank row inside the data (2025-09-24) and trailing blank rows, keeping row numbers", () => {
    const s = read("participating_2025-09-24.xlsx");
    const numbers = s.rows.map((r) => r.row);
    const gaps = numbers.filter((n, i) => i > 0 && n !== (numbers[i - 1] as number) + 1);
    expect(gaps.length).toBe(1);
    expect(s.notes.some((n) => n.rule === "blank_rows_skipped")).toBe(true);
  });

  it("reads the list sheet of a workbook that also holds a summary sheet (2026-03-02)", () => {
    const s = read("participating_2026-03-02.xlsx");
    expect(s.sheetName).toBe("Sheet1");
    expect(s.sheetNames).toEqual(["Sheet1", "Sheet2"]);
    expect(s.notes.find((n) => n.rule === "extra_sheets_ignored")?.detail).toContain("Sheet2");
  });

  it("decides the kind by content: the swapped 2025-09-22 pm files", () => {
    // ICE's participatingAgencies09222025pm.xlsx holds the pending list, and vice versa.
    expect(read("pending_2025-09-22_2.xlsx").kind).toBe("pending");
    expect(read("participating_2025-09-18.xlsx").kind).toBe("participating");
    expect(read("pending_2026-02-27.xlsx").columns.map((c) => c.field)).toEqual([...COUNTY_ERA, "moa"]);
  });

  it("reads a pending list with a header and no rows as an empty list", () => {
    const s = read("pending_2025-11-06_2.xlsx");
    expect(s.kind).toBe("pending");
    expect(s.rows).toHaveLength(0);
  });
});

describe("bad files give one clear error naming the file", () => {
  const dir = tmpDir();
  const err = (bytes: Uint8Array | string, name: string) => {
    try {
      readSheet(typeof bytes === "string" ? Buffer.from(bytes) : bytes, name);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).describe();
    }
    throw new Error("expected an error");
  };

  it("an HTML block page saved as .xlsx", () => {
    expect(
      err("<!DOCTYPE html><html><body>Access Denied</body></html>", "participatingAgencies05182026am.xlsx"),
    ).toMatch(/^participatingAgencies05182026am\.xlsx: is an HTML page, not a spreadsheet/);
  });

  it("a truncated zip", () => {
    const real = fs.readFileSync(path.join(ARCHIVE, "participating_2026-03-27.xlsx"));
    expect(err(real.subarray(0, real.length / 2), "cut.xlsx")).toMatch(/^cut\.xlsx: not a readable xlsx workbook/);
  });

  it("an empty file", () => {
    expect(err(new Uint8Array(0), "empty.xlsx")).toBe("empty.xlsx: empty file (0 bytes); expected an xlsx or csv list");
  });

  it("an xlsx without the expected headers", () => {
    const f = writeXlsx(path.join(dir, "noheader.xlsx"), [
      ["NAME", "DATE"],
      ["x", 1],
    ]);
    expect(err(fs.readFileSync(f), "noheader.xlsx")).toMatch(/no header row naming STATE and LAW ENFORCEMENT AGENCY/);
  });

  it("infers an unnamed column of dates as SIGNED, by a named rule", () => {
    const f = writeXlsx(path.join(dir, "nosigned.xlsx"), [
      ["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", null],
      ["TEXAS", "Harris County Sheriff's Office", "Task Force Model", 45714],
    ]);
    // aoa_to_sheet writes a bare number; give it a date format as ICE's files do.
    const s0 = readSheet(fs.readFileSync(f), "nosigned.xlsx");
    expect(s0.kind).toBe("pending"); // an unformatted number is not evidence of a date
    const wb = XLSX.read(fs.readFileSync(f));
    const ws = wb.Sheets.Sheet1 as XLSX.WorkSheet;
    (ws.D2 as XLSX.CellObject).z = "m/d/yy";
    fs.writeFileSync(f, XLSX.write(wb, { type: "buffer", bookType: "xlsx" }));
    const s = readSheet(fs.readFileSync(f), "nosigned.xlsx");
    expect(s.kind).toBe("participating");
    expect(s.columns[3]?.mappedBy).toBe("inferred_signed_column");
    expect(s.notes[0]?.rule).toBe("inferred_signed_column");
  });
});
