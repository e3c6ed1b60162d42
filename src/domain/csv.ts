// Formula-safe CSV, for the server's exports and the web app's downloads alike. Cells a spreadsheet
// would run as a formula (=, +, -, @, tab, carriage return) get a leading quote, because agency
// names and URLs come from files we do not control. Quoting is csv-stringify's (a cell holding a
// comma, a double quote or a newline is quoted), which csv.test.ts checks against that library.

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function quote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line of `columns`, then one line per row; every line ends in `\n`. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  let out = `${columns.map(quote).join(",")}\n`;
  for (const r of rows) out += `${columns.map((c) => quote(safeCell(r[c]))).join(",")}\n`;
  return out;
}
