// Reads an xlsx workbook into a Sheet: the fast reader for ordinary workbooks, SheetJS (wrapped here so
// it can be swapped) for the rest and as the reference. Dates stay serials; normalize/ converts them in UTC.
import * as XLSX from "@e965/xlsx";
import { InputError } from "../errors.js";
import type { Grid } from "./grid.js";
import type { CellValue, RawCell, Sheet } from "./types.js";
import { ERROR_TEXT, listSheet } from "./xlsx-common.js";
import { readXlsxFast } from "./xlsx-fast.js";

export { readXlsxFast };

const READ_OPTS: XLSX.ParsingOptions = {
  type: "buffer",
  cellDates: false,
  cellNF: true,
  dense: true,
  cellHTML: false,
  cellText: false,
  cellFormula: false,
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
  return readXlsxFast(bytes, file) ?? readXlsxSheetJs(bytes, file);
}

/** The reference reader: SheetJS, for every workbook the fast path declines, and for the tests. */
export function readXlsxSheetJs(bytes: Uint8Array, file: string): Sheet {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, READ_OPTS);
  } catch (e) {
    throw new InputError(file, `not a readable xlsx workbook (corrupt or truncated): ${(e as Error).message}`);
  }
  const names = wb.SheetNames;
  if (names.length === 0) throw new InputError(file, "workbook has no sheets");
  return listSheet(
    names,
    (i) => {
      const ws = wb.Sheets[names[i] as string];
      const data = (ws?.["!data"] ?? []) as (XLSX.CellObject | undefined)[][];
      const grid: Grid = [];
      for (let r = 0; r < data.length; r++) {
        const row = data[r];
        grid.push(row ? Array.from(row, toRawCell) : []);
      }
      return grid;
    },
    file,
  );
}
