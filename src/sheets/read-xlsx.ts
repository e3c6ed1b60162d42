// Reads an xlsx workbook into a Sheet: the fast reader for ordinary workbooks, SheetJS (wrapped here so
// it can be swapped) for the rest and as the reference. Dates stay serials; normalize/ converts them in UTC.
import * as XLSX from "@e965/xlsx";
import { InputError } from "../errors.js";
import type { Grid } from "./grid.js";
import { checkLimit, LIMITS, LimitError } from "./limits.js";
import type { CellValue, RawCell, Sheet } from "./types.js";
import { ERROR_TEXT, listSheet } from "./xlsx-common.js";
import { readXlsxFast } from "./xlsx-fast.js";
import { looseEntries, storedZip } from "./zip.js";

export { readXlsxFast };

const READ_OPTS: XLSX.ParsingOptions = {
  type: "buffer",
  cellDates: false,
  cellNF: true,
  dense: true,
  cellHTML: false,
  cellText: false,
  cellFormula: false,
  // One row past the limit, so that a longer sheet is seen to be too long without being read whole.
  sheetRows: LIMITS.rows + 1,
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
  // SheetJS inflates what a zip header claims and builds every cell before anything can be counted,
  // so it is given a zip whose entries were inflated here, under the limits, and stored.
  let input = bytes;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) input = storedZip(looseEntries(bytes, file));
  else checkLimit(file, "xlsBytes", bytes.length);
  try {
    wb = XLSX.read(input, READ_OPTS);
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
      if (data.length > LIMITS.rows) throw new LimitError(file, "rows", data.length, { atLeast: true });
      const grid: Grid = [];
      for (let r = 0; r < data.length; r++) {
        const row = data[r];
        if (row && row.length > LIMITS.columns)
          throw new LimitError(file, "columns", row.length, { where: `row ${r + 1}`, row: r + 1 });
        grid.push(row ? Array.from(row, toRawCell) : []);
      }
      return grid;
    },
    file,
  );
}
