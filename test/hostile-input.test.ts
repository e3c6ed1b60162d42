// Issue 13, the reading side: no cell can throw, every resource bomb is refused by a named limit
// with one line and exit 1 and an unchanged store, and archive folders stay inside themselves.
// Big fixtures are generated into os.tmpdir() at test time; results feed SECURITY.md's table.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { loadCorrections } from "../src/normalize/corrections.js";
import { parseSignedDate } from "../src/normalize/dates.js";
import { normalizeRows } from "../src/normalize/row.js";
import { parseSnapshot } from "../src/pipeline/parse.js";
import { LIMITS, LimitError, type LimitName } from "../src/sheets/limits.js";
import { readSheet } from "../src/sheets/read-sheet.js";
import type { Sheet } from "../src/sheets/types.js";
import { readArchive } from "../src/sources/archive.js";
import { sha256 } from "../src/sources/read-file.js";
import { type SecurityRow, writeSecurityRows } from "./fuzz/security-table.js";
import { bookParts, col, HEADER, listXlsx, repeatedDeflate, rowXml, zipParts } from "./fuzz/xlsx-build.js";
import { ARCHIVE, BIN, copyArchiveDb, ROOT, storeFingerprint, tmpDir } from "./helpers.js";

const rows: SecurityRow[] = [];
const record = (cls: string, name: string, guarantee: string, result: string) =>
  rows.push({ class: cls, case: name, guarantee, result });
afterAll(() => writeSecurityRows("input.json", rows));

const fixes = loadCorrections();
const dir = tmpDir("g287-hostile-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sheetOf(cells: (string | number | null)[][]): Sheet {
  const fields = ["state", "agency", "type", "county", "model", "signed"] as const;
  return {
    format: "xlsx",
    sheetName: "Sheet1",
    sheetNames: ["Sheet1"],
    headerRow: 1,
    columns: fields.map((f, i) => ({ index: i, header: f.toUpperCase(), key: f, field: f, mappedBy: "header" })),
    rows: cells.map((c, i) => ({
      row: i + 2,
      cells: c.map((v) => (typeof v === "number" ? { v, z: "m/d/yy" } : { v })),
    })),
    kind: "participating",
    notes: [],
  };
}

const PROTO_WORDS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "prototype"];

describe("no cell can throw", () => {
  it("agency, state, type, county and model cells named like Object.prototype's properties are read as text", () => {
    for (const w of PROTO_WORDS) {
      const [a, b, c] = normalizeRows(
        sheetOf([
          ["Texas", w, "County", w, "Task Force Model", 45000],
          ["Texas", `${w} County Sheriff's Office`, w, "Harris", w, 45000],
          [w, "Harris County SO", "County", "Harris", "TFM", 45000],
        ]),
        fixes,
      );
      expect(a?.agency).toBe(w);
      expect(a?.problems).toEqual([]);
      expect(a?.county).toBe(w);
      expect(b?.agencyKey).toBe(`${w.replace(/_/g, "").toLowerCase()} county sheriffs office`);
      expect(b?.problems).toEqual([`unknown SUPPORT TYPE "${w}"`]);
      expect(c?.problems).toEqual([`unknown state "${w}"`]);
    }
    record(
      "bad cell",
      "agency, state and county names such as constructor and __proto__",
      "read as text, never an exception",
      "held",
    );
  });

  it("headers named like Object.prototype's properties are unknown columns", () => {
    const sheet = readSheet(
      zipParts(
        bookParts({
          rows:
            rowXml(1, ["STATE", "LAW ENFORCEMENT AGENCY", "constructor", "__proto__"]) +
            rowXml(2, ["TX", "A", "x", "y"]),
        }),
      ),
      "odd-headers.xlsx",
    );
    expect(sheet.columns.map((c) => c.field)).toEqual(["state", "agency", null, null]);
    expect(sheet.columns.map((c) => c.key)).toEqual(["STATE", "LAW ENFORCEMENT AGENCY", "constructor", "__proto__"]);
  });

  it("a SIGNED serial far outside any real date is unknown by rule signed_serial_out_of_range", () => {
    for (const v of [1e12, -5, 0, 1e308, Number.POSITIVE_INFINITY, 2_958_466, 3_000_000]) {
      expect(parseSignedDate(v)).toMatchObject({ date: null, flag: "signed_serial_out_of_range" });
    }
    for (const v of ["NaN", "1e12", "-5", "Infinity", "9".repeat(10_000)]) {
      expect(parseSignedDate(v)).toMatchObject({ date: null, flag: "signed_unparsed" });
    }
    expect(parseSignedDate(Number.NaN)).toMatchObject({ date: null, flag: "signed_unparsed" });
    // The last day Excel can show is still a day (and then out of the plausible years: unknown, no throw).
    expect(parseSignedDate(2_958_465).date).toBeNull();
    const [r] = normalizeRows(sheetOf([["Texas", "Harris County SO", "County", "Harris", "TFM", 1e12]]), fixes);
    expect(r?.signedOn).toBeNull();
    expect(r?.problems).toEqual([]);
    expect(r?.corrections).toContainEqual({
      field: "signed",
      rule: "signed_serial_out_of_range",
      before: "1000000000000",
      after: null,
    });
    record("bad cell", "SIGNED serials 1e12, -5, NaN, Infinity", "unknown by a named rule, never an exception", "held");
  });

  it("a SIGNED date more than a year after the list's date is unknown by rule signed_after_list", () => {
    const bytes = listXlsx([
      ["TEXAS", "Harris County SO", "County", "Task Force Model", "2099-01-01"],
      ["TEXAS", "Tarrant County SO", "County", "Task Force Model", "2025-12-01"],
    ]);
    const p = parseSnapshot(
      {
        location: "future.xlsx",
        fileName: "future.xlsx",
        bytes,
        sha256: sha256(bytes),
        observations: [
          {
            date: "2025-06-01",
            slot: "manual",
            basis: "publication",
            basisDetail: "manual",
            originalFilename: "future.xlsx",
            filenameKind: null,
            provenance: [],
          },
        ],
      },
      fixes,
    );
    expect(p.rows[0]?.signedOn).toBeNull();
    expect(p.rows[0]?.corrections.map((c) => c.rule)).toContain("signed_after_list");
    // Within a year of the list it stands (a list dated early by its file name must not lose dates).
    expect(p.rows[1]?.signedOn).toBe("2025-12-01");
    expect(p.newestSigned).toBe("2025-12-01");
    record("bad cell", "SIGNED 2099-01-01 on a 2025 list", "unknown by rule signed_after_list", "held");
  });

  it("a row whose cells still make normalisation fail is kept as unresolved with its reason; the others read", () => {
    const poisoned = {
      toString() {
        throw new Error("a cell no reader should produce");
      },
    };
    const sheet = sheetOf([
      ["Texas", "Harris County SO", "County", "Harris", "TFM", 45000],
      ["Texas", "x", "County", null, "TFM", 45000],
    ]);
    (sheet.rows[1]?.cells[1] as { v: unknown }).v = poisoned;
    const [ok, bad] = normalizeRows(sheet, fixes);
    expect(ok?.problems).toEqual([]);
    expect(bad?.row).toBe(3);
    expect(bad?.problems).toEqual(["row could not be read: a cell no reader should produce"]);
    record(
      "bad cell",
      "a row normalisation cannot read",
      "kept as an unresolved row with its file, row and reason",
      "held",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Resource bombs

interface Bomb {
  name: string;
  file: string;
  make: () => Buffer;
  limit: LimitName;
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = "</sheetData></worksheet>";

/** A sheet of 2,600 MB of spaces deflated to 2.7 MB; `claimSize` is the size its zip header states. */
function zipBomb(claimSize?: number): Buffer {
  const deflated = repeatedDeflate(SHEET_HEAD + rowXml(1, HEADER), Buffer.alloc(1 << 20, 32), 2600, SHEET_TAIL);
  return zipParts(bookParts({ sheet: { name: "xl/worksheets/sheet1.xml", deflated, claimSize } }));
}

const BOMBS: Bomb[] = [
  {
    name: "a 0.3 MB workbook with 100,000 columns",
    file: "wide.xlsx",
    limit: "columns",
    make: () => {
      const cells: string[] = [];
      for (let c = 1; c <= 100_000; c++) cells.push(`<c r="${col(c)}2"><v>1</v></c>`);
      return zipParts(bookParts({ rows: `${rowXml(1, HEADER)}<row r="2">${cells.join("")}</row>` }));
    },
  },
  {
    name: "a 2.7 MB zip bomb inflating to 2.7 GB",
    file: "bomb.xlsx",
    limit: "entryBytes",
    make: () => zipBomb(),
  },
  {
    name: "the same zip bomb with its header claiming 1 KB",
    file: "bomb-lying.xlsx",
    limit: "entryBytes",
    make: () => zipBomb(1024),
  },
  {
    // Six tags a row: the tag count, checked before any cell is built, stops it first.
    name: "a workbook of a million rows",
    file: "million.xlsx",
    limit: "sheetTags",
    make: () => {
      const parts = [rowXml(1, HEADER)];
      for (let r = 2; r <= 1_000_001; r++) parts.push(`<row r="${r}"><c r="A${r}"><v>1</v></c></row>`);
      return zipParts(bookParts({ rows: parts.join("") }));
    },
  },
  {
    name: "a workbook with a cell in row 1,000,001",
    file: "far-row.xlsx",
    limit: "rows",
    make: () =>
      zipParts(bookParts({ rows: `${rowXml(1, HEADER)}<row r="1000001"><c r="A1000001"><v>1</v></c></row>` })),
  },
  {
    name: "a csv of a million rows",
    file: "million.csv",
    limit: "rows",
    make: () => {
      const lines = ["STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED"];
      for (let i = 0; i < 1_000_000; i++) lines.push(`TX,Agency ${i},TFM,2025-01-01`);
      return Buffer.from(lines.join("\n"));
    },
  },
  {
    name: "a 0.1 MB workbook with one 100 MB shared string",
    file: "big-string.xlsx",
    limit: "entryBytes",
    make: () =>
      zipParts(
        bookParts({
          rows: `${rowXml(1, HEADER)}<row r="2"><c r="B2" t="s"><v>0</v></c></row>`,
          strings: {
            name: "xl/sharedStrings.xml",
            deflated: repeatedDeflate(
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
              Buffer.alloc(1 << 20, 65),
              100,
              "</t></si></sst>",
            ),
          },
        }),
      ),
  },
  {
    name: "a csv with 10 MB in one cell",
    file: "big-cell.csv",
    limit: "cellChars",
    make: () => Buffer.from(`STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE\nTX,"${"A".repeat(10_000_000)}",TFM\n`),
  },
  {
    name: "a hyperlink over every cell of the sheet",
    file: "hyperlink.xlsx",
    limit: "rows",
    make: () =>
      zipParts(
        bookParts({
          rows: rowXml(1, HEADER),
          after: '<hyperlinks><hyperlink ref="A1:XFD1048576" location="x"/></hyperlinks>',
        }),
      ),
  },
];

function oneLine(e: unknown, file: string, limit: LimitName): string {
  expect(e).toBeInstanceOf(LimitError);
  const err = e as LimitError;
  expect(err.limit).toBe(limit);
  const line = err.describe();
  expect(line).not.toContain("\n");
  expect(line.startsWith(file)).toBe(true);
  expect(line).toContain(`over the limit of ${LIMITS[limit].toLocaleString("en-US")}`);
  return line;
}

/** The bomb's bytes, made once and kept in the temp folder for the CLI runs. */
function bombFile(name: string): { file: string; bytes: Buffer } {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return { file, bytes: fs.readFileSync(file) };
  const bytes = (BOMBS.find((b) => b.file === name) as Bomb).make();
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

describe("every resource bomb is refused by a named limit", () => {
  for (const b of BOMBS) {
    it(`${b.name}: one line naming the file, the limit and the value, in under 2 s`, () => {
      const { bytes } = bombFile(b.file);
      const heap = process.memoryUsage().heapUsed;
      const t = performance.now();
      let err: unknown;
      try {
        readSheet(bytes, b.file);
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t;
      const line = oneLine(err, b.file, b.limit);
      expect(ms).toBeLessThan(2000);
      // Refused before the bomb is built: the heap grows by far less than the inflated size.
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(256 * 1024 * 1024);
      record(
        "resource bomb",
        `${b.name} (${(bytes.length / 1e6).toFixed(1)} MB)`,
        "refused by a named limit, one line, exit 1, store unchanged",
        `held: ${line.replace(`${b.file}: `, "")}`,
      );
    });
  }

  // Through the CLI, as a process: exit 1, one line on stderr, no trace, bounded memory, and the
  // archive ledger unchanged.
  it.each(["wide.xlsx", "bomb-lying.xlsx", "million.xlsx", "big-string.xlsx", "big-cell.csv"])(
    "g287 ingest %s exits 1 with one line and leaves the store unchanged",
    async (name) => {
      const { file } = bombFile(name);
      const db = copyArchiveDb();
      const before = await storeFingerprint(db);
      const t = performance.now();
      const r = spawnSync(
        "/usr/bin/time",
        ["-f", "maxrss_kb=%M", BIN, "ingest", file, "--db", db, "--published-at", "2026-06-01"],
        {
          encoding: "utf8",
          cwd: ROOT,
          env: { ...process.env, G287_DEBUG: "" },
        },
      );
      const ms = performance.now() - t;
      const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]);
      // /usr/bin/time adds its own lines (the peak memory, and "Command exited with non-zero status").
      const lines = r.stderr
        .split("\n")
        .filter((l) => l && !l.startsWith("maxrss_kb=") && !l.startsWith("Command exited"));
      expect(r.status).toBe(1);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^g287: .*${name.replace(".", "\\.")}( row \\d+)?: over the limit of `));
      expect(rss / 1024).toBeLessThan(512);
      expect(ms).toBeLessThan(30_000);
      expect(await storeFingerprint(db)).toBe(before);
      fs.rmSync(path.dirname(db), { recursive: true, force: true });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Archive folders

function archiveFolder(files: { name: string; bytes?: Buffer; manifestName?: string }[]): string {
  const d = tmpDir("g287-archive-");
  const manifest = ["file,kind,first_seen,last_seen,sha256"];
  const sightings = ["date,slot,kind,file,basis,original_filename"];
  for (const f of files) {
    if (f.bytes) fs.writeFileSync(path.join(d, f.name), f.bytes);
    const name = f.manifestName ?? f.name;
    const sum = f.bytes ? sha256(f.bytes) : "0".repeat(64);
    manifest.push(`${name},participating,2021-01-13,2021-01-13,${sum}`);
    sightings.push(`2021-01-13,am,participating,${name},manual,${path.basename(name)}`);
  }
  fs.writeFileSync(path.join(d, "MANIFEST.csv"), `${manifest.join("\n")}\n`);
  fs.writeFileSync(path.join(d, "SIGHTINGS.csv"), `${sightings.join("\n")}\n`);
  return d;
}

function inputErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const line = (e as InputError).describe();
    expect(line).not.toContain("\n");
    return line;
  }
  throw new Error("expected an InputError");
}

describe("archive folders stay inside themselves", () => {
  const real = fs.readFileSync(path.join(ARCHIVE, "participating_2021-01-13.csv"));
  const outside = path.join(dir, "outside.csv");
  fs.writeFileSync(outside, real);

  it("reads a well-formed folder, and a symlink that stays inside it", () => {
    const d = archiveFolder([{ name: "a.csv", bytes: real }]);
    fs.symlinkSync("a.csv", path.join(d, "b.csv"));
    fs.appendFileSync(path.join(d, "MANIFEST.csv"), `b.csv,participating,2021-01-13,2021-01-13,${sha256(real)}\n`);
    const a = readArchive(d);
    expect(a.files.map((f) => f.fileName)).toEqual(["a.csv", "b.csv"]);
  });

  it.each([
    ["a ../ path", "../outside.csv"],
    ["a deeper ../ path", "sub/../../outside.csv"],
    ["an absolute path", "/etc/passwd"],
  ])("refuses %s in MANIFEST.csv", (_what, name) => {
    const d = archiveFolder([
      { name: "a.csv", bytes: real },
      { name, manifestName: name },
    ]);
    const line = inputErrorOf(() => readArchive(d));
    expect(line).toContain("MANIFEST.csv row 3");
    expect(line).toContain("is outside the archive folder");
    record("archive folder", `MANIFEST.csv path ${name}`, "refused, one line", "held");
  });

  it("refuses a symlink leading out of the folder", () => {
    const d = archiveFolder([{ name: "a.csv", bytes: real }]);
    fs.symlinkSync(outside, path.join(d, "evil.csv"));
    fs.appendFileSync(path.join(d, "MANIFEST.csv"), `evil.csv,participating,2021-01-13,2021-01-13,${sha256(real)}\n`);
    expect(inputErrorOf(() => readArchive(d))).toMatch(/evil\.csv: is a link to .*outside\.csv, outside the folder/);
    record("archive folder", "a symlink to a file outside the folder", "refused, one line", "held");
  });

  it("refuses a MANIFEST.csv that is itself a link out of the folder", () => {
    const d = archiveFolder([{ name: "a.csv", bytes: real }]);
    const elsewhere = path.join(dir, "elsewhere-manifest.csv");
    fs.renameSync(path.join(d, "MANIFEST.csv"), elsewhere);
    fs.symlinkSync(elsewhere, path.join(d, "MANIFEST.csv"));
    expect(inputErrorOf(() => readArchive(d))).toMatch(/MANIFEST\.csv: is a link to .*, outside the folder/);
  });

  it("refuses a FIFO and a device", () => {
    const d = archiveFolder([{ name: "a.csv", bytes: real }]);
    expect(spawnSync("mkfifo", [path.join(d, "pipe.csv")]).status).toBe(0);
    fs.appendFileSync(path.join(d, "MANIFEST.csv"), `pipe.csv,participating,2021-01-13,2021-01-13,${sha256(real)}\n`);
    // Returns at once: a FIFO is never opened for reading.
    expect(inputErrorOf(() => readArchive(d))).toMatch(/pipe\.csv: not a regular file \(a FIFO\)/);
    const e = archiveFolder([{ name: "a.csv", bytes: real }]);
    fs.symlinkSync("/dev/zero", path.join(e, "zero.csv"));
    fs.appendFileSync(path.join(e, "MANIFEST.csv"), `zero.csv,participating,2021-01-13,2021-01-13,${sha256(real)}\n`);
    expect(inputErrorOf(() => readArchive(e))).toMatch(/zero\.csv: is a link to \/dev\/zero, outside the folder/);
    record(
      "archive folder",
      "a FIFO or a link to a device in the folder",
      "refused without blocking, one line",
      "held",
    );
  });

  it("g287 ingest of a folder with a ../ manifest path exits 1 with one line, store unchanged", async () => {
    const d = archiveFolder([
      { name: "a.csv", bytes: real },
      { name: "x", manifestName: "../outside.csv" },
    ]);
    const db = copyArchiveDb();
    const before = await storeFingerprint(db);
    const r = spawnSync(BIN, ["ingest", d, "--db", db], { encoding: "utf8", cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^g287: .*MANIFEST\.csv row 3: file "\.\.\/outside\.csv" is outside the archive folder/);
    expect(await storeFingerprint(db)).toBe(before);
    fs.rmSync(path.dirname(db), { recursive: true, force: true });
  });

  it("a plain folder of lists refuses a symlink out of it", () => {
    const d = tmpDir("g287-folder-");
    fs.writeFileSync(path.join(d, "participatingAgencies01132021am.csv"), real);
    fs.symlinkSync(outside, path.join(d, "participatingAgencies01142021am.csv"));
    const r = spawnSync(BIN, ["ingest", d, "--db", path.join(d, "x.db")], { encoding: "utf8", cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/participatingAgencies01142021am\.csv: is a link to .*outside the folder/);
    expect(fs.existsSync(path.join(d, "x.db"))).toBe(false);
  });
});
