// Every limit on what a list file may hold, in one place. Each is far above anything ICE has
// published (the largest list: ~1,850 rows, 10 columns, names under 200 characters, 0.3 MB of
// xlsx) and far below what would exhaust the machine; a file over one is refused whole with a
// one-line LimitError naming the file, the limit and the value.
import { InputError } from "../errors.js";
import { MAX_LIST_BYTES } from "../sources/read-file.js";

export const LIMITS = {
  /** Bytes of one list file as read from disk or the network. */
  fileBytes: MAX_LIST_BYTES,
  /** Entries (parts) in one xlsx zip. A real list has about 12. */
  zipEntries: 10_000,
  /** Inflated bytes of one zip entry (a worksheet or the shared strings), checked while inflating. */
  entryBytes: 64 * 1024 * 1024,
  /** Inflated bytes of all the entries of one workbook together. */
  workbookBytes: 128 * 1024 * 1024,
  /** Tags in one worksheet part: bounds the cells SheetJS would build before any count is seen. */
  sheetTags: 5_000_000,
  /** Rows of one sheet, counting from row 1 (blank rows included). */
  rows: 200_000,
  /** Columns of one sheet (the rightmost cell, blank columns included). */
  columns: 200,
  /** Characters in one cell's text. */
  cellChars: 10_000,
  /** Characters in all the cells of one sheet together. */
  sheetChars: 50_000_000,
  /** Bytes of an old binary .xls workbook (never inflated, so the file cap is the only one needed). */
  xlsBytes: 16 * 1024 * 1024,
} as const;

export type LimitName = keyof typeof LIMITS;

/** Named for the CLI's one line: `list.xlsx: over the limit of 200 columns per sheet (found 100000)`. */
const WHAT: Record<LimitName, string> = {
  fileBytes: "bytes per file",
  zipEntries: "entries per zip",
  entryBytes: "inflated bytes per zip entry",
  workbookBytes: "inflated bytes per workbook",
  sheetTags: "XML tags per worksheet",
  rows: "rows per sheet",
  columns: "columns per sheet",
  cellChars: "characters per cell",
  sheetChars: "characters per sheet",
  xlsBytes: "bytes per .xls workbook",
};

export interface LimitWhere {
  /** The part, sheet or cell where it was found: `xl/worksheets/sheet1.xml`, `cell C12`. */
  where?: string;
  row?: number;
  /** Counting stopped at the limit, so `value` is a floor ("more than"). */
  atLeast?: boolean;
}

/** A file over one of LIMITS: an InputError, so the CLI prints one line and exits 1. */
export class LimitError extends InputError {
  readonly limit: LimitName;
  readonly value: number;

  constructor(file: string, limit: LimitName, value: number, at: LimitWhere = {}) {
    const n = (x: number) => x.toLocaleString("en-US");
    const found = at.atLeast ? `more than ${n(LIMITS[limit])}` : n(value);
    super(
      file,
      `over the limit of ${n(LIMITS[limit])} ${WHAT[limit]} (found ${found}${at.where ? ` in ${at.where}` : ""})`,
      at.row,
    );
    this.name = "LimitError";
    this.limit = limit;
    this.value = value;
  }
}

/** Throws a LimitError when `value` is over the limit. */
export function checkLimit(file: string, limit: LimitName, value: number, at?: LimitWhere): void {
  if (value > LIMITS[limit]) throw new LimitError(file, limit, value, at);
}
