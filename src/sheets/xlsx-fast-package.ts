// The xlsx package around the sheets, read as SheetJS reads it: parts as binary strings, content
// types, relationships, the workbook's sheet list, and the checks for parts that make SheetJS fail.
import {
  forEachTag,
  forEachTagAt,
  matchAllXmlNs,
  matchXml,
  parseXmlTag,
  pickAttrs,
  stripNs,
  unescapeXml,
  unsupported,
  utf8read,
} from "./xml-scan.js";
import { readZipEntry, type Zip, zipEntry } from "./zip.js";

const NS_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types";
const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
export const REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
export const REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
export const REL_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment";

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

export function partBytes(zip: Zip, name: string): Uint8Array | undefined {
  const e = zipEntry(zip, name);
  return e ? readZipEntry(zip, e) : undefined;
}

export function checkEncoding(b: Uint8Array): void {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) unsupported("byte order mark");
  // SheetJS's test for UTF-16 depends on how the bytes reached it; any of these marks sends the part there.
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff) || (b[1] === 0xfe && b[2] === 0xff))
    unsupported("UTF-16");
}

/** A part as SheetJS holds it: a binary string, one char per byte; UTF-8 is decoded where SheetJS does. */
export function binaryPart(zip: Zip, name: string): string | undefined {
  const b = partBytes(zip, name);
  if (!b) return undefined;
  checkEncoding(b);
  return asBuffer(b).toString("latin1");
}

export const asBuffer = (b: Uint8Array) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));

export const stripFrontSlash = (x: string) => (x.charAt(0) === "/" ? x.slice(1) : x);

// Keys that SheetJS's plain-object lookups would resolve through the prototype.
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"]);
export function checkKey(k: string | undefined): void {
  if (k !== undefined && PROTOTYPE_KEYS.has(k)) unsupported("prototype key");
}

/**
 * A large part as binary strings of at most `max` bytes, each cut just after a `>`: one long string
 * costs several times more to make than short ones, and tags never straddle two pieces.
 */
export function binaryPieces(b: Buffer, start: number, end: number, max = 0x8000): string[] {
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

export function readContentTypes(xml: string): ContentTypes {
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

export interface Rel {
  type: string | undefined;
  target: string;
}

const REL_KEYS = ["Id", "Type", "Target", "TargetMode"] as const;

/** parse_rels: relationships by Id (a later duplicate wins), targets unescaped. */
export function readRels(zip: Zip, name: string): Map<string, Rel> {
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

export function readWorkbook(xml: string): SheetRef[] {
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
export function checkMetadata(xml: string): void {
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
export function checkExtendedProperties(binary: string): void {
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
