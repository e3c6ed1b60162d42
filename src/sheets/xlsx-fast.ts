// Reads ordinary xlsx lists several times faster than SheetJS by scanning only the parts a list needs;
// its answer must equal SheetJS's cell for cell, so on anything unfamiliar it declines (undefined).
// Why it stays although a rebuild no longer reads files (measured 2026-12-07, `npm run bench`):
// a cold replay must still read all 475 xlsx lists once, which takes SheetJS 13.6-14.7 s of CPU
// and this path 2.4-2.8 s; without it the cold replay alone would be ~11 s over its 8 s target.
import type { Grid } from "./grid.js";
import { checkLimit, LIMITS, LimitError } from "./limits.js";
import type { CellValue, RawCell, Sheet } from "./types.js";
import { ERROR_TEXT, listSheet } from "./xlsx-common.js";
import {
  forEachTag,
  forEachTagAt,
  matchAllXmlNs,
  matchXml,
  matchXmlNs,
  parseSi,
  parseXmlTag,
  pickAttrs,
  stripNs,
  unescapeXml,
  unsupported,
  utf8read,
} from "./xml-scan.js";
import { decodeRange, openZip, printable, readZipEntry, type Zip, zipEntry } from "./zip.js";

const NS_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types";
const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
const REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const REL_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment";

// The [Content_Types].xml overrides that change what SheetJS reads (its ct2type table, in part).
const CONTENT_TYPES: Record<string, keyof ContentTypes> = {
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "workbooks",
  "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "workbooks",
  "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "workbooks",
  "application/vnd.ms-excel.addin.macroEnabled.main+xml": "workbooks",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "workbooks",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": "strs",
  "application/vnd.ms-excel.sharedStrings": "strs",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml": "styles",
  "application/vnd.ms-excel.styles": "styles",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml": "metadata",
  "application/vnd.ms-excel.sheetMetadata": "metadata",
  "application/vnd.ms-excel.person+xml": "people",
  "application/vnd.openxmlformats-package.core-properties+xml": "coreprops",
  "application/vnd.openxmlformats-officedocument.extended-properties+xml": "extprops",
  "application/vnd.openxmlformats-officedocument.custom-properties+xml": "custprops",
};

// SheetJS's built-in number formats (SSF_init_table): a cell styled with format 14 reports "m/d/yy".
const BUILTIN_FORMATS: Record<number, string> = {
  0: "General",
  1: "0",
  2: "0.00",
  3: "#,##0",
  4: "#,##0.00",
  9: "0%",
  10: "0.00%",
  11: "0.00E+00",
  12: "# ?/?",
  13: "# ??/??",
  14: "m/d/yy",
  15: "d-mmm-yy",
  16: "d-mmm",
  17: "mmm-yy",
  18: "h:mm AM/PM",
  19: "h:mm:ss AM/PM",
  20: "h:mm",
  21: "h:mm:ss",
  22: "m/d/yy h:mm",
  37: "#,##0 ;(#,##0)",
  38: "#,##0 ;[Red](#,##0)",
  39: "#,##0.00;(#,##0.00)",
  40: "#,##0.00;[Red](#,##0.00)",
  45: "mm:ss",
  46: "[h]:mm:ss",
  47: "mmss.0",
  48: "##0.0E+0",
  49: "@",
  56: '"上午/下午 "hh"時"mm"分"ss"秒 "',
};
// Formats SheetJS rewrites when it loads them (Google Sheets writes an invalid "d.m").
const BAD_FORMATS: Record<string, string> = { "d.m": "d\\.m" };
const ERROR_CODES = new Map<string, number>([
  ["#NULL!", 0],
  ["#DIV/0!", 7],
  ["#VALUE!", 15],
  ["#REF!", 23],
  ["#NAME?", 29],
  ["#NUM!", 36],
  ["#N/A", 42],
  ["#GETTING_DATA", 43],
  ["#WTF?", 255],
]);

/** Reads a list the fast way, or returns undefined when SheetJS must read it. */
export function readXlsxFast(bytes: Uint8Array, file: string): Sheet | undefined {
  try {
    const book = openBook(bytes, file);
    return listSheet(book.names, book.grid, file);
  } catch (e) {
    // A limit holds whichever reader reads the file: SheetJS must not be handed it.
    if (e instanceof LimitError) throw e;
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Parts

function partBytes(zip: Zip, name: string): Uint8Array | undefined {
  const e = zipEntry(zip, name);
  return e ? readZipEntry(zip, e) : undefined;
}

function checkEncoding(b: Uint8Array): void {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) unsupported("byte order mark");
  // SheetJS's test for UTF-16 depends on how the bytes reached it; any of these marks sends the part there.
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff) || (b[1] === 0xfe && b[2] === 0xff))
    unsupported("UTF-16");
}

/** A part as SheetJS holds it: a binary string, one char per byte; UTF-8 is decoded where SheetJS does. */
function binaryPart(zip: Zip, name: string): string | undefined {
  const b = partBytes(zip, name);
  if (!b) return undefined;
  checkEncoding(b);
  return asBuffer(b).toString("latin1");
}

const asBuffer = (b: Uint8Array) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));

const stripFrontSlash = (x: string) => (x.charAt(0) === "/" ? x.slice(1) : x);

// Keys that SheetJS's plain-object lookups would resolve through the prototype.
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"]);
function checkKey(k: string | undefined): void {
  if (k !== undefined && PROTOTYPE_KEYS.has(k)) unsupported("prototype key");
}

/**
 * A large part as binary strings of at most `max` bytes, each cut just after a `>`: one long string
 * costs several times more to make than short ones, and tags never straddle two pieces.
 */
function binaryPieces(b: Buffer, start: number, end: number, max = 0x8000): string[] {
  const out: string[] = [];
  while (start < end) {
    let cut = end;
    if (end - start > max) {
      cut = b.lastIndexOf(62, start + max - 1) + 1;
      if (cut <= start) cut = end;
    }
    out.push(b.toString("latin1", start, cut));
    start = cut;
  }
  return out;
}

interface ContentTypes {
  workbooks: string[];
  strs: string[];
  styles: string[];
  metadata: string[];
  people: string[];
  coreprops: string[];
  extprops: string[];
  custprops: string[];
}

function readContentTypes(xml: string): ContentTypes {
  const ct: ContentTypes = {
    workbooks: [],
    strs: [],
    styles: [],
    metadata: [],
    people: [],
    coreprops: [],
    extprops: [],
    custprops: [],
  };
  let xmlns: string | undefined;
  forEachTag(xml, (y) => {
    switch (stripNs(y[0] as string)) {
      case "<Types":
        xmlns = y[`xmlns${((y[0] as string).match(/<(\w+):/) || ["", ""])[1]}`];
        break;
      case "<Default":
        if (y.Extension === undefined) unsupported("Default without Extension");
        break;
      case "<Override": {
        const ctype = y.ContentType;
        const kind = ctype !== undefined && Object.hasOwn(CONTENT_TYPES, ctype) ? CONTENT_TYPES[ctype] : undefined;
        if (kind) {
          // SheetJS would fail on the missing name when it comes to read that part.
          if (y.PartName === undefined) unsupported("Override without PartName");
          ct[kind].push(y.PartName);
        }
        break;
      }
    }
  });
  if (xmlns !== NS_CONTENT_TYPES) unsupported("content types namespace");
  return ct;
}

interface Rel {
  type: string | undefined;
  target: string;
}

const REL_KEYS = ["Id", "Type", "Target", "TargetMode"] as const;

/** parse_rels: relationships by Id (a later duplicate wins), targets unescaped. */
function readRels(zip: Zip, name: string): Map<string, Rel> {
  const rels = new Map<string, Rel>();
  const b = partBytes(zip, name);
  if (!b?.length) return rels;
  checkEncoding(b);
  for (const xml of binaryPieces(asBuffer(b), 0, b.length)) {
    forEachTagAt(xml, (lt, gt) => {
      const [head, id, type, target, mode] = pickAttrs(xml, lt, gt, REL_KEYS);
      if (head !== "<Relationship") return;
      // SheetJS resolves an internal target against the part's path, and fails when there is none.
      if (target === undefined && mode !== "External") unsupported("relationship without a target");
      const key = String(id);
      checkKey(key);
      rels.set(key, { type, target: unescapeXml(target ?? "undefined") });
    });
  }
  return rels;
}

interface SheetRef {
  name: string;
  id: string | undefined;
}

function readWorkbook(xml: string): SheetRef[] {
  const sheets: SheetRef[] = [];
  let xmlns: string | undefined;
  forEachTag(xml, (y) => {
    const head = y[0] as string;
    switch (stripNs(head)) {
      case "<workbook":
        if (head !== "<workbook") unsupported("prefixed workbook");
        xmlns = y.xmlns;
        break;
      case "<sheet":
        if (y.name === undefined) unsupported("sheet without a name");
        sheets.push({ name: unescapeXml(utf8read(y.name)), id: y.id || y.strRelID });
        break;
    }
  });
  if (xmlns !== NS_MAIN) unsupported("workbook namespace");
  return sheets;
}

/**
 * SheetJS reads cell metadata (dynamic arrays) before any sheet, and fails the whole workbook when a
 * cell or value record names a metadata type that is not there. Nothing else in it reaches a list.
 */
function checkMetadata(xml: string): void {
  let types = 0;
  let section = 2;
  forEachTag(xml, (y) => {
    switch (stripNs(y[0] as string)) {
      case "<metadataType":
        types++;
        break;
      case "<cellMetadata":
        section = 1;
        break;
      case "<valueMetadata":
        section = 0;
        break;
      case "</cellMetadata>":
      case "</valueMetadata>":
        section = 2;
        break;
      case "<rc": {
        const t = Number(y.t) - 1;
        if (section !== 2 && !(Number.isInteger(t) && t >= 0 && t < types)) unsupported("unknown metadata type");
        break;
      }
    }
  });
}

/**
 * SheetJS reads docProps/app.xml and fails the workbook when its HeadingPairs vector has an odd
 * length while TitlesOfParts is not empty (load_props_pairs reads past the end). Nothing from it
 * reaches a list, so this only checks for that.
 */
function checkExtendedProperties(binary: string): void {
  const data = utf8read(binary);
  const pairs = matchXml(data, "HeadingPairs")?.[1];
  const titles = matchXml(data, "TitlesOfParts")?.[1];
  if (!pairs || !titles) return;
  if (vectorLength(titles) > 0 && vectorLength(pairs) % 2 === 1) unsupported("odd HeadingPairs");
}

/** How many values SheetJS's parseVector finds in a docProps vector. */
function vectorLength(data: string): number {
  const h = parseXmlTag(data);
  const items = matchAllXmlNs(data, String(h.baseType)) || [];
  if (h.size === undefined || items.length !== Number(h.size)) return 0;
  return items.filter((x) => /<(?:vt:)([^<"'>]*)>([\s\S]*)</.test(x.replace(/<\/?(?:vt:)?variant>/g, ""))).length;
}

interface Styles {
  /** cellXfs by index; looked up with the raw `s` string, as SheetJS does. */
  cellXf: { numFmtId: number | string | undefined }[] | undefined;
  formats: Record<string, string>;
}

const NUMFMT_KEYS = ["numFmtId", "formatCode"] as const;
const XF_KEYS = ["numFmtId"] as const;

function readStyles(xml: string | undefined): Styles {
  const formats: Record<string, string> = { ...BUILTIN_FORMATS };
  if (xml === undefined) return { cellXf: undefined, formats };
  if (xml.indexOf("<!") >= 0) unsupported("comment or doctype in styles");
  let numberFmt: Record<string, string> | undefined;
  const nf = matchXmlNs(xml, "numFmts");
  if (nf) {
    const known: Record<string, string> = { ...formats };
    numberFmt = known;
    const part = nf[0];
    forEachTagAt(part, (lt, gt) => {
      const [head, numFmtId, formatCode] = pickAttrs(part, lt, gt, NUMFMT_KEYS);
      if (stripNs(head as string) !== "<numFmt") return;
      if (formatCode === undefined) unsupported("numFmt without formatCode");
      const f = unescapeXml(utf8read(formatCode));
      let j = Number.parseInt(numFmtId as string, 10);
      known[j] = f;
      if (j > 0) {
        if (j > 0x188) {
          for (j = 0x188; j > 0x3c; --j) if (known[j] === undefined) break;
          known[j] = f;
        }
        formats[j] = BAD_FORMATS[f] || f;
      }
    });
  }
  let cellXf: Styles["cellXf"];
  const cx = matchXmlNs(xml, "cellXfs");
  if (cx) {
    const xfs: NonNullable<Styles["cellXf"]> = [];
    cellXf = xfs;
    const part = cx[0];
    forEachTagAt(part, (lt, gt) => {
      const [head, numFmtId] = pickAttrs(part, lt, gt, XF_KEYS);
      const h = stripNs(head as string);
      if (h !== "<xf" && h !== "<xf/>" && h !== "<xf>") return;
      let id: number | string | undefined = numFmtId;
      if (id) id = Number.parseInt(id, 10);
      // SheetJS moves formats numbered past 392 into its table; an xf pointing at one follows it.
      if (numberFmt && typeof id === "number" && id > 0x188) {
        for (let i = 0x188; i > 0x3c; --i)
          if (numberFmt[id] === numberFmt[i]) {
            id = i;
            break;
          }
      }
      xfs.push({ numFmtId: id });
    });
  }
  return { cellXf, formats };
}

const SST_OPEN = /<(?:\w+:)?sst\b[^<>]*>/g;

/** Shared strings in order, then the empty entry SheetJS's split leaves after the last one. */
function readSharedStrings(x: string): (string | undefined)[] {
  SST_OPEN.lastIndex = 0;
  if (!SST_OPEN.exec(x) || x.charCodeAt(SST_OPEN.lastIndex - 2) === 47) unsupported("no sst element");
  const out: (string | undefined)[] = [];
  let i = SST_OPEN.lastIndex;
  for (;;) {
    i = skipSpace(x, i);
    // The items are checked to hold no closing sst tag, so this is the one SheetJS's match ends at.
    if (x.startsWith("</sst>", i)) break;
    if (!x.startsWith("<si>", i)) unsupported("unexpected element in sst");
    const cs = i + 4;
    // The common case, <si><t>text</t></si> (or <t xml:space="preserve">), read in place.
    if (x.charCodeAt(cs) === 60 && x.charCodeAt(cs + 1) === 116) {
      let ts = -1;
      if (x.charCodeAt(cs + 2) === 62) ts = cs + 3;
      else if (x.startsWith(' xml:space="preserve">', cs + 2)) ts = cs + 24;
      if (ts > 0) {
        const te = x.indexOf("<", ts);
        if (te > 0 && x.startsWith("</t></si>", te)) {
          out.push(unescapeXml(utf8read(x.slice(ts, te)), true));
          i = te + 9;
          continue;
        }
      }
    }
    const ce = x.indexOf("</si>", cs);
    if (ce < 0) unsupported("unclosed si");
    const piece = x.slice(cs, ce);
    if (/<\/?(?:\w+:)?(?:si|sstItem)>|<\/(?:\w+:)?sst>/.test(piece)) unsupported("nested si or sst");
    out.push(parseSi(piece.trim()));
    i = ce + 5;
  }
  out.push("");
  return out;
}

function skipSpace(x: string, i: number): number {
  let c = x.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = x.charCodeAt(++i);
  return i;
}

// ---------------------------------------------------------------------------------------------
// The workbook

interface Book {
  names: string[];
  grid: (index: number) => Grid;
}

function openBook(bytes: Uint8Array, file: string): Book {
  const zip = openZip(bytes, file);
  const has = (name: string) => zipEntry(zip, name) !== undefined;
  // Other packages SheetJS reads differently (ODS, Numbers).
  if (has("META-INF/manifest.xml") || has("objectdata.xml") || has("Index/Document.iwa")) unsupported("not xlsx");
  const ctXml = binaryPart(zip, "[Content_Types].xml");
  if (!ctXml) unsupported("no content types");
  const ct = readContentTypes(ctXml);

  let wbPart = ct.workbooks[0];
  if (wbPart === undefined) {
    if (!binaryPart(zip, "xl/workbook.xml")) unsupported("no workbook");
    wbPart = "xl/workbook.xml";
  }
  if (wbPart.slice(-3) === "bin") unsupported("xlsb");
  if (ct.metadata.length) {
    const name = stripFrontSlash(ct.metadata[0] as string);
    const xml = binaryPart(zip, name);
    if (xml === undefined || name.slice(-4) === ".bin") unsupported("missing or binary cell metadata");
    checkMetadata(xml);
  }
  if (ct.people.length && !has(stripFrontSlash(ct.people[0] as string))) unsupported("missing people part");

  let strings: (string | undefined)[] | undefined;
  if (ct.strs.length) {
    const name = ct.strs[0] as string;
    if (name.slice(-4) === ".bin") unsupported("binary strings");
    const xml = binaryPart(zip, stripFrontSlash(name));
    if (!xml) unsupported("missing shared strings");
    strings = readSharedStrings(xml);
  }
  let styles: Styles = readStyles(undefined);
  if (ct.styles.length) {
    const name = ct.styles[0] as string;
    if (name.slice(-4) === ".bin") unsupported("binary styles");
    const xml = binaryPart(zip, stripFrontSlash(name));
    if (xml === undefined) unsupported("missing styles");
    styles = readStyles(xml);
  }

  if (ct.coreprops.length && ct.extprops.length) {
    const app = binaryPart(zip, stripFrontSlash(ct.extprops[0] as string));
    if (app) checkExtendedProperties(app);
  }

  const wbXml = binaryPart(zip, stripFrontSlash(wbPart));
  if (!wbXml) unsupported("empty workbook");
  const sheets = readWorkbook(wbXml);
  const names = sheets.map((s) => s.name);
  if (names.length === 0 || new Set(names).size !== names.length) unsupported("no or duplicate sheet names");

  const slash = wbPart.lastIndexOf("/");
  let wbRelsPath = `${wbPart.slice(0, slash + 1)}_rels/${wbPart.slice(slash + 1)}.rels`.replace(/^\//, "");
  if (!has(wbRelsPath)) wbRelsPath = "xl/_rels/workbook.xml.rels";
  const wbRels = readRels(zip, wbRelsPath);
  const paths = sheets.map((s) => {
    checkKey(s.id);
    const rel = wbRels.get(String(s.id));
    if (!rel) unsupported("sheet without a relationship");
    if (rel.type !== REL_WORKSHEET) unsupported("not a worksheet");
    let path = "xl/" + rel.target.replace(/[/]?xl\//, "");
    if (!has(path)) path = rel.target;
    if (!has(path)) path = wbRelsPath.replace(/_rels\/[\S\s]*$/, "") + rel.target;
    if (!has(path) || path.slice(-4) === ".bin") unsupported("missing or binary worksheet");
    return path;
  });

  const cells: CellReader = { strings, zFor: formatLookup(styles) };
  return {
    names,
    grid: (i) => {
      const path = paths[i] as string;
      const rels = readRels(zip, path.replace(/^(.*)(\/)([^/]*)$/, "$1/_rels/$3.rels"));
      for (const r of rels.values())
        if (r.type === REL_COMMENTS || r.type === REL_THREADED) unsupported("comments insert cells");
      const xml = partBytes(zip, path);
      if (!xml?.length) unsupported("empty worksheet");
      checkEncoding(xml);
      return readWorksheet(asBuffer(xml), cells, rels, file, path);
    },
  };
}

/** The number format SheetJS reports for a cell's `s` attribute, memoised per distinct `s`. */
function formatLookup(styles: Styles): (s: string | undefined) => string | undefined {
  const { cellXf, formats } = styles;
  const plain = (z: unknown) => (typeof z === "string" && z !== "General" ? z : undefined);
  const none = plain(formats[0]);
  if (!cellXf) return () => none;
  // Indexed by the attribute's text on purpose: SheetJS does `CellXf[s]`, so "01" finds nothing.
  const byText = cellXf as unknown as Record<string, { numFmtId?: unknown } | undefined>;
  const memo = new Map<string, string | undefined>();
  return (s) => {
    if (s === undefined) return none;
    let z = memo.get(s);
    if (z === undefined && !memo.has(s)) {
      const cf = byText[s];
      const id = cf != null && cf.numFmtId != null ? cf.numFmtId : 0;
      z = plain(formats[id as string]);
      memo.set(s, z);
    }
    return z;
  };
}

// ---------------------------------------------------------------------------------------------
// The worksheet, scanned as bytes (SheetJS reads it as a binary string, one char per byte; a string
// copy of a large sheet costs more than the scan itself).

interface CellReader {
  strings: (string | undefined)[] | undefined;
  zFor: (s: string | undefined) => string | undefined;
}

const isAttrNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 58 || c === 95 || c === 45 || c === 46;

/** Whether an attribute other than r, s, t would land on one of them under parsexmltag's keying. */
function clashesWithCellKeys(name: string): boolean {
  let k = name;
  const j = k.indexOf(":");
  if (j < 0) {
    const u = k.indexOf("_");
    if (u > 0) k = k.slice(0, u);
  } else k = (j === 5 && k.slice(0, 5) === "xmlns" ? "xmlns" : "") + k.slice(j + 1);
  k = k.toLowerCase();
  return k === "r" || k === "s" || k === "t";
}

function skipBytes(b: Uint8Array, i: number): number {
  let c = b[i];
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++i];
  return i;
}

function startsWithAt(b: Uint8Array, i: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** Index of the `>` that ends the tag opened at `b[lt]`; throws if a `<` or an open quote comes first. */
function tagEnd(b: Uint8Array, lt: number): number {
  let quoted = false;
  for (let k = lt + 1; k < b.length; k++) {
    const c = b[k];
    if (c === 62) {
      // SheetJS cuts a tag at its first `>`, even inside quotes.
      if (quoted) unsupported("`>` inside an attribute");
      return k;
    }
    if (c === 34) quoted = !quoted;
    else if (c === 60) unsupported("`<` inside a tag");
  }
  return unsupported("unterminated tag");
}

/** Index of the next `<` from `i`. */
function nextLt(b: Uint8Array, i: number): number {
  const len = b.length;
  while (i < len && b[i] !== 60) i++;
  if (i === len) unsupported("unterminated element");
  return i;
}

/** A byte range as a binary string. */
function latin1(b: Buffer, start: number, end: number): string {
  return b.toString("latin1", start, end);
}

/** The number a run of ASCII digits spells, or -1 when it is not one (or too long to be exact). */
function digits(b: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let k = start; k < end; k++) {
    const d = (b[k] as number) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function readWorksheet(b: Buffer, reader: CellReader, rels: Map<string, Rel>, file: string, part: string): Grid {
  if (b.length > LIMITS.sheetTags) {
    let tags = 0;
    for (let k = b.indexOf(60); k >= 0; k = b.indexOf(60, k + 1)) tags++;
    checkLimit(file, "sheetTags", tags, { where: `zip entry ${printable(part)}` });
  }
  let chars = 0;
  const open = b.indexOf("<sheetData");
  if (open < 0 || b.lastIndexOf(":sheetData", open) >= 0) unsupported("no plain sheetData");
  const c0 = b[open + 10];
  if (c0 !== 62 && c0 !== 32) unsupported("unusual sheetData tag");
  const openEnd = tagEnd(b, open);
  if (b[openEnd - 1] === 47) unsupported("empty sheetData");

  const grid: (RawCell | undefined)[][] = [];
  const { strings, zFor } = reader;
  // Formats by the `s` attribute's number, when it is written plainly ("12", not "012").
  const zByIndex: (string | undefined | null)[] = [];
  const len = b.length;
  let i = openEnd + 1;
  for (;;) {
    i = skipBytes(b, i);
    if (i >= len || b[i] !== 60) unsupported("text in sheetData");
    if (b[i + 1] === 47) {
      if (startsWithAt(b, i, "</sheetData>")) break;
      unsupported("unexpected closing tag in sheetData");
    }
    if (!(b[i + 1] === 114 && b[i + 2] === 111 && b[i + 3] === 119)) unsupported("unexpected element in sheetData");
    const rc = b[i + 4];
    if (rc !== 32 && rc !== 62 && rc !== 47) unsupported("unusual row tag");
    const rowEnd = tagEnd(b, i);
    i = rowEnd + 1;
    if (b[rowEnd - 1] === 47) continue; // <row .../> holds no cells

    for (;;) {
      i = skipBytes(b, i);
      if (b[i] !== 60) unsupported("text in row");
      let c = b[i + 1];
      if (c === 47) {
        if (startsWithAt(b, i, "</row>")) {
          i += 6;
          break;
        }
        unsupported("unexpected closing tag in row");
      }
      if (c !== 99) unsupported("non-cell element in row");
      c = b[i + 2];
      if (c !== 32 && c !== 62 && c !== 47) unsupported("unusual cell tag");
      const gt = tagEnd(b, i);

      // Attributes: r, s and t matter; any other must not alias them under parsexmltag's keying.
      let r0 = -1;
      let r1 = -1;
      let s0 = -1;
      let s1 = -1;
      let t0 = -1;
      let t1 = -1;
      let j = i + 2;
      for (;;) {
        c = b[j];
        while (c === 32 || c === 10 || c === 13) c = b[++j];
        if (j === gt || (c === 47 && j === gt - 1)) break;
        const q0 = j;
        while (isAttrNameChar(c as number)) c = b[++j];
        if (j === q0 || c !== 61 || b[j + 1] !== 34) unsupported("unusual cell attribute");
        const v0 = j + 2;
        let v1 = v0;
        while (v1 < gt && b[v1] !== 34) v1++;
        if (v1 >= gt) unsupported("unterminated cell attribute");
        if (j - q0 === 1) {
          const n = b[q0];
          if (n === 114) {
            r0 = v0;
            r1 = v1;
          } else if (n === 115) {
            s0 = v0;
            s1 = v1;
          } else if (n === 116) {
            t0 = v0;
            t1 = v1;
          } else if (n === 82 || n === 83 || n === 84) unsupported("upper-case R/S/T attribute");
        } else {
          let plain = true;
          for (let k = q0; k < j; k++) if (b[k] === 58 || b[k] === 95) plain = false;
          if (!plain && clashesWithCellKeys(latin1(b, q0, j))) unsupported("attribute aliasing r/s/t");
        }
        j = v1 + 1;
        c = b[j];
        if (!(c === 32 || c === 10 || c === 13 || j === gt || (c === 47 && j === gt - 1)))
          unsupported("unusual cell attribute end");
      }
      if (r0 < 0) unsupported("cell without a reference");

      // Children: the first <v> is the value; <f> is skipped (formulas are not read); <is> is an inline string.
      let v0 = -1;
      let v1 = -1;
      let is0 = -1;
      let is1 = -1;
      i = gt + 1;
      if (b[gt - 1] !== 47) {
        for (;;) {
          i = skipBytes(b, i);
          if (b[i] !== 60) unsupported("text in cell");
          c = b[i + 1];
          if (c === 47) {
            if (b[i + 2] === 99 && b[i + 3] === 62) {
              i += 4;
              break;
            }
            unsupported("unexpected closing tag in cell");
          }
          const c2 = b[i + 2];
          if (c === 118 && (c2 === 62 || c2 === 32)) {
            let vs = i + 3;
            if (c2 === 32) {
              const g = tagEnd(b, i);
              if (b[g - 1] === 47) unsupported("empty v element");
              vs = g + 1;
            }
            const ve = nextLt(b, vs);
            if (!(b[ve + 1] === 47 && b[ve + 2] === 118 && b[ve + 3] === 62)) unsupported("unusual v element");
            if (v0 >= 0) unsupported("two values in a cell");
            v0 = vs;
            v1 = ve;
            i = ve + 4;
          } else if (c === 102 && (c2 === 62 || c2 === 32 || c2 === 47)) {
            const g = tagEnd(b, i);
            i = g + 1;
            if (b[g - 1] === 47) continue;
            const fe = nextLt(b, i);
            if (!startsWithAt(b, fe, "</f>")) unsupported("unusual f element");
            i = fe + 4;
          } else if (c === 105 && c2 === 115 && (b[i + 3] === 62 || b[i + 3] === 32)) {
            const g = tagEnd(b, i);
            if (b[g - 1] === 47 || is0 >= 0) unsupported("unusual is element");
            const ie = b.indexOf("</is>", g + 1);
            if (ie < 0) unsupported("unclosed is element");
            is0 = g + 1;
            is1 = ie;
            i = ie + 5;
          } else unsupported("unexpected element in cell");
        }
      }

      // The value, as parse_ws_xml_data and toRawCell (read-xlsx.ts) make it. `<v></v>` is no value.
      const hasV = v0 >= 0 && v1 > v0;
      if (t0 < 0 && !hasV) continue;
      let value: CellValue | undefined;
      const tLen = t1 - t0;
      const t = t0 < 0 ? 110 : tLen === 0 ? 110 : tLen === 1 ? (b[t0] as number) : tLen === 3 ? 1 : tLen === 9 ? 2 : 0;
      if (t === 110) {
        // n: a number
        if (!hasV) continue;
        const n = digits(b, v0, v1);
        value = n >= 0 ? n : Number.parseFloat(unescapeXml(latin1(b, v0, v1)));
      } else if (t === 115) {
        // s: a shared string
        if (!hasV) continue;
        let k = digits(b, v0, v1);
        if (k < 0) k = Number.parseInt(unescapeXml(latin1(b, v0, v1)), 10);
        if (!strings || !(k >= 0 && k < strings.length)) unsupported("shared string out of range");
        value = strings[k];
      } else if (t === 1 && startsWithAt(b, t0, "str")) {
        // SheetJS unescapes twice here, the second time after decoding the first result as UTF-8.
        value = hasV ? unescapeXml(utf8read(unescapeXml(latin1(b, v0, v1))), true) : "";
      } else if (t === 2 && startsWithAt(b, t0, "inlineStr")) {
        if (is0 >= 0) {
          const content = latin1(b, is0, is1);
          // SheetJS looks for <v> anywhere in the cell and for the first closing </…:is>.
          if (/<(?:\w+:)?v\b|:is>/.test(content)) unsupported("unusual inline string");
          value = parseSi(content);
        } else value = "";
      } else if (t === 98) {
        const v = hasV ? unescapeXml(latin1(b, v0, v1)) : undefined;
        value = v === "1" || v === "true";
      } else if (t === 101) {
        const code = hasV ? ERROR_CODES.get(unescapeXml(latin1(b, v0, v1))) : undefined;
        value = (code === undefined ? undefined : ERROR_TEXT[code]) ?? "#ERROR";
      } else unsupported("cell type");

      // decode_cell: digits make the row, capitals the column, anything else is skipped.
      let R = 0;
      let C = 0;
      for (let k = r0; k < r1; k++) {
        const cc = b[k] as number;
        if (cc >= 48 && cc <= 57) R = 10 * R + (cc - 48);
        else if (cc >= 65 && cc <= 90) C = 26 * C + (cc - 64);
      }
      if (R < 1 || C < 1 || R > 1048576 || C > 16384) unsupported("cell reference out of range");
      if (R > LIMITS.rows || C > LIMITS.columns) {
        const where = `cell ${latin1(b, r0, Math.min(r1, r0 + 20))}`;
        checkLimit(file, "rows", R, { where });
        checkLimit(file, "columns", C, { where });
      }
      if (typeof value === "string") {
        if (value.length > LIMITS.cellChars)
          checkLimit(file, "cellChars", value.length, { where: `cell ${latin1(b, r0, Math.min(r1, r0 + 20))}` });
        chars += value.length;
        if (chars > LIMITS.sheetChars) checkLimit(file, "sheetChars", chars);
      }
      const cell: RawCell = { v: value === undefined ? null : value };
      let z: string | undefined;
      if (s0 < 0) z = zFor(undefined);
      else {
        const si = s1 - s0 > 1 && b[s0] === 48 ? -1 : digits(b, s0, s1);
        if (si >= 0 && si < 100000) {
          const memo = zByIndex[si];
          if (memo !== undefined) z = memo ?? undefined;
          else {
            z = zFor(String(si));
            zByIndex[si] = z ?? null;
          }
        } else z = zFor(latin1(b, s0, s1));
      }
      if (z !== undefined) cell.z = z;
      let row = grid[R - 1];
      if (!row) {
        row = [];
        grid[R - 1] = row;
      }
      row[C - 1] = cell;
    }
  }

  let linking = true;
  for (const after of binaryPieces(b, i + 12, len)) {
    // Legacy drawings carry comment anchors, which SheetJS turns into cells.
    if (after.indexOf("legacyDrawing") >= 0) unsupported("legacy drawing");
    if (linking) linking = applyHyperlinks(after, rels, grid, file);
  }

  for (let r = 0; r < grid.length; r++) if (!grid[r]) grid[r] = [];
  return grid;
}

const HLINK_RE = /<(?:\w+:)?hyperlink [^<>]*>/gm;
const HLINK_KEYS = ["ref", "id", "location"] as const;

/**
 * parse_ws_xml_hlinks: each hyperlink's target lands on every cell of its range, creating empty
 * ones. Returns false where SheetJS stops: at the first hyperlink without a ref.
 */
function applyHyperlinks(xml: string, rels: Map<string, Rel>, grid: (RawCell | undefined)[][], file: string): boolean {
  const tags = xml.match(HLINK_RE);
  if (!tags) return true;
  for (const raw of tags) {
    const tag = utf8read(raw);
    const [, ref, id, location] = pickAttrs(tag, 0, tag.length - 1, HLINK_KEYS);
    if (!ref) return false;
    checkKey(id);
    const rel = rels.get(String(id));
    let target: string;
    if (rel) {
      target = rel.target;
      if (location) target += "#" + unescapeXml(location);
    } else target = "#" + unescapeXml(location ?? "undefined");
    const [sr, sc, er, ec] = decodeRange(ref);
    checkLimit(file, "rows", er + 1, { where: `the hyperlink range ${ref.slice(0, 40)}` });
    checkLimit(file, "columns", Math.max(sc, ec) + 1, { where: `the hyperlink range ${ref.slice(0, 40)}` });
    if (sr < 0 || sc < 0 || (er - sr + 1) * (ec - sc + 1) > 100000) unsupported("hyperlink range");
    for (let R = sr; R <= er; ++R) {
      let row = grid[R];
      if (!row) {
        row = [];
        grid[R] = row;
      }
      for (let C = sc; C <= ec; ++C) {
        let cell = row[C];
        if (!cell) {
          cell = { v: null };
          row[C] = cell;
        }
        if (target) cell.link = target;
        else delete cell.link;
      }
    }
  }
  return true;
}
