// The shape of a list as read from its bytes, before any value is interpreted.
import type { ListKind } from "../sources/types.js";

export type { ListKind };

export type CellValue = string | number | boolean | null;

/** One cell as stored in the file: its value, its number format, and its hyperlink target. */
export interface RawCell {
  v: CellValue;
  /** Excel number format, kept when it is not "General" (it tells a date serial from a count). */
  z?: string;
  /** Hyperlink target behind the cell (ICE's MOA cells say "link" and hide the URL here). */
  link?: string;
}

/** The fields g287 understands. Anything else is kept as an unknown column. */
export type Field = "state" | "agency" | "type" | "county" | "model" | "signed" | "moa" | "addendum";

export interface Column {
  /** 0-based column index in the sheet as published (A = 0), kept for provenance. */
  index: number;
  /** Header text as written (trimmed); `null` for an unnamed column that holds data. */
  header: string | null;
  /** Key used in the raw-row JSON: the header text, or `col_F` for an unnamed column. */
  key: string;
  field: Field | null;
  /** How the field was recognised: by header alias, or inferred from the cells (named rule). */
  mappedBy?: "header" | "inferred_signed_column";
}

export interface RawRow {
  /** 1-based row number in the sheet, as a spreadsheet user would see it. */
  row: number;
  /** One cell per entry of `Sheet.columns`, in the same order. */
  cells: RawCell[];
}

export interface Sheet {
  format: "xlsx" | "csv";
  sheetName: string;
  /** Every sheet in the workbook, in order; only `sheetName` is read as the list. */
  sheetNames: string[];
  headerRow: number;
  columns: Column[];
  rows: RawRow[];
  /** Decided by content: a SIGNED column means participating. */
  kind: ListKind;
  /** Things the reader noticed and worked around, each with a rule name. */
  notes: { rule: string; detail: string }[];
}
