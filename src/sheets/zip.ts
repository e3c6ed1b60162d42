// A minimal zip reader for the xlsx fast path, so that only the parts a list needs are inflated; it
// refuses whatever SheetJS's reader would take differently, and the caller then falls back to SheetJS.
import { inflateRawSync } from "node:zlib";

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

export function openZip(bytes: Uint8Array): Zip {
  const len = bytes.length;
  // SheetJS takes the last end-of-central-directory signature in the file.
  let eocd = len - 4;
  while (
    eocd >= 0 &&
    !(bytes[eocd] === 0x50 && bytes[eocd + 1] === 0x4b && bytes[eocd + 2] === 5 && bytes[eocd + 3] === 6)
  )
    eocd--;
  if (eocd < 0 || eocd + 22 > len) fail("no end of central directory");
  const count = u16(bytes, eocd + 8);
  let p = u32(bytes, eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > len || u32(bytes, p) !== 0x02014b50) fail("bad central directory");
    const csz = u32(bytes, p + 20);
    const usz = u32(bytes, p + 24);
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const offset = u32(bytes, p + 42);
    if (hasZip64(bytes, p + 46 + nameLen, p + 46 + nameLen + extraLen)) fail("zip64");
    p += 46 + nameLen + extraLen + commentLen;

    // SheetJS trusts the local header for the name and the sizes, and checks them against the directory.
    if (offset + 30 > len || u32(bytes, offset) !== 0x04034b50) fail("bad local header");
    const flags = u16(bytes, offset + 6);
    const method = u16(bytes, offset + 8);
    const lcsz = u32(bytes, offset + 18);
    const lusz = u32(bytes, offset + 22);
    const lNameLen = u16(bytes, offset + 26);
    const lExtraLen = u16(bytes, offset + 28);
    if (flags & 0x2041) fail("encrypted");
    if (flags & 8) fail("data descriptor");
    if (method !== 0 && method !== 8) fail("compression method");
    if (lcsz !== csz || lusz !== usz) fail("sizes differ");
    const nameStart = offset + 30;
    const dataStart = nameStart + lNameLen + lExtraLen;
    if (hasZip64(bytes, nameStart + lNameLen, dataStart)) fail("zip64");
    if (dataStart + csz > len) fail("truncated entry");
    // Deflate cannot expand more than about 1032:1; a larger size is a corrupt header, and would
    // have us allocate it.
    if (method === 8 ? usz > csz * 1032 + 1024 : usz !== csz) fail("implausible size");
    const name = latin1(bytes, nameStart, nameStart + lNameLen);
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
    out = inflateRawSync(raw, { chunkSize: Math.max(64, entry.size + 1) });
  } catch {
    fail("inflate failed");
  }
  if (out.length !== entry.size) fail("inflated size differs");
  return out;
}
