// Hostile files made from nothing: bombs, huge sheets, deep nesting, odd names, each a small
// workbook built part by part.
import { int, ODD_DATES, ODD_NAMES, pick, type Rng } from "./inputs.js";
import { col, HEADER, listXlsx, type Part, repeatedDeflate, rowXml, zipParts } from "./xlsx-build.js";

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = "</sheetData></worksheet>";
const sheetPart = (deflated: Part["deflated"], claimSize?: number): Part => ({
  name: "xl/worksheets/sheet1.xml",
  deflated,
  ...(claimSize !== undefined ? { claimSize } : {}),
});
const listRow = (r: number, agency: string, signed: number | string = 45000) =>
  rowXml(r, ["TEXAS", agency, "County", "Task Force Model", signed]);

export const HOSTILE: Record<string, (rng: Rng) => { detail: string; bytes: Buffer; ext?: string }> = {
  "zip-bomb": (rng) => {
    const count = int(rng, 80, 2600);
    const lie = rng() < 0.5;
    const d = repeatedDeflate(SHEET_HEAD + rowXml(1, HEADER), Buffer.alloc(1 << 20, 32), count, SHEET_TAIL);
    return {
      detail: `a worksheet inflating to ${count} MB${lie ? ", its header claiming 1 KB" : ""}`,
      bytes: zipParts(bookFrom([sheetPart(d, lie ? 1024 : undefined)])),
    };
  },
  "shared-string-bomb": (rng) => {
    const mb = int(rng, 65, 200);
    const d = repeatedDeflate(
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
      Buffer.alloc(1 << 20, 65),
      mb,
      "</t></si></sst>",
    );
    return {
      detail: `one shared string of ${mb} MB`,
      bytes: zipParts(
        bookFrom(
          [{ name: "xl/sharedStrings.xml", deflated: d }],
          rowXml(1, HEADER) + '<row r="2"><c r="B2" t="s"><v>0</v></c></row>',
        ),
      ),
    };
  },
  "wide-sheet": (rng) => {
    const n = int(rng, 201, 100_000);
    const cells: string[] = [];
    for (let c = 1; c <= n; c++) cells.push(`<c r="${col(c)}2"><v>1</v></c>`);
    return {
      detail: `${n} columns`,
      bytes: zipParts(bookFrom([], rowXml(1, HEADER) + `<row r="2">${cells.join("")}</row>`)),
    };
  },
  "tall-sheet": (rng) => {
    const r = int(rng, 200_001, 1_048_576);
    return {
      detail: `a cell in row ${r}`,
      bytes: zipParts(bookFrom([], rowXml(1, HEADER) + listRow(r, "Far Away SO"))),
    };
  },
  "tall-csv": (rng) => {
    const n = int(rng, 200_001, 230_000);
    const lines = ["STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED"];
    for (let i = 0; i < n; i++) lines.push(`TX,A${i},TFM,2025-01-01`);
    return { detail: `${n} csv rows`, bytes: Buffer.from(lines.join("\n")), ext: "csv" };
  },
  "huge-cell-csv": (rng) => {
    const n = int(rng, 10_001, 10_000_000);
    return {
      detail: `a csv cell of ${n} characters`,
      bytes: Buffer.from(`STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE\nTX,"${"A".repeat(n)}",TFM\n`),
      ext: "csv",
    };
  },
  "huge-cell-xlsx": (rng) => {
    const n = int(rng, 10_001, 2_000_000);
    return {
      detail: `an inline cell of ${n} characters`,
      bytes: listXlsx([["TEXAS", "A".repeat(n), "County", "TFM", 45000]]),
    };
  },
  "wide-csv": (rng) => {
    const n = int(rng, 201, 50_000);
    return {
      detail: `a csv row of ${n} columns`,
      bytes: Buffer.from(`STATE,LAW ENFORCEMENT AGENCY\nTX,A${",x".repeat(n)}\n`),
      ext: "csv",
    };
  },
  "hyperlink-range": (rng) => {
    const ref = pick(rng, ["A1:XFD1048576", "A1:A1048576", "A1:ZZ2", "B2:GS2"]);
    return {
      detail: `a hyperlink over ${ref}`,
      bytes: zipParts(
        bookFrom([], rowXml(1, HEADER), `<hyperlinks><hyperlink ref="${ref}" location="x"/></hyperlinks>`),
      ),
    };
  },
  "many-entries": (rng) => {
    const n = int(rng, 10_001, 20_000);
    const extra: Part[] = [];
    for (let i = 0; i < n; i++) extra.push({ name: `x/${i}.xml`, data: "", stored: true });
    return {
      detail: `${n} zip entries`,
      bytes: zipParts(bookFrom(extra, rowXml(1, HEADER) + listRow(2, "Harris County SO"))),
    };
  },
  "tag-bomb": (rng) => {
    const mb = int(rng, 12, 40);
    const d = repeatedDeflate(SHEET_HEAD + rowXml(1, HEADER), Buffer.from("<x/>".repeat(1 << 18)), mb, SHEET_TAIL);
    return { detail: `${mb} MB of empty tags in the worksheet`, bytes: zipParts(bookFrom([sheetPart(d)])) };
  },
  "deep-nesting": (rng) => {
    const depth = int(rng, 1000, 200_000);
    const nest = `${"<r>".repeat(depth)}<t>x</t>${"</r>".repeat(depth)}`;
    return {
      detail: `an inline string nested ${depth} deep`,
      bytes: zipParts(
        bookFrom([], `${rowXml(1, HEADER)}<row r="2"><c r="A2" t="inlineStr"><is>${nest}</is></c></row>`),
      ),
    };
  },
  "cdata-runs": (rng) => {
    const n = int(rng, 1000, 100_000);
    return {
      detail: `a shared string of ${n} CDATA sections`,
      bytes: zipParts(
        bookFrom(
          [
            {
              name: "xl/sharedStrings.xml",
              data: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${"<![CDATA[a]]>".repeat(n)}</t></si></sst>`,
            },
          ],
          rowXml(1, HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
        ),
      ),
    };
  },
  "odd-names": (rng) => {
    const rows = Array.from({ length: int(rng, 1, 12) }, () => [
      pick(rng, ["TEXAS", "__proto__", "constructor", "Florida"]),
      pick(rng, ODD_NAMES),
      pick(rng, ["County", "toString", "__proto__"]),
      pick(rng, ["Task Force Model", "constructor", "JEM"]),
      pick(rng, ODD_DATES),
    ]);
    return {
      detail: `rows named ${rows
        .map((r) => JSON.stringify(r[1]))
        .join(", ")
        .slice(0, 80)}`,
      bytes: listXlsx(rows, { sheetName: pick(rng, ["__proto__", "constructor", "Sheet1"]) }),
    };
  },
  "bad-serials": (rng) => {
    const v = pick(rng, ODD_DATES);
    return {
      detail: `SIGNED ${v}`,
      bytes: listXlsx([
        ["TEXAS", "Harris County SO", "County", "TFM", v],
        ["TEXAS", "Tarrant County SO", "County", "JEM", 45000],
      ]),
    };
  },
  "zip-oddities": (rng) => {
    const b = listXlsx([["TEXAS", "Harris County SO", "County", "TFM", 45000]]);
    const out = Buffer.from(b);
    const how = int(rng, 0, 3);
    // Local header of the first entry: flags at 6, method at 8.
    if (how === 0) out.writeUInt16LE(1, 6);
    else if (how === 1) out.writeUInt16LE(99, 8);
    else if (how === 2) out.writeUInt32LE(0xffffffff, out.length - 6);
    else out.writeUInt16LE(0xffff, out.length - 14);
    return {
      detail: ["encrypted flag", "compression method 99", "directory offset past the end", "65,535 entries claimed"][
        how
      ] as string,
      bytes: out,
    };
  },
};

function bookFrom(parts: Part[], rows?: string, after?: string): Part[] {
  const names = new Set(parts.map((p) => p.name));
  const hasStrings = names.has("xl/sharedStrings.xml");
  const base = zipPartsList(rows ?? "", after ?? "", hasStrings);
  return [...base.filter((p) => !names.has(p.name)), ...parts];
}

function zipPartsList(rows: string, after: string, strings: boolean): Part[] {
  // The same parts listXlsx writes, with the rows given.
  const CT = "application/vnd.openxmlformats-officedocument.spreadsheetml";
  const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  return [
    {
      name: "[Content_Types].xml",
      data: `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/>${strings ? `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/>` : ""}</Types>`,
    },
    {
      name: "_rels/.rels",
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      data: `<workbook ${NS} ${NS_R}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>${strings ? `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ""}</Relationships>`,
    },
    {
      name: "xl/worksheets/sheet1.xml",
      data: `${SHEET_HEAD.replace("<sheetData>", "")}<sheetData>${rows}${SHEET_TAIL.replace("</worksheet>", "")}${after}</worksheet>`,
    },
  ];
}
