// Turns a grid of raw cells (from xlsx or csv) into a Sheet: finds the header row, maps columns,
// drops blank rows and phantom columns, and decides the list's kind from its columns.
import { InputError } from "../errors.js";
import { columnLetter, looksLikeHeader, mapColumns } from "./headers.js";
import { checkLimit, LIMITS, LimitError } from "./limits.js";
import type { RawCell, RawRow, Sheet } from "./types.js";

/** How far down to look for the header row; ICE puts it in row 1, archives sometimes add a title. */
const HEADER_SEARCH_ROWS = 10;

export type Grid = (RawCell | undefined)[][];

export function isBlank(cell: RawCell | undefined): boolean {
  if (!cell) return true;
  const { v } = cell;
  return v === null || (typeof v === "string" && v.replace(/[\s\u00a0]+/g, "") === "");
}

/** Finds the header row index (0-based) in a grid, or -1. */
export function findHeaderRow(grid: Grid): number {
  const limit = Math.min(grid.length, HEADER_SEARCH_ROWS);
  for (let r = 0; r < limit; r++) {
    if (looksLikeHeader((grid[r] ?? []).map((c) => c?.v ?? null))) return r;
  }
  return -1;
}

/** Excel formats that render a serial as a date ("m/d/yy", "yyyy-mm-dd", "[$-409]mmmm d, yyyy"). */
export function isDateFormat(z: string | undefined): boolean {
  if (!z) return false;
  const bare = z.replace(/\[[^\]]*\]|"[^"]*"|\\./g, "");
  return /[dy]/i.test(bare) || /m+\/d|d\/m+/i.test(bare);
}

export function buildSheet(
  grid: Grid,
  opts: { file: string; format: Sheet["format"]; sheetName: string; sheetNames: string[] },
): Sheet {
  checkGrid(grid, opts.file);
  const h = findHeaderRow(grid);
  if (h < 0) {
    throw new InputError(
      opts.file,
      `no header row naming STATE and LAW ENFORCEMENT AGENCY in the first ${HEADER_SEARCH_ROWS} rows of sheet "${opts.sheetName}"`,
    );
  }
  const notes: Sheet["notes"] = [];
  const headerCells = grid[h] ?? [];
  const body = grid.slice(h + 1);
  // A loop, not Math.max(...rows): a spread of a million rows overflows the stack.
  let width = headerCells.length;
  for (const r of body) if (r.length > width) width = r.length;
  const headerValues = Array.from({ length: width }, (_, i) => headerCells[i]?.v ?? null);
  let columns = mapColumns(headerValues);

  // Phantom columns: no header and no data in any row (ICE's sheets carry up to 5 of them).
  const hasData = columns.map((c) => body.some((r) => !isBlank(r[c.index])));
  columns = columns.filter((c) => c.header !== null || hasData[c.index]);

  // Rule `inferred_signed_column`: on 2025-03-01 ICE published the list with the SIGNED header cell
  // empty. An unnamed column whose filled cells are all date-formatted numbers is that column.
  if (!columns.some((c) => c.field === "signed")) {
    const candidate = columns.find((c) => c.header === null && isDateColumn(body, c.index));
    if (candidate) {
      candidate.field = "signed";
      candidate.mappedBy = "inferred_signed_column";
      notes.push({
        rule: "inferred_signed_column",
        detail: `column ${columnLetter(candidate.index)} has no header but holds dates; read as SIGNED`,
      });
    }
  }

  const rows: RawRow[] = [];
  body.forEach((cells, i) => {
    if (columns.every((c) => isBlank(cells[c.index]))) return;
    rows.push({ row: h + 2 + i, cells: columns.map((c) => cells[c.index] ?? { v: null }) });
  });
  const blanks = body.length - rows.length;
  if (blanks > 0) notes.push({ rule: "blank_rows_skipped", detail: `${blanks} blank row(s) skipped` });

  return {
    format: opts.format,
    sheetName: opts.sheetName,
    sheetNames: opts.sheetNames,
    headerRow: h + 1,
    columns,
    rows,
    kind: columns.some((c) => c.field === "signed") ? "participating" : "pending",
    notes,
  };
}

function isDateColumn(body: Grid, index: number): boolean {
  let filled = 0;
  for (const r of body) {
    const c = r[index];
    if (isBlank(c)) continue;
    if (typeof c?.v !== "number" || !isDateFormat(c.z)) return false;
    filled++;
  }
  return filled > 0;
}

/**
 * Holds every reader's grid to the row, column and text limits. The readers check as they go where
 * they can (so that a huge sheet is refused before it is built); this is the one check all share.
 */
export function checkGrid(grid: Grid, file: string): void {
  checkLimit(file, "rows", grid.length);
  let chars = 0;
  for (let r = 0; r < grid.length; r++) {
    const row = grid[r] ?? [];
    if (row.length > 0) checkLimit(file, "columns", row.length, { where: `row ${r + 1}`, row: r + 1 });
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (!cell) continue;
      const n = Math.max(typeof cell.v === "string" ? cell.v.length : 0, cell.link?.length ?? 0);
      if (n > LIMITS.cellChars) {
        throw new LimitError(file, "cellChars", n, { where: `cell ${columnLetter(c)}${r + 1}`, row: r + 1 });
      }
      chars += n;
    }
    checkLimit(file, "sheetChars", chars);
  }
}
