// CSV written in the browser for "download this view" (pure: no DOM, so tests run it in Node). The same rule as the server's
// src/export/csv.ts: a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a
// leading quote, because agency names and URLs come from files we do not control.

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map((c) => quote(safeCell(c))).join(",")];
  for (const r of rows) lines.push(columns.map((c) => quote(safeCell(r[c]))).join(","));
  return `${lines.join("\n")}\n`;
}

/** The columns of a downloaded view of the agreements table, in the order of the server's CSV. */
export const VIEW_COLUMNS = [
  "agreement_id",
  "agency_id",
  "state",
  "agency",
  "agency_type",
  "jurisdiction",
  "county",
  "county_fips",
  "model",
  "signed_on",
  "first_listed",
  "last_listed",
  "status",
  "ended_on",
  "moa_url",
  "addendum_url",
  "predecessor_id",
  "successor_id",
];
