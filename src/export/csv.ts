// CSV output. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return)
// are prefixed with a quote, because agency names and URLs come from files we do not control.
import { stringify } from "csv-stringify/sync";

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => safeCell(r[c]))),
    { header: true, columns: [...columns], record_delimiter: "\n" },
  );
}
