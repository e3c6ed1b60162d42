// Reads the HTML-era lists (2021-01 → 2025-02-19), which were parsed from web-archive captures into
// csv: the MOA column holds the full URL as text, and SIGNED is ISO text.
import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";
import { buildSheet, type Grid } from "./grid.js";
import type { Sheet } from "./types.js";

export function readCsv(bytes: Uint8Array, file: string): Sheet {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError(file, "is not UTF-8 text (save the csv as UTF-8)");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: false });
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `not a readable csv file: ${err.message}`, err.lines);
  }
  const grid: Grid = records.map((r) => r.map((v) => ({ v: v === "" ? null : v })));
  return buildSheet(grid, { file, format: "csv", sheetName: "csv", sheetNames: ["csv"] });
}
