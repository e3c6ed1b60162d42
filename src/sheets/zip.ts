// A minimal zip reader for the xlsx fast path, so that only the parts a list needs are inflated; it
// refuses whatever SheetJS's reader would take differently, and the caller then falls back to SheetJS.
// It also re-packs any zip for SheetJS with every entry inflated here, under LIMITS, because SheetJS
// inflates whatever a header claims (a zip bomb) and creates a cell for every hyperlinked address.
import zlib, { inflateRawSync } from "node:zlib";
import { InputError } from "../errors.js";
import { checkLimit, LIMITS, LimitError } from "./limits.js";

/** The zip uses something the fast path does not handle; the caller falls back to SheetJS. */
export class ZipUnsupported extends Error {}

export interface ZipEntry {
  /** The name as SheetJS sees it: the local header's bytes, one char per byte. */
  name: string;
  method: number;
  dataStart: number;
  compressedSize: number;
  size: number;
}

export interface Zip {
  bytes: Uint8Array;
  /** Keyed by lower-cased name: SheetJS looks parts up case-insensitively. */
  entries: Map<string, ZipEntry>;
}

const u16 = (b: Uint8Array, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8);
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16)) + (b[i + 3] as number) * 0x1000000;

function fail(why: string): never {
  throw new ZipUnsupported(why);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** True when an extra field holds a ZIP64 record (SheetJS would take sizes from it). */
function hasZip64(b: Uint8Array, start: number, end: number): boolean {
  let p = start;
  while (p <= end - 4) {
    if (u16(b, p) === 0x0001) return true;
    p += 4 + u16(b, p + 2);
  }
  return false;
}

/**
 * The central directory as SheetJS finds it, from the last end-of-central-directory signature in
 * the file: its entry count (held to the limit) and where its first record starts.
 */
function centralDirectory(
  bytes: Uint8Array,
  file: string,
  bad: (why: string) => never,
): { count: number; start: number } {
  let eocd = bytes.length - 4;
  while (
    eocd >= 0 &&
    !(bytes[eocd] === 0x50 && bytes[eocd + 1] === 0x4b && bytes[eocd + 2] === 5 && bytes[eocd + 3] === 6)
  )
    eocd--;
  if (eocd < 0 || eocd + 22 > bytes.length) bad("no end of central directory");
  const count = u16(bytes, eocd + 8);
  checkLimit(file, "zipEntries", count);
  return { count, start: u32(bytes, eocd + 16) };
}

/** A central-directory record's fields at `p`: sizes, its extra field, its local header, the next record. */
function directoryRecord(b: Uint8Array, p: number) {
  const extraStart = p + 46 + u16(b, p + 28);
  const extraEnd = extraStart + u16(b, p + 30);
  return {
    csz: u32(b, p + 20),
    usz: u32(b, p + 24),
    extraStart,
    extraEnd,
    offset: u32(b, p + 42),
    next: extraEnd + u16(b, p + 32),
  };
}

/** A local header's fields at `offset`: SheetJS trusts these for the name and the sizes. */
function localHeader(b: Uint8Array, offset: number) {
  const nameStart = offset + 30;
  const nameEnd = nameStart + u16(b, offset + 26);
  return {
    flags: u16(b, offset + 6),
    method: u16(b, offset + 8),
    csz: u32(b, offset + 18),
    usz: u32(b, offset + 22),
    nameStart,
    nameEnd,
    dataStart: nameEnd + u16(b, offset + 28),
  };
}

export function openZip(bytes: Uint8Array, file = "workbook"): Zip {
  const len = bytes.length;
  const { count, start } = centralDirectory(bytes, file, fail);
  let p = start;
  const entries = new Map<string, ZipEntry>();
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > len || u32(bytes, p) !== 0x02014b50) fail("bad central directory");
    const { csz, usz, extraStart, extraEnd, offset, next } = directoryRecord(bytes, p);
    if (hasZip64(bytes, extraStart, extraEnd)) fail("zip64");
    p = next;

    // SheetJS trusts the local header for the name and the sizes, and checks them against the directory.
    if (offset + 30 > len || u32(bytes, offset) !== 0x04034b50) fail("bad local header");
    const local = localHeader(bytes, offset);
    const { method, nameStart, nameEnd, dataStart } = local;
    if (local.flags & 0x2041) fail("encrypted");
    if (local.flags & 8) fail("data descriptor");
    if (method !== 0 && method !== 8) fail("compression method");
    if (local.csz !== csz || local.usz !== usz) fail("sizes differ");
    if (hasZip64(bytes, nameEnd, dataStart)) fail("zip64");
    if (dataStart + csz > len) fail("truncated entry");
    // Deflate cannot expand more than about 1032:1; a larger size is a corrupt header, and would
    // have us allocate it.
    if (method === 8 ? usz > csz * 1032 + 1024 : usz !== csz) fail("implausible size");
    const name = latin1(bytes, nameStart, nameEnd);
    // Sizes as declared; readZipEntry holds each entry to its declared size while inflating.
    checkLimit(file, "entryBytes", usz, { where: `zip entry ${printable(name)}` });
    total += usz;
    checkLimit(file, "workbookBytes", total);
    // Names SheetJS would rewrite or match loosely (root-relative, backslashes, non-ASCII).
    if (/[^\x21-\x7e ]|\\|^\/|\/\/|^root entry/i.test(name)) fail("unusual entry name");
    const key = name.toLowerCase();
    if (entries.has(key)) fail("duplicate entry");
    entries.set(key, { name, method, dataStart, compressedSize: csz, size: usz });
  }
  return { bytes, entries };
}

export function zipEntry(zip: Zip, name: string): ZipEntry | undefined {
  return zip.entries.get(name.toLowerCase());
}

/** The entry's bytes; throws ZipUnsupported when the stream does not inflate to its stated size. */
export function readZipEntry(zip: Zip, entry: ZipEntry): Uint8Array {
  const raw = zip.bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) return raw;
  let out: Uint8Array;
  try {
    // One output chunk of the known size: zlib's default 16 KiB chunks, joined afterwards, cost
    // several times the inflating itself on a large sheet.
    out = inflateRawSync(raw, { chunkSize: Math.max(64, entry.size + 1), maxOutputLength: Math.max(1, entry.size) });
  } catch {
    fail("inflate failed");
  }
  if (out.length !== entry.size) fail("inflated size differs");
  return out;
}

/**
 * Why a downloaded zip is incomplete, or null when every entry it lists lies inside the bytes. A download cut
 * short loses the central directory at the end first, so the end record is looked for; a zip whose
 * directory points past the end of the file is cut as well.
 */
export function zipDamage(b: Uint8Array): string | null {
  const len = b.length;
  let eocd = -1;
  for (let i = len - 22; i >= Math.max(0, len - 22 - 0xffff); i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 5 && b[i + 3] === 6) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return "no end-of-central-directory record (the download was cut short)";
  const count = u16(b, eocd + 10);
  const cdSize = u32(b, eocd + 12);
  const cdStart = u32(b, eocd + 16);
  if (cdStart + cdSize > eocd) return "the central directory lies beyond the end of the file";
  let p = cdStart;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || u32(b, p) !== 0x02014b50) return `central directory entry ${n + 1} is damaged`;
    const { csz, offset, next } = directoryRecord(b, p);
    p = next;
    if (offset + 30 > len || u32(b, offset) !== 0x04034b50) return `entry ${n + 1} has no local header`;
    if (localHeader(b, offset).dataStart + csz > len) return `entry ${n + 1} ends past the end of the file`;
  }
  return null;
}

/** A zip entry name for a one-line message: control and non-ASCII bytes escaped, at most 80 chars. */
export function printable(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to escape them
  const s = name.replace(/[\x00-\x1f\x7f-\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** SheetJS's own reading of a zip entry, as parse_zip and parse_local_file walk it. */
interface LooseEntry {
  name: string;
  data: Uint8Array;
}

function corrupt(file: string, why: string): never {
  throw new InputError(file, `not a readable xlsx workbook (corrupt or truncated): ${why}`);
}

/**
 * Reads every entry the way SheetJS's parse_zip finds it (the last end-of-directory record, then
 * each local header), inflating here with a byte budget, so a zip bomb stops at the limit instead
 * of filling memory. Hyperlink ranges are checked too: SheetJS makes a cell for every address of one.
 */
export function looseEntries(bytes: Uint8Array, file: string): LooseEntry[] {
  const len = bytes.length;
  const { count, start } = centralDirectory(bytes, file, (why) => corrupt(file, why));
  let p = start;
  const out: LooseEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > len) corrupt(file, "central directory runs past the end");
    const { extraStart, extraEnd, offset, next } = directoryRecord(bytes, p);
    if (hasZip64(bytes, extraStart, Math.min(len, extraEnd))) corrupt(file, "ZIP64 entry");
    p = next;
    if (offset + 30 > len) corrupt(file, "local header past the end");
    const { flags, method, csz, nameStart, nameEnd, dataStart } = localHeader(bytes, offset);
    if (flags & 0x2041) throw new InputError(file, "not a readable xlsx workbook: encrypted zip entries");
    if (dataStart > len) corrupt(file, "entry name past the end");
    if (hasZip64(bytes, nameEnd, dataStart)) corrupt(file, "ZIP64 entry");
    const name = latin1(bytes, nameStart, nameEnd);
    const budget = Math.min(LIMITS.entryBytes, LIMITS.workbookBytes - total);
    let data: Uint8Array;
    if (method === 0) {
      data = bytes.subarray(dataStart, Math.min(len, dataStart + csz));
      if (data.length > budget) overBudget(file, name, data.length, total, false);
    } else if (method === 8) {
      try {
        // Like SheetJS, inflate from the data start to the end of the deflate stream.
        data = inflateRawSync(bytes.subarray(dataStart), { maxOutputLength: Math.max(1, budget) });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
          overBudget(file, name, budget + 1, total, true);
        corrupt(file, `zip entry ${printable(name)} does not inflate`);
      }
    } else throw new InputError(file, `not a readable xlsx workbook: unsupported zip compression method ${method}`);
    total += data.length;
    checkXmlShape(file, name, data);
    out.push({ name, data });
  }
  return out;
}

function overBudget(file: string, name: string, size: number, total: number, atLeast: boolean): never {
  const where = `zip entry ${printable(name)}`;
  if (size > LIMITS.entryBytes) throw new LimitError(file, "entryBytes", size, { where, atLeast });
  throw new LimitError(file, "workbookBytes", total + size, { atLeast });
}

const HYPERLINK_TAG = /<(?:[\w-]+:)?hyperlink\b[^<>]*>/gi;
const REF_ATTR = /ref\s*=\s*["']?([^"'\s<>/]*)/gi;

/**
 * Bounds what SheetJS would build from one part: its tag count (each can become a cell), and the
 * addresses its hyperlinks cover (each becomes a cell). Parts small enough to hold neither skip the scan.
 */
function checkXmlShape(file: string, name: string, data: Uint8Array): void {
  if (data.length > LIMITS.sheetTags) {
    let tags = 0;
    for (let i = data.indexOf(60); i >= 0; i = data.indexOf(60, i + 1)) tags++;
    checkLimit(file, "sheetTags", tags, { where: `zip entry ${printable(name)}` });
  }
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  if (buf.indexOf("yperlink") < 0 && buf.indexOf("YPERLINK") < 0) return;
  const text = buf.toString("latin1");
  for (const tag of text.match(HYPERLINK_TAG) ?? []) {
    for (const m of tag.matchAll(REF_ATTR)) {
      const [, sc, er, ec] = decodeRange(m[1] ?? "");
      const where = `the hyperlink range ${printable((m[1] ?? "").slice(0, 40))}`;
      checkLimit(file, "rows", er + 1, { where });
      checkLimit(file, "columns", Math.max(sc, ec) + 1, { where });
    }
  }
}

/** SheetJS's safe_decode_range, as [startRow, startCol, endRow, endCol] (0-based). */
export function decodeRange(range: string): [number, number, number, number] {
  let i = 0;
  let idx = 0;
  let cc = 0;
  const len = range.length;
  for (idx = 0; i < len; ++i) {
    cc = range.charCodeAt(i) - 64;
    if (cc < 1 || cc > 26) break;
    idx = 26 * idx + cc;
  }
  const sc = --idx;
  for (idx = 0; i < len; ++i) {
    cc = range.charCodeAt(i) - 48;
    if (cc < 0 || cc > 9) break;
    idx = 10 * idx + cc;
  }
  const sr = --idx;
  if (i === len || cc !== 10) return [sr, sc, sr, sc];
  ++i;
  for (idx = 0; i !== len; ++i) {
    cc = range.charCodeAt(i) - 64;
    if (cc < 1 || cc > 26) break;
    idx = 26 * idx + cc;
  }
  const ec = --idx;
  for (idx = 0; i !== len; ++i) {
    cc = range.charCodeAt(i) - 48;
    if (cc < 0 || cc > 9) break;
    idx = 10 * idx + cc;
  }
  const er = --idx;
  return [sr, sc, er, ec];
}

/**
 * The fields a stored entry's local header and its central-directory record share, from `at` (the
 * version needed) on: flags, method, time and date stay 0.
 */
function writeEntryFields(h: Buffer, at: number, crc: number, size: number, nameLength: number): void {
  h.writeUInt16LE(20, at);
  h.writeUInt32LE(crc >>> 0, at + 10);
  h.writeUInt32LE(size, at + 14);
  h.writeUInt32LE(size, at + 18);
  h.writeUInt16LE(nameLength, at + 22);
}

/** The entries again as a zip of stored (uncompressed) entries, which SheetJS reads without inflating. */
export function storedZip(entries: LooseEntry[]): Uint8Array {
  const crc = (d: Uint8Array) => (typeof zlib.crc32 === "function" ? zlib.crc32(d) : 0);
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "latin1");
    const sum = crc(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(lh, 4, sum, e.data.length, name.length);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    writeEntryFields(ch, 6, sum, e.data.length, name.length);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length));
    central.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}
