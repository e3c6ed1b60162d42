// Checks downloaded bytes before anything is kept: an HTML block page served with status 200, a
// truncated zip, an oversized body, or a workbook that is not a 287(g) list is rejected with a
// message that says which, and what came back instead.
import { InputError, UnreadableListError } from "../errors.js";
import { readSheet } from "../sheets/read-sheet.js";
import type { ListKind, Sheet } from "../sheets/types.js";
import { htmlText, pageTitle } from "./ice-page.js";

/** ICE's lists are under 1 MB; a body far larger is not a list. */
export const MAX_LIST_BYTES = 20 * 1024 * 1024;
/** The smallest real xlsx list (an empty pending list) is ~5 KB; a few hundred bytes is no workbook. */
export const MIN_XLSX_BYTES = 512;

export interface ValidateInput {
  bytes: Uint8Array;
  /** Where the bytes came from, for messages. */
  url: string;
  fileName: string;
  contentType?: string;
  /** Content-Length as the server declared it, when it did. */
  declaredLength?: number;
  /** The kind the page (or the mirror) says this is; the content decides. */
  expectedKind?: ListKind | null;
  maxBytes?: number;
}

export interface ValidList {
  format: "xlsx" | "xls" | "csv";
  kind: ListKind;
  rows: number;
  sheet: Sheet;
  /** Set when the content is of the other kind than the link said (ICE swapped them on 2025-09-22 pm). */
  kindMismatch: string | null;
}

const u16 = (b: Uint8Array, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8);
const u32 = (b: Uint8Array, i: number) =>
  ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16)) + (b[i + 3] as number) * 0x1000000;

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/**
 * Why a zip is incomplete, or null when every entry it lists lies inside the bytes. A download cut
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
    const csz = u32(b, p + 20);
    const nameLen = u16(b, p + 28);
    const offset = u32(b, p + 42);
    p += 46 + nameLen + u16(b, p + 30) + u16(b, p + 32);
    if (offset + 30 > len || u32(b, offset) !== 0x04034b50) return `entry ${n + 1} has no local header`;
    const dataEnd = offset + 30 + u16(b, offset + 26) + u16(b, offset + 28) + csz;
    if (dataEnd > len) return `entry ${n + 1} ends past the end of the file`;
  }
  return null;
}

/** Looks like an HTML page: a block page, an error page or a login wall. */
export function looksLikeHtml(bytes: Uint8Array, contentType?: string): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048)).trimStart().toLowerCase();
  if (/^<(!doctype|html|head|body|\?xml[^>]*>\s*<(!doctype|html))/.test(head)) return true;
  if (head.startsWith("<") && /<(html|body|title|script|div|p)\b/.test(head)) return true;
  return /\btext\/html\b/i.test(contentType ?? "") && !isZip(bytes) && !isOle(bytes);
}

function htmlSummary(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8").decode(bytes.subarray(0, 64 * 1024));
  const title = pageTitle(text);
  // Akamai block pages carry a reference such as `Reference #18.5c0f3417.1775000000.1a2b3c`.
  const ref = /reference\s*(?:#|number|id)?\s*[:#]?\s*([0-9a-f.]{8,})/i.exec(htmlText(text));
  return [title ? `titled "${title}"` : "untitled", ref ? `reference ${ref[1]}` : null].filter(Boolean).join(", ");
}

export function validateList(input: ValidateInput): ValidList {
  const { bytes, url } = input;
  const max = input.maxBytes ?? MAX_LIST_BYTES;
  const reject = (why: string) => new InputError(url, `${why}; nothing was kept`);
  if (bytes.length === 0) throw reject("empty response (0 bytes) where a workbook was expected");
  if (bytes.length > max) throw reject(`${bytes.length} bytes, over the ${max}-byte limit for a list`);
  if (looksLikeHtml(bytes, input.contentType)) {
    throw reject(
      `the server sent an HTML page (${htmlSummary(bytes)}) instead of the workbook: probably a firewall block or error page`,
    );
  }
  const ext = /\.(xlsx|xls|csv)$/i.exec(input.fileName)?.[1]?.toLowerCase();
  const format: ValidList["format"] = isZip(bytes) ? "xlsx" : isOle(bytes) ? "xls" : "csv";
  if (ext === "xlsx" && format !== "xlsx") {
    const first = [...bytes.subarray(0, 4)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
    throw reject(`not an xlsx workbook: it does not start with the zip signature PK\\x03\\x04 (starts ${first})`);
  }
  if (format === "xlsx") {
    if (bytes.length < MIN_XLSX_BYTES) throw reject(`only ${bytes.length} bytes: too small for an xlsx workbook`);
    const damage = zipDamage(bytes);
    if (damage) {
      const of = input.declaredLength !== undefined ? ` of ${input.declaredLength} declared` : "";
      throw reject(`truncated or damaged xlsx (${bytes.length} bytes${of}): ${damage}`);
    }
  }
  let sheet: Sheet;
  try {
    sheet = readSheet(bytes, url);
  } catch (e) {
    if (e instanceof InputError)
      throw new UnreadableListError(url, `not a readable 287(g) list: ${e.message}; nothing was kept`);
    throw e;
  }
  const fields = new Set(sheet.columns.map((c) => c.field));
  if (!fields.has("model")) {
    throw new UnreadableListError(
      url,
      `not a 287(g) list: it names STATE and the agency but has no SUPPORT TYPE (model) column (columns: ${sheet.columns
        .map((c) => c.key)
        .join(", ")}); nothing was kept`,
    );
  }
  const kindMismatch =
    input.expectedKind && input.expectedKind !== sheet.kind
      ? `linked as the ${input.expectedKind} list but holds a ${sheet.kind} list (${sheet.kind === "participating" ? "it has a" : "it has no"} SIGNED column); filed by its content`
      : null;
  return {
    format: sheet.format === "csv" ? "csv" : format,
    kind: sheet.kind,
    rows: sheet.rows.length,
    sheet,
    kindMismatch,
  };
}
