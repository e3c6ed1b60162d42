// The worksheet, scanned as bytes (SheetJS reads it as a binary string, one char per byte; a string
// copy of a large sheet costs more than the scan itself): its cells, then its hyperlinks.
import type { Grid } from "./grid.js";
import { checkLimit, LIMITS } from "./limits.js";
import type { CellValue, RawCell } from "./types.js";
import { ERROR_TEXT } from "./xlsx-common.js";
import { binaryPieces, checkKey, type Rel } from "./xlsx-fast-package.js";
import { parseSi, pickAttrs, unescapeXml, unsupported, utf8read } from "./xml-scan.js";
import { decodeRange, printable } from "./zip.js";

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

export interface CellReader {
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

export function readWorksheet(b: Buffer, reader: CellReader, rels: Map<string, Rel>, file: string, part: string): Grid {
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
