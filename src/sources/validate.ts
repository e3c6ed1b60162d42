// Checks downloaded bytes before anything is read from them: an empty or oversized body, an HTML
// block page served with status 200, or bytes that are not the workbook their name says are
// rejected with a message that says which, and what came back instead. Whether the workbook is
// whole and is a 287(g) list is the pipeline's check (pipeline/check-list.ts), made with sheets/.
import { InputError } from "../errors.js";
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
  maxBytes?: number;
}

export type ListFormat = "xlsx" | "xls" | "csv";

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

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

/** The format the bytes are in, or an InputError saying why they are no list. */
export function checkDownload(input: ValidateInput): ListFormat {
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
  const format: ListFormat = isZip(bytes) ? "xlsx" : isOle(bytes) ? "xls" : "csv";
  if (ext === "xlsx" && format !== "xlsx") {
    const first = [...bytes.subarray(0, 4)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
    throw reject(`not an xlsx workbook: it does not start with the zip signature PK\\x03\\x04 (starts ${first})`);
  }
  if (format === "xlsx" && bytes.length < MIN_XLSX_BYTES)
    throw reject(`only ${bytes.length} bytes: too small for an xlsx workbook`);
  return format;
}
