// Reads ordinary xlsx lists several times faster than SheetJS by scanning only the parts a list needs;
// its answer must equal SheetJS's cell for cell, so on anything unfamiliar it declines (undefined).
// Why it stays although a rebuild no longer reads files (measured 2026-12-07, `npm run bench`):
// a cold replay must still read all 475 xlsx lists once, which takes SheetJS 13.6-14.7 s of CPU
// and this path 2.4-2.8 s; without it the cold replay alone would be ~11 s over its 8 s target.
import type { Grid } from "./grid.js";
import { LimitError } from "./limits.js";
import type { Sheet } from "./types.js";
import { listSheet } from "./xlsx-common.js";
import { type CellReader, readWorksheet } from "./xlsx-fast-cells.js";
import {
  asBuffer,
  binaryPart,
  checkEncoding,
  checkExtendedProperties,
  checkKey,
  checkMetadata,
  partBytes,
  REL_COMMENTS,
  REL_THREADED,
  REL_WORKSHEET,
  readContentTypes,
  readRels,
  readWorkbook,
  stripFrontSlash,
} from "./xlsx-fast-package.js";
import { readSharedStrings } from "./xlsx-fast-strings.js";
import { formatLookup, readStyles, type Styles } from "./xlsx-fast-styles.js";
import { unsupported } from "./xml-scan.js";
import { openZip, zipEntry } from "./zip.js";

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
