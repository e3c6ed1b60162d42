// Builds xlsx workbooks part by part, with a zip writer of our own, so that tests can make what no
// spreadsheet program would: zip bombs, lying sizes, a million rows, odd names.
import zlib from "node:zlib";
import { columnLetter } from "../../src/sheets/headers.js";

export interface Part {
  name: string;
  /** The entry's bytes, or a ready deflate stream (`deflated`) with the size it inflates to. */
  data?: Uint8Array | string;
  deflated?: { stream: Uint8Array; size: number };
  /** Store without compression (method 0). */
  stored?: boolean;
  /** The uncompressed size to write in the headers, when it should lie. */
  claimSize?: number;
}

/** Little-endian fields in order, as Python's struct.pack("<…"): "I" four bytes, "H" two. */
function pack(format: string, ...values: number[]): Buffer {
  const b = Buffer.alloc([...format].reduce((n, f) => n + (f === "I" ? 4 : 2), 0));
  let at = 0;
  for (const [i, f] of [...format].entries()) {
    at = f === "I" ? b.writeUInt32LE(values[i] ?? 0, at) : b.writeUInt16LE(values[i] ?? 0, at);
  }
  return b;
}

/** A zip of the parts, deflated unless stored; CRCs are written as 0 (no reader here checks them). */
export function zipParts(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, "latin1");
    let body: Buffer;
    let size: number;
    let method = 8;
    if (p.deflated) {
      body = Buffer.from(p.deflated.stream);
      size = p.deflated.size;
    } else {
      const raw = typeof p.data === "string" ? Buffer.from(p.data, "utf8") : Buffer.from(p.data ?? new Uint8Array());
      size = raw.length;
      if (p.stored) {
        body = raw;
        method = 0;
      } else body = zlib.deflateRawSync(raw);
    }
    const claimed = p.claimSize ?? size;
    // Compressed size, uncompressed size (as claimed), name length: the same in both headers.
    const sizes = [body.length, claimed >>> 0, name.length];
    const lh = pack("IHHHHHIIIHH", 0x04034b50, 20, 0, method, 0, 0, 0, ...sizes, 0);
    const ch = pack("IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, method, 0, 0, 0, ...sizes, 0, 0, 0, 0, 0, offset);
    locals.push(lh, name, body);
    central.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const n = parts.length & 0xffff;
  const end = pack("IHHHHIIH", 0x06054b50, 0, 0, n, n, cd.length, offset, 0);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * A deflate stream that inflates to `prefix`, then `count` copies of `chunk`, then `suffix`, built
 * without ever holding the whole: the chunk is deflated once, flushed to a byte boundary, and the
 * block repeated. A 1 MB chunk of one byte deflates to about 1 KB, so 2.5 MB of stream is 2.5 GB.
 */
export function repeatedDeflate(prefix: string, chunk: Buffer, count: number, suffix: string): Part["deflated"] {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const head = zlib.deflateRawSync(Buffer.from(prefix, "utf8"), flush);
  const block = zlib.deflateRawSync(chunk, flush);
  const tail = zlib.deflateRawSync(Buffer.from(suffix, "utf8"));
  const pieces = [head];
  for (let i = 0; i < count; i++) pieces.push(block);
  pieces.push(tail);
  return {
    stream: Buffer.concat(pieces),
    size: Buffer.byteLength(prefix) + chunk.length * count + Buffer.byteLength(suffix),
  };
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT = "application/vnd.openxmlformats-officedocument.spreadsheetml";

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Column letters for a 1-based column number. */
export const col = (n: number): string => columnLetter(n - 1);

/** One row of inline-string and number cells, starting at column A. */
export function rowXml(r: number, values: (string | number | null)[], dateStyle = 1): string {
  const cells = values
    .map((v, i) => {
      const ref = `${col(i + 1)}${r}`;
      if (v === null) return "";
      if (typeof v === "number") return `<c r="${ref}" s="${dateStyle}"><v>${v}</v></c>`;
      return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`;
    })
    .join("");
  return `<row r="${r}">${cells}</row>`;
}

export interface BookParts {
  /** The worksheet's sheetData content (rows), or a whole worksheet part. */
  rows?: string;
  sheet?: Part;
  strings?: Part;
  after?: string;
  sheetName?: string;
  extra?: Part[];
}

/** The parts of a one-sheet workbook; numbers in style 1 show as dates (m/d/yy). */
export function bookParts(o: BookParts): Part[] {
  const parts: Part[] = [
    {
      name: "[Content_Types].xml",
      data: `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CT}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>${o.strings ? `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/>` : ""}</Types>`,
    },
    {
      name: "_rels/.rels",
      data: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      data: `${XML}<workbook ${NS} ${NS_R}><sheets><sheet name="${escapeXml(o.sheetName ?? "Sheet1")}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>${o.strings ? `<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : ""}</Relationships>`,
    },
    {
      name: "xl/styles.xml",
      data: `${XML}<styleSheet ${NS}><cellXfs count="2"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    },
    o.sheet ?? {
      name: "xl/worksheets/sheet1.xml",
      data: `${XML}<worksheet ${NS} ${NS_R}><sheetData>${o.rows ?? ""}</sheetData>${o.after ?? ""}</worksheet>`,
    },
  ];
  if (o.strings) parts.push(o.strings);
  if (o.extra) parts.push(...o.extra);
  return parts;
}

export const SHEET_HEAD = `${XML}<worksheet ${NS} ${NS_R}><sheetData>`;
export const SHEET_TAIL = "</sheetData></worksheet>";
export const HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED"];

/** A small participating list as an xlsx: the header, then rows of [state, agency, type, model, signed]. */
export function listXlsx(rows: (string | number | null)[][], o: Omit<BookParts, "rows"> = {}): Buffer {
  const xml = [rowXml(1, HEADER), ...rows.map((r, i) => rowXml(i + 2, r))].join("");
  return zipParts(bookParts({ ...o, rows: xml }));
}
