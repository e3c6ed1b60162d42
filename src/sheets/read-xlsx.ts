// Reads an xlsx workbook into a Sheet. SheetJS (the @e965/xlsx republish) is wrapped here so it can
// be swapped; dates stay as serial numbers (cellDates:false) and are converted in UTC by normalize/.
import * as XLSX from "@e965/xlsx";
import { InputError } from "../errors.js";
import { buildSheet, findHeaderRow, type Grid } from "./grid.js";
import type { CellValue, RawCell, Sheet } from "./types.js";

const READ_OPTS: XLSX.ParsingOptions = {
  type: "buffer",
  cellDates: false,
  cellNF: true,
  dense: true,
  cellHTML: false,
  cellText: false,
  cellFormula: false,
};

// Excel error cells carry a code, not text; `#N/A` is common in ICE's COUNTY column.
const ERROR_TEXT: Record<number, string> = {
  0: "#NULL!",
  7: "#DIV/0!",
  15: "#VALUE!",
  23: "#REF!",
  29: "#NAME?",
  36: "#NUM!",
  42: "#N/A",
  43: "#GETTING_DATA",
};

function toRawCell(c: XLSX.CellObject | undefined): RawCell | undefined {
  if (!c) return undefined;
  let v: CellValue;
  if (c.t === "e") v = ERROR_TEXT[c.v as number] ?? "#ERROR";
  else if (c.t === "z" || c.v === undefined) v = null;
  else if (c.v instanceof Date) v = c.v.toISOString();
  else v = c.v as CellValue;
  const cell: RawCell = { v };
  if (typeof c.z === "string" && c.z !== "General") cell.z = c.z;
  const target = c.l?.Target;
  if (target) cell.link = target;
  return cell;
}

export function readXlsx(bytes: Uint8Array, file: string): Sheet {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, READ_OPTS);
  } catch (e) {
    throw new InputError(file, `not a readable xlsx workbook (corrupt or truncated): ${(e as Error).message}`);
  }
  const names = wb.SheetNames;
  if (names.length === 0) throw new InputError(file, "workbook has no sheets");
  // The list is the first sheet with a recognisable header; later sheets (a per-model summary on
  // 2026-03-02) are noted, and kept in the raw bytes.
  for (const name of names) {
    const ws = wb.Sheets[name];
    const data = (ws?.["!data"] ?? []) as (XLSX.CellObject | undefined)[][];
    const grid: Grid = [];
    for (let r = 0; r < data.length; r++) {
      const row = data[r];
      grid.push(row ? Array.from(row, toRawCell) : []);
    }
    if (findHeaderRow(grid) < 0) continue;
    const sheet = buildSheet(grid, { file, format: "xlsx", sheetName: name, sheetNames: names });
    const others = names.filter((n) => n !== name);
    if (others.length)
      sheet.notes.push({ rule: "extra_sheets_ignored", detail: `also holds sheet(s) ${others.join(", ")}` });
    return sheet;
  }
  // No sheet had a header: report against the first one.
  const first = names[0] as string;
  return buildSheet([], { file, format: "xlsx", sheetName: first, sheetNames: names });
}
