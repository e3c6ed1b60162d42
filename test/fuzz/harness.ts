// The input fuzzer: seeded mutations of real ICE lists (bytes, zip entries, worksheet XML, shared
// strings, hyperlinks, dates, headers) and generated hostile files (bombs, huge sheets, deep
// nesting, odd names). Each case is ingested by a child process into a copy of a small store; the
// parent times it, kills it past the deadline, and counts the outcomes.
import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { looseEntries } from "../../src/sheets/zip.js";
import { col, escapeXml, HEADER, listXlsx, type Part, repeatedDeflate, rowXml, zipParts } from "./xlsx-build.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const ARCHIVE = path.resolve(ROOT, "../shared/data/ice");

/** The real lists mutated: one of each era and shape (HTML-era csv, first xlsx, a pending list). */
export const SMALL_SEEDS = ["participating_2021-01-13.csv", "participating_2025-03-17.xlsx", "pending_2025-03-17.xlsx"];
/** `npm run fuzz` adds the largest lists, which take longer to ingest. */
export const ALL_SEEDS = [...SMALL_SEEDS, "pending_2026-02-13.xlsx", "participating_2026-05-01.xlsx"];
/** The store each case is ingested into holds this one list. */
export const BASE_LIST = "participating_2025-03-17.xlsx";

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

export interface FuzzCase {
  /** The attack class: `mutate:bytes`, `hostile:zip-bomb`, … */
  kind: string;
  /** What was done, for a report line. */
  detail: string;
  /** The file name to ingest it under (its extension matters to nobody: the reader sniffs bytes). */
  file: string;
  bytes: Buffer;
}

/** Names that are also properties of every JavaScript object, and other odd strings. */
export const ODD_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "Constructor Co SO",
  "Object.prototype",
  '=HYPERLINK("http://x")',
  "<script>alert(1)</script>",
  "\u202eevil\u202c",
  "\u0000nul",
  "😀 County Sheriff's Office",
  "",
  " ",
];
const ODD_VALUES = [
  "1e12",
  "-5",
  "NaN",
  "Infinity",
  "1e308",
  "-0",
  "2958466",
  "0x1F",
  "99999999999999999999999",
  "4.5e+4",
  "",
];
const ODD_DATES: (string | number)[] = [
  1e12,
  -5,
  1e308,
  2958466,
  73051,
  "2099-01-01",
  "NaN",
  "5025-07-07",
  "13/45/2025",
  "0",
];
const ODD_REFS = ["XFD1048576", "A0", "ZZZZ1", "A99999999", "B2:XFD1048576", "", "1A", "AAAAAAAA1", "A-1"];

// ---------------------------------------------------------------------------------------------
// Mutations of real lists

const seedCache = new Map<string, Buffer>();
function seedBytes(name: string): Buffer {
  let b = seedCache.get(name);
  if (!b) {
    b = fs.readFileSync(path.join(ARCHIVE, name));
    seedCache.set(name, b);
  }
  return b;
}

function flipBytes(rng: Rng, b: Buffer, n: number, from = 0): Buffer {
  const out = Buffer.from(b);
  for (let k = 0; k < n; k++) out[int(rng, from, out.length - 1)] = int(rng, 0, 255);
  return out;
}

type Entries = { name: string; data: Buffer }[];

function unzip(b: Buffer): Entries {
  return looseEntries(b, "seed").map((e) => ({ name: e.name, data: Buffer.from(e.data) }));
}

function rezip(entries: Entries, tweak?: (p: Part, i: number) => Part): Buffer {
  return zipParts(
    entries.map((e, i) => (tweak ? tweak({ name: e.name, data: e.data }, i) : { name: e.name, data: e.data })),
  );
}

/** Replaces the `k`-th match of `re` in an entry's text (latin1, so bytes survive). */
function replaceNth(text: string, re: RegExp, rng: Rng, make: (m: RegExpExecArray) => string): string {
  const all = [...text.matchAll(new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`))];
  if (all.length === 0) return text;
  const m = pick(rng, all) as RegExpExecArray;
  return text.slice(0, m.index) + make(m) + text.slice(m.index + m[0].length);
}

function editEntry(entries: Entries, match: RegExp, edit: (text: string) => string): boolean {
  const e = entries.find((x) => match.test(x.name));
  if (!e) return false;
  e.data = Buffer.from(edit(e.data.toString("latin1")), "latin1");
  return true;
}

const MUTATORS: Record<string, (rng: Rng, seed: string) => { detail: string; bytes: Buffer }> = {
  bytes: (rng, seed) => {
    const b = seedBytes(seed);
    const n = int(rng, 1, 32);
    return { detail: `${n} random bytes of ${seed}`, bytes: flipBytes(rng, b, n) };
  },
  truncate: (rng, seed) => {
    const b = seedBytes(seed);
    const at = int(rng, 0, b.length - 1);
    return { detail: `${seed} cut at byte ${at}`, bytes: b.subarray(0, at) };
  },
  "zip-entry": (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const e = pick(rng, entries);
    const what = int(rng, 0, 5);
    if (what === 0) {
      entries.splice(entries.indexOf(e), 1);
      return { detail: `${seed} without ${e.name}`, bytes: rezip(entries) };
    }
    if (what === 1) {
      const to = pick(rng, ["__proto__", "constructor", "../../etc/passwd", "/abs.xml", "XL/WORKBOOK.XML", e.name]);
      entries.push({ name: to, data: e.data });
      return { detail: `${seed} with ${e.name} copied as ${to}`, bytes: rezip(entries) };
    }
    if (what === 2) {
      const claim = pick(rng, [0, 1, 0xffffffff, 70 * 1024 * 1024]);
      return {
        detail: `${seed} with ${e.name} claiming ${claim} bytes`,
        bytes: rezip(entries, (p) => (p.name === e.name ? { ...p, claimSize: claim } : p)),
      };
    }
    if (what === 3) {
      return {
        detail: `${seed} with ${e.name} stored`,
        bytes: rezip(entries, (p) => ({ ...p, stored: p.name === e.name })),
      };
    }
    e.data = flipBytes(rng, e.data, int(rng, 1, 16));
    return { detail: `${seed} with bytes of ${e.name} changed`, bytes: rezip(entries) };
  },
  xml: (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const how = int(rng, 0, 4);
    const detail = ["a value", "a cell reference", "a deep nest", "a CDATA run", "a tag"][how] as string;
    editEntry(entries, /worksheets\/sheet1\.xml$/, (t) => {
      if (how === 0) return replaceNth(t, /<v>[^<]*<\/v>/, rng, () => `<v>${pick(rng, ODD_VALUES)}</v>`);
      if (how === 1) return replaceNth(t, / r="[A-Z]+\d+"/, rng, () => ` r="${pick(rng, ODD_REFS)}"`);
      if (how === 2) {
        const depth = int(rng, 100, 20000);
        return replaceNth(t, /<\/row>/, rng, () => `${"<x>".repeat(depth)}${"</x>".repeat(depth)}</row>`);
      }
      if (how === 3)
        return replaceNth(t, /<v>[^<]*<\/v>/, rng, () => `<v>${"<![CDATA[1]]>".repeat(int(rng, 1, 5000))}</v>`);
      return replaceNth(t, /<[^>]{1,40}>/, rng, (m) => m[0].slice(0, int(rng, 0, m[0].length)));
    });
    return { detail: `${seed} with ${detail} changed in the worksheet`, bytes: rezip(entries) };
  },
  "shared-strings": (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const value = pick(rng, [
      ...ODD_NAMES.map(escapeXml),
      "&AMP;&#0;&#x110000;&#99999999;_x0000__xD800_",
      "A".repeat(int(rng, 1000, 20000)),
      "<![CDATA[".repeat(int(rng, 1, 300)),
      "&lt;".repeat(int(rng, 1, 5000)),
    ]);
    editEntry(entries, /sharedStrings\.xml$/, (t) =>
      replaceNth(t, /<t(?: [^>]*)?>[^<]*<\/t>/, rng, () => `<t>${value}</t>`),
    );
    return {
      detail: `${seed} with a shared string set to ${JSON.stringify(value.slice(0, 30))}`,
      bytes: rezip(entries),
    };
  },
  hyperlinks: (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const how = int(rng, 0, 2);
    if (how === 0)
      editEntry(entries, /worksheets\/sheet1\.xml$/, (t) =>
        replaceNth(t, /<hyperlink [^>]*ref="[^"]*"/, rng, (m) =>
          m[0].replace(/ref="[^"]*"/, `ref="${pick(rng, ODD_REFS)}"`),
        ),
      );
    else
      editEntry(entries, /sheet1\.xml\.rels$/, (t) =>
        replaceNth(t, /Target="[^"]*"/, rng, () =>
          how === 1
            ? `Target="${escapeXml(pick(rng, ["javascript:alert(1)", "file:///etc/passwd", "http://169.254.169.254/latest/", "https://%zz", "x".repeat(5000), "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fa.pdf&data=a%40b.gov"]))}"`
            : `Target="https://www.ice.gov/${"a".repeat(int(rng, 10, 12000))}"`,
        ),
      );
    return { detail: `${seed} with a hyperlink changed (${how})`, bytes: rezip(entries) };
  },
  dates: (rng, seed) => {
    if (seed.endsWith(".csv")) {
      const t = seedBytes(seed).toString("utf8");
      const v = String(pick(rng, ODD_DATES));
      return {
        detail: `${seed} with a SIGNED date set to ${v}`,
        bytes: Buffer.from(replaceNth(t, /\d{4}-\d{2}-\d{2}/, rng, () => v)),
      };
    }
    const entries = unzip(seedBytes(seed));
    const v = pick(rng, ODD_DATES);
    editEntry(entries, /worksheets\/sheet1\.xml$/, (t) =>
      replaceNth(t, /<v>4\d{4}<\/v>/, rng, () => (typeof v === "number" ? `<v>${v}</v>` : `<v>${v}</v>`)),
    );
    return { detail: `${seed} with a SIGNED serial set to ${v}`, bytes: rezip(entries) };
  },
  headers: (rng, seed) => {
    const to = pick(rng, ["__proto__", "constructor", "STATE", "", "toString", "LAW ENFORCEMENT AGENCY", "SIGNED"]);
    if (seed.endsWith(".csv")) {
      const t = seedBytes(seed).toString("utf8");
      const nl = t.indexOf("\n");
      const cells = t.slice(0, nl).split(",");
      cells[int(rng, 0, cells.length - 1)] = to;
      return { detail: `${seed} with a header set to ${to}`, bytes: Buffer.from(cells.join(",") + t.slice(nl)) };
    }
    const entries = unzip(seedBytes(seed));
    editEntry(entries, /sharedStrings\.xml$/, (t) => {
      const heads = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "COUNTY", "MOA"];
      const h = pick(rng, heads);
      return t.replace(`<t>${h}</t>`, `<t>${escapeXml(to)}</t>`);
    });
    return { detail: `${seed} with a header set to ${JSON.stringify(to)}`, bytes: rezip(entries) };
  },
  csv: (rng, seed) => {
    const base = seed.endsWith(".csv") ? seed : (SMALL_SEEDS[0] as string);
    let t = seedBytes(base).toString("utf8");
    const how = int(rng, 0, 3);
    if (how === 0) t = replaceNth(t, /,/, rng, () => pick(rng, ['"', '""', ',"', "\r", "\u0000", "\ufeff"]));
    else if (how === 1) t = replaceNth(t, /\n/, rng, () => `\n${pick(rng, ODD_NAMES)},${pick(rng, ODD_NAMES)}\n`);
    else if (how === 2) t = replaceNth(t, /,/, rng, () => `,"${"x".repeat(int(rng, 100, 20000))}",`);
    else return { detail: `${base} with random bytes`, bytes: flipBytes(rng, Buffer.from(t), int(rng, 1, 20)) };
    return { detail: `${base} with a csv edit (${how})`, bytes: Buffer.from(t) };
  },
};

// ---------------------------------------------------------------------------------------------
// Hostile files made from nothing

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

const HOSTILE: Record<string, (rng: Rng) => { detail: string; bytes: Buffer; ext?: string }> = {
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

/** Every kind of case, mutation and hostile, in a fixed order. */
export const KINDS = [
  ...Object.keys(MUTATORS).map((k) => `mutate:${k}`),
  ...Object.keys(HOSTILE).map((k) => `hostile:${k}`),
];

/** The i-th case of a seed: the same bytes every time, on every machine. */
export function makeCase(seed: number, i: number, seeds: readonly string[] = SMALL_SEEDS): FuzzCase {
  const rng = prng((seed * 1_000_003 + i) >>> 0);
  // Mutations of real lists are most of the cases; hostile files come every fourth case.
  const hostile = i % 4 === 3;
  if (hostile) {
    const names = Object.keys(HOSTILE);
    const kind = names[Math.floor(i / 4) % names.length] as string;
    const h = (HOSTILE[kind] as (typeof HOSTILE)[string])(rng);
    return { kind: `hostile:${kind}`, detail: h.detail, file: `case-${i}.${h.ext ?? "xlsx"}`, bytes: h.bytes };
  }
  const names = Object.keys(MUTATORS);
  const kind = pick(rng, names);
  const seedList = pick(rng, seeds);
  const m = (MUTATORS[kind] as (typeof MUTATORS)[string])(rng, seedList);
  return { kind: `mutate:${kind}`, detail: m.detail, file: `case-${i}${path.extname(seedList)}`, bytes: m.bytes };
}

// ---------------------------------------------------------------------------------------------
// Running cases in a child process, with a deadline

export type Outcome = "parsed" | "clean_error" | "crash" | "hang" | "slow" | "corrupt_store" | "memory";

export interface CaseResult {
  i: number;
  kind: string;
  detail: string;
  outcome: Outcome;
  ms: number;
  /** Peak resident memory of the child during the case, in MB (VmHWM, reset before each case). */
  peakMb: number;
  message: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  counts: Record<Outcome, number>;
  byKind: Record<string, Partial<Record<Outcome, number>>>;
  worst: CaseResult | null;
  slowest: CaseResult | null;
  failures: CaseResult[];
  results: CaseResult[];
}

export const CASE_MS = 2000;
export const CASE_MB = 512;
/** The parent's deadline: past it the child is killed and the case is a hang. */
const KILL_MS = 15_000;

export interface RunOptions {
  seed: number;
  count: number;
  from?: number;
  /** The real lists to mutate (SMALL_SEEDS by default). */
  seeds?: readonly string[];
  onResult?: (r: CaseResult) => void;
}

/** Runs cases [from, from+count) and counts the outcomes. Only a parsed list or a clean error passes. */
export async function runFuzz(o: RunOptions): Promise<FuzzReport> {
  const results: CaseResult[] = [];
  const end = (o.from ?? 0) + o.count;
  let next = o.from ?? 0;
  while (next < end) {
    const seeds = o.seeds ?? SMALL_SEEDS;
    const done = await runChild(o.seed, next, end, seeds, (r) => {
      results.push(r);
      o.onResult?.(r);
    });
    next = done.next;
    if (done.lost !== null) {
      const c = makeCase(o.seed, done.lost, seeds);
      const r: CaseResult = {
        i: done.lost,
        kind: c.kind,
        detail: c.detail,
        outcome: done.why,
        ms: done.ms,
        peakMb: 0,
        message: done.message,
      };
      results.push(r);
      o.onResult?.(r);
      next = done.lost + 1;
    }
  }
  const counts: Record<Outcome, number> = {
    parsed: 0,
    clean_error: 0,
    crash: 0,
    hang: 0,
    slow: 0,
    corrupt_store: 0,
    memory: 0,
  };
  const byKind: FuzzReport["byKind"] = {};
  for (const r of results) {
    counts[r.outcome]++;
    const k = byKind[r.kind] ?? {};
    k[r.outcome] = (k[r.outcome] ?? 0) + 1;
    byKind[r.kind] = k;
  }
  const worst = results.reduce<CaseResult | null>((w, r) => (!w || r.peakMb > w.peakMb ? r : w), null);
  const slowest = results.reduce<CaseResult | null>((w, r) => (!w || r.ms > w.ms ? r : w), null);
  const failures = results.filter((r) => r.outcome !== "parsed" && r.outcome !== "clean_error");
  return { seed: o.seed, cases: results.length, counts, byKind, worst, slowest, failures, results };
}

interface ChildDone {
  next: number;
  lost: number | null;
  why: Outcome;
  ms: number;
  message: string;
}

function runChild(
  seed: number,
  from: number,
  end: number,
  seeds: readonly string[],
  each: (r: CaseResult) => void,
): Promise<ChildDone> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(
      path.join(import.meta.dirname, "worker.ts"),
      [String(seed), String(from), String(end)],
      {
        execArgv: ["--import", "tsx", "--expose-gc", `--max-old-space-size=${CASE_MB * 2}`],
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        cwd: ROOT,
        env: { ...process.env, TZ: "America/Los_Angeles", G287_FUZZ_SEEDS: seeds.join(",") },
      },
    );
    let current = from;
    let started = performance.now();
    let stderr = "";
    let settled = false;
    const finish = (d: ChildDone) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      child.kill("SIGKILL");
      resolve(d);
    };
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-2000);
    });
    const timer = setInterval(() => {
      if (performance.now() - started > KILL_MS)
        finish({
          next: current + 1,
          lost: current,
          why: "hang",
          ms: performance.now() - started,
          message: `killed after ${KILL_MS} ms`,
        });
    }, 200);
    child.on("message", (m: { start?: number; result?: CaseResult; done?: boolean }) => {
      if (m.start !== undefined) {
        current = m.start;
        started = performance.now();
      }
      if (m.result) each(m.result);
      if (m.done) finish({ next: end, lost: null, why: "parsed", ms: 0, message: "" });
    });
    child.on("exit", (code, signal) => {
      if (settled) return;
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      finish({
        next: current + 1,
        lost: current,
        why: oom ? "memory" : "crash",
        ms: performance.now() - started,
        message: `child exited (${signal ?? code}): ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`,
      });
    });
  });
}
