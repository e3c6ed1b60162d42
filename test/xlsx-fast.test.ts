// The fast xlsx reader against its oracle, SheetJS: every real list must read to the same Sheet
// (cell values, formats, links, notes), and odd files must fall back to SheetJS, errors included.
import fs from "node:fs";
import path from "node:path";
import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { readXlsx, readXlsxFast, readXlsxSheetJs } from "../src/sheets/read-xlsx.js";
import type { Sheet } from "../src/sheets/types.js";
import { ARCHIVE } from "./helpers.js";

function archiveWorkbooks(): string[] {
  if (!fs.existsSync(ARCHIVE))
    throw new Error(`the archive of real lists is missing: expected ${ARCHIVE} (../shared/data/ice)`);
  const files = fs
    .readdirSync(ARCHIVE)
    .filter((f) => f.endsWith(".xlsx"))
    .sort();
  if (files.length === 0) throw new Error(`no .xlsx list in ${ARCHIVE}`);
  return files;
}

/** Same Sheet, and the same JSON (raw cells are stored as JSON, so key order counts too). */
function expectSameSheet(fast: Sheet | undefined, reference: Sheet): void {
  expect(fast).toBeDefined();
  expect(fast).toStrictEqual(reference);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
}

describe("the fast reader reads every real list exactly as SheetJS does", () => {
  it.each(archiveWorkbooks())("%s", (file) => {
    const bytes = fs.readFileSync(path.join(ARCHIVE, file));
    expectSameSheet(readXlsxFast(bytes, file), readXlsxSheetJs(bytes, file));
  });
});

// Hand-made workbooks, written part by part, for what the archive does not hold.
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT = "application/vnd.openxmlformats-officedocument.spreadsheetml";

function zip(parts: Record<string, string>): Buffer {
  const cfb = XLSX.CFB.utils.cfb_new();
  for (const [name, text] of Object.entries(parts)) XLSX.CFB.utils.cfb_add(cfb, name, Buffer.from(text, "utf8"));
  return XLSX.CFB.write(cfb, { fileType: "zip", type: "buffer", compression: true }) as Buffer;
}

function workbook(opts: { rows: string; after?: string; strings: string[]; sheetRels?: string }): Buffer {
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
  return zip({
    "[Content_Types].xml": `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/></Types>`,
    "_rels/.rels": `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${xml}<workbook ${NS} ${NS_R}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    "xl/styles.xml": `${xml}<styleSheet ${NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd;@"/></numFmts><cellXfs count="3"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    "xl/sharedStrings.xml": `${xml}<sst ${NS} count="${opts.strings.length}" uniqueCount="${opts.strings.length}">${opts.strings.map((s) => `<si>${s}</si>`).join("")}</sst>`,
    "xl/worksheets/sheet1.xml": `${xml}<worksheet ${NS} ${NS_R}><dimension ref="A1:H4"/><sheetData>${opts.rows}</sheetData>${opts.after ?? ""}</worksheet>`,
    ...(opts.sheetRels
      ? {
          "xl/worksheets/_rels/sheet1.xml.rels": `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${opts.sheetRels}</Relationships>`,
        }
      : {}),
  });
}

const HEADER_STRINGS = ["<t>STATE</t>", "<t>LAW ENFORCEMENT AGENCY</t>", "<t>SIGNED</t>", "<t>NOTE</t>", "<t>MOA</t>"];
const HEADER_ROW =
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>';

/** Reads a hand-made workbook both ways, checks they agree, and returns the fast reader's Sheet. */
function readBoth(bytes: Buffer): Sheet {
  const reference = readXlsxSheetJs(bytes, "hand-made.xlsx");
  const fast = readXlsxFast(bytes, "hand-made.xlsx");
  expectSameSheet(fast, reference);
  return fast as Sheet;
}

const cell = (s: Sheet, row: number, key: string) => {
  const i = s.columns.findIndex((c) => c.key === key);
  return s.rows.find((r) => r.row === row)?.cells[i];
};

describe("the fast reader on hand-made workbooks", () => {
  it("joins rich-text runs, skips phonetic runs and decodes entities and _xHHHH_ escapes", () => {
    const s = readBoth(
      workbook({
        strings: [
          ...HEADER_STRINGS,
          "<t>TX</t>",
          '<r><rPr><b/><sz val="11"/><color rgb="FF000000"/></rPr><t>Harris County </t></r><r><t xml:space="preserve">Sheriff&apos;s Office</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh>',
          '<t xml:space="preserve">a_x000D_&#10;b &lt;c&gt; &amp;amp; &#X41;</t>',
          "<t/>",
        ],
        rows: `${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="s"><v>6</v></c><c r="D2" t="s"><v>7</v></c><c r="E2" t="s"><v>8</v></c></row>`,
      }),
    );
    expect(cell(s, 2, "LAW ENFORCEMENT AGENCY")?.v).toBe("Harris County Sheriff's Office");
    // _x000D_ and &#10; make CRLF, which SheetJS folds to LF; &#X41; (capital X) is read as decimal 41, ")".
    expect(cell(s, 2, "NOTE")?.v).toBe("a\nb <c> &amp; )");
    expect(cell(s, 2, "MOA")?.v).toBe("");
  });

  it("reads error cells, booleans, inline strings, formula strings and number formats", () => {
    const s = readBoth(
      workbook({
        strings: [...HEADER_STRINGS, "<t>TX</t>", "<t>AGENCY ONE</t>"],
        rows:
          HEADER_ROW +
          '<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="s"><v>6</v></c><c r="C2" s="1"><v>45922</v></c><c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="b"><v>1</v></c></row>' +
          '<row r="3"><c r="A3" t="inlineStr"><is><t>inline &amp; text</t></is></c><c r="B3" t="str"><f>A3</f><v>x &amp;amp; y</v></c><c r="C3" s="2"><v>45923.5</v></c><c r="D3" t="e"><v>#WTF?</v></c><c r="E3" t="b"><v>0</v></c></row>',
      }),
    );
    expect(cell(s, 2, "SIGNED")).toEqual({ v: 45922, z: "m/d/yy" });
    expect(cell(s, 2, "NOTE")?.v).toBe("#N/A");
    expect(cell(s, 2, "MOA")?.v).toBe(true);
    expect(cell(s, 3, "STATE")?.v).toBe("inline & text");
    // SheetJS unescapes a formula's cached string twice.
    expect(cell(s, 3, "LAW ENFORCEMENT AGENCY")?.v).toBe("x & y");
    expect(cell(s, 3, "SIGNED")).toEqual({ v: 45923.5, z: "yyyy\\-mm\\-dd;@" });
    expect(cell(s, 3, "NOTE")?.v).toBe("#ERROR");
    expect(cell(s, 3, "MOA")?.v).toBe(false);
  });

  it("puts hyperlink targets on cells, creating empty ones (and rows) where the sheet has none", () => {
    const s = readBoth(
      workbook({
        strings: [...HEADER_STRINGS, "<t>TX</t>", "<t>AGENCY ONE</t>", "<t>link</t>"],
        rows: `${HEADER_ROW}<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="s"><v>6</v></c><c r="E2" t="s"><v>7</v></c></row>`,
        after:
          '<hyperlinks><hyperlink ref="E2" r:id="rId7" display="link"/><hyperlink ref="D2" location="Sheet1!A1"/><hyperlink ref="E4" r:id="rId8"/></hyperlinks>',
        sheetRels: `<Relationship Id="rId7" Type="${REL}/hyperlink" Target="https://www.ice.gov/doclib/287gMOA/a_b.pdf?x=1&amp;y=2" TargetMode="External"/><Relationship Id="rId8" Type="${REL}/hyperlink" Target="https://example.org/%C3%A9" TargetMode="External"/>`,
      }),
    );
    expect(cell(s, 2, "MOA")).toEqual({ v: "link", link: "https://www.ice.gov/doclib/287gMOA/a_b.pdf?x=1&y=2" });
    expect(cell(s, 2, "NOTE")).toEqual({ v: null, link: "#Sheet1!A1" });
    // The link on E4 makes rows 3 and 4 exist, blank.
    expect(s.notes).toContainEqual({ rule: "blank_rows_skipped", detail: "2 blank row(s) skipped" });
  });
});

describe("workbooks the fast reader leaves to SheetJS", () => {
  const real = fs.readFileSync(path.join(ARCHIVE, archiveWorkbooks()[0] as string));

  const errorOf = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected an error");
  };

  it("a truncated zip gives SheetJS's InputError", () => {
    const cut = real.subarray(0, Math.floor(real.length / 2));
    expect(readXlsxFast(cut, "cut.xlsx")).toBeUndefined();
    const e = errorOf(() => readXlsx(cut, "cut.xlsx"));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^not a readable xlsx workbook \(corrupt or truncated\): /);
    expect(e.message).toBe(errorOf(() => readXlsxSheetJs(cut, "cut.xlsx")).message);
  });

  it("an xls (OLE) workbook is read by SheetJS", () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ["STATE", "LAW ENFORCEMENT AGENCY", "SIGNED"],
      ["TX", "AGENCY ONE", 45922],
    ]);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, "Sheet1");
    const xls = XLSX.write(wb, { type: "buffer", bookType: "biff8" }) as Buffer;
    expect(readXlsxFast(xls, "old.xls")).toBeUndefined();
    const s = readXlsx(xls, "old.xls");
    expect(s).toStrictEqual(readXlsxSheetJs(xls, "old.xls"));
    expect(s.rows).toHaveLength(1);
  });

  it("a sheet outside the plain form (a cell without a reference) is read by SheetJS", () => {
    const bytes = workbook({
      strings: [...HEADER_STRINGS, "<t>TX</t>"],
      rows: `${HEADER_ROW}<row r="2"><c t="s"><v>5</v></c></row>`,
    });
    expect(readXlsxFast(bytes, "odd.xlsx")).toBeUndefined();
    const s = readXlsx(bytes, "odd.xlsx");
    expect(s).toStrictEqual(readXlsxSheetJs(bytes, "odd.xlsx"));
    expect(s.rows[0]?.cells[0]?.v).toBe("TX");
  });

  it("SheetJS's own writer output reads the same either way", () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ["STATE", "LAW ENFORCEMENT AGENCY", "SIGNED", "NOTE"],
      ["TX", "A & B <C>", 45922, true],
    ]);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, "Sheet1");
    const bytes = XLSX.write(wb, { type: "buffer", bookType: "xlsx" }) as Buffer;
    const s = readBoth(bytes);
    expect(s.rows[0]?.cells.map((c) => c.v)).toEqual(["TX", "A & B <C>", 45922, true]);
  });
});
