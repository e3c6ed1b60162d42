// What a release bundle holds and how its machine files are written and read: the file names and
// columns, the manifest schema, and exact CSV (null kept apart from the empty string).
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import type { DatasetName } from "../analysis/datasets.js";
import { LISTING_RESOLUTION_COLUMNS } from "../domain/columns.js";
import { InputError } from "../errors.js";
import { quotedCell } from "../util/quoted-cell.js";

export const FORMAT = "g287-release/2";

export const FILES: DatasetName[] = [
  "agreements",
  "agencies",
  "applications",
  "periods",
  "events",
  "snapshots",
  "observations",
];
export const STATE_FILE = "ledger-state.json.gz";

// The list rows: 240,000 rows that repeat from list to list (a few thousand distinct readings), so
// each distinct reading is written once and every row of every list points at it.
export const LISTING_VALUES_FILE = "listing-values.csv.gz";
export const LISTINGS_FILE = "listings.csv.gz";
export const CORRECTIONS_FILE = "corrections.csv.gz";
export const REVIEW_FILE = "review.csv";
export const SHEETS_FILE = "snapshot-sheets.csv";

export const LISTING_VALUE_COLUMNS = [
  "state",
  "agency",
  "agency_key",
  "jurisdiction",
  "county",
  "model",
  "signed_on",
  "moa_url",
  "moa_status",
  "addendum_url",
  ...LISTING_RESOLUTION_COLUMNS,
] as const;
export const CORRECTION_COLUMNS = ["snapshot_id", "row", "field", "rule", "before", "after", "evidence"] as const;
export const REVIEW_COLUMNS = ["review_id", "obs_id", "snapshot_id", "date", "row", "reason", "detail"] as const;
export const SHEETS_COLUMNS = ["snapshot_id", "sheet_names", "reader_notes"] as const;

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sha(b: Uint8Array | string): string {
  return createHash("sha256").update(b).digest("hex");
}

// Deterministic: node's gzip writes no file name or mtime, and the level is fixed.
export const gzip = (s: string) => gzipSync(s, { level: 9 });

export const manifestSchema = z.object({
  format: z.literal(FORMAT, {
    message: `expected format ${FORMAT} (a bundle from an older g287: regenerate it with \`npm run release\`)`,
  }),
  rules: z.string(),
  latest_list: z.string().nullable(),
  inputs: z.array(
    z.object({
      file_name: z.string(),
      original_filename: z.string(),
      kind: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      published_at: z.string(),
      status: z.string(),
    }),
  ),
  files: z.array(z.object({ name: z.string(), sha256: z.string(), rows: z.number().nullable() })),
});

export type ReleaseManifest = z.infer<typeof manifestSchema> & { format: typeof FORMAT };

/**
 * Exact CSV for the machine files: no formula escaping (the loader must get the value back), and
 * null (an empty unquoted cell) kept apart from the empty string (`""`).
 */
export function exactCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return s === "" || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let out = `${columns.join(",")}\n`;
  for (const r of rows) out += `${r.map(cell).join(",")}\n`;
  return out;
}

/**
 * Reads what exactCsv wrote. A hand-written scanner: csv-parse takes seconds over the 240,000 list
 * rows, and this format is ours (comma, "\n", double quotes), so a few lines do it in milliseconds.
 */
function parseExact(file: string, text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let v: string | null;
    if (text.charCodeAt(i) === 34) {
      const quoted = quotedCell(text, i);
      if (!quoted) throw new InputError(file, `line ${rows.length + 1}: a quoted cell does not end`);
      [v, i] = quoted;
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10) break;
        j++;
      }
      v = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(v);
    const c = text.charCodeAt(i);
    if (c === 44) i++;
    else if (c === 10 || i >= n) {
      rows.push(row);
      row = [];
      i++;
    } else throw new InputError(file, `line ${rows.length + 1}: unexpected text after a quoted cell`);
  }
  return rows;
}

export function readExactCsv(file: string, text: string, columns: readonly string[]): (string | null)[][] {
  const rows = parseExact(file, text);
  const header = rows.shift();
  if (header?.join(",") !== columns.join(",")) {
    throw new InputError(file, `expected the columns ${columns.join(",")}, found ${header?.join(",") ?? "none"}`);
  }
  rows.forEach((r, i) => {
    if (r.length !== columns.length)
      throw new InputError(file, `line ${i + 2}: ${r.length} cells, expected ${columns.length}`);
  });
  return rows;
}
