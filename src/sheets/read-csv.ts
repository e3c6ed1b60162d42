// Reads the HTML-era lists (2021-01 → 2025-02-19), which were parsed from web-archive captures into
// csv: the MOA column holds the full URL as text, and SIGNED is ISO text.
import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";
import { buildSheet, type Grid } from "./grid.js";
import { columnLetter } from "./headers.js";
import { LIMITS, LimitError } from "./limits.js";
import type { Sheet } from "./types.js";

/**
 * Walks the text once as csv-parse would split it (double quotes, "" inside them) and refuses it
 * before any record is built when a row, a column or a cell is over LIMITS.
 */
export function checkCsvShape(text: string, file: string): void {
  const len = text.length;
  let row = 1;
  let col = 0;
  let i = 0;
  while (i < len) {
    // One field.
    let size = 0;
    if (text.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          size += len - i;
          i = len;
          break;
        }
        size += q - i;
        if (text.charCodeAt(q + 1) === 34) {
          size++;
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    let end = i;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 44 || c === 10 || c === 13) break;
      end++;
    }
    size += end - i;
    i = end;
    if (size > LIMITS.cellChars) {
      throw new LimitError(file, "cellChars", size, { where: `cell ${columnLetter(col)}${row}`, row });
    }
    col++;
    if (col > LIMITS.columns) throw new LimitError(file, "columns", col, { where: `row ${row}`, row, atLeast: true });
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    // End of a record: \r\n, \n or \r.
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    if (i < len) {
      row++;
      col = 0;
      if (row > LIMITS.rows) throw new LimitError(file, "rows", row, { atLeast: true });
    }
  }
  if (len > LIMITS.sheetChars) throw new LimitError(file, "sheetChars", len);
}

export function readCsv(bytes: Uint8Array, file: string): Sheet {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError(file, "is not UTF-8 text (save the csv as UTF-8)");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkCsvShape(text, file);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: false });
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `not a readable csv file: ${err.message.split("\n")[0]}`, err.lines);
  }
  const grid: Grid = records.map((r) => r.map((v) => ({ v: v === "" ? null : v })));
  return buildSheet(grid, { file, format: "csv", sheetName: "csv", sheetNames: ["csv"] });
}
