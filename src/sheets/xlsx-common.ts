// What both xlsx readers (SheetJS and the fast path) share, so that they cannot drift apart: how an
// error cell reads, and which sheet of a workbook is the list.
import { buildSheet, findHeaderRow, type Grid } from "./grid.js";
import type { Sheet } from "./types.js";

// Excel error cells carry a code, not text; `#N/A` is common in ICE's COUNTY column.
export const ERROR_TEXT: Record<number, string> = {
  0: "#NULL!",
  7: "#DIV/0!",
  15: "#VALUE!",
  23: "#REF!",
  29: "#NAME?",
  36: "#NUM!",
  42: "#N/A",
  43: "#GETTING_DATA",
};

/**
 * The list is the first sheet with a recognisable header; later sheets (a per-model summary on
 * 2026-03-02) are noted, and kept in the raw bytes. `gridOf` is called in sheet order until one has
 * a header.
 */
export function listSheet(names: string[], gridOf: (index: number) => Grid, file: string): Sheet {
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const grid = gridOf(i);
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
