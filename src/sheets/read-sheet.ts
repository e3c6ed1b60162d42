// Chooses the reader from the bytes themselves, not the file name: ICE's firewall has served HTML
// block pages under an .xlsx name, and a truncated download still ends in .xlsx.
import { InputError } from "../errors.js";
import { readCsv } from "./read-csv.js";
import { readXlsx } from "./read-xlsx.js";
import type { Sheet } from "./types.js";

export type Format = "xlsx" | "xls" | "csv";

export function sniffFormat(bytes: Uint8Array, file: string): Format {
  if (bytes.length === 0) throw new InputError(file, "empty file (0 bytes); expected an xlsx or csv list");
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) return "xlsx";
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return "xls";
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("<") || head.includes("<html") || head.includes("<!doctype")) {
    throw new InputError(
      file,
      "is an HTML page, not a spreadsheet (a block page or error page saved under a list's name)",
    );
  }
  if (head.startsWith("%pdf")) throw new InputError(file, "is a PDF, not a spreadsheet list");
  if (bytes.includes(0)) throw new InputError(file, "is binary but not an xlsx/xls workbook (no zip or OLE signature)");
  return "csv";
}

export function readSheet(bytes: Uint8Array, file: string): Sheet {
  const format = sniffFormat(bytes, file);
  // A header with no rows is read as an empty list (ICE published one: pending, 2025-11-06 pm);
  // whether to apply it is the ledger's decision.
  return format === "csv" ? readCsv(bytes, file) : readXlsx(bytes, file);
}
