// Real lists from ../shared/data/ice as test material: their bytes, their rows by column name, and
// new workbooks made from them the way ICE changes its lists (rows added, dropped, edited).
import fs from "node:fs";
import path from "node:path";
import { agencyKey } from "../src/normalize/agency-key.js";
import { loadCorrections } from "../src/normalize/corrections.js";
import { normalizeRows } from "../src/normalize/row.js";
import { readSheet } from "../src/sheets/read-sheet.js";
import { ARCHIVE, readList, tmpDir, writeXlsx } from "./helpers.js";

/** A real list's bytes; a missing one fails the test loudly (never a skip). */
export function realBytes(name: string): Uint8Array {
  const f = path.join(ARCHIVE, name);
  if (!fs.existsSync(f)) throw new Error(`the real list ${f} is missing (../shared/data/ice)`);
  return new Uint8Array(fs.readFileSync(f));
}

export interface RealList {
  header: unknown[];
  /** The rows below the header, empty ones dropped. */
  body: unknown[][];
  /** The index of a column by its header (trimmed). */
  col(name: string): number;
  /** A row with these cells by column name, the others empty. SIGNED takes an Excel serial. */
  row(cells: Record<string, unknown>): unknown[];
  /** Writes the header and `rows` as a workbook named `name` in a new temp folder; returns its path. */
  write(name: string, rows: unknown[][]): string;
  /** The same, as bytes (for a fake ICE to serve). */
  bytes(name: string, rows: unknown[][]): Uint8Array;
}

const parsed = new Map<string, unknown[][]>();

/** A real list, parsed once per test file; treat its rows as read-only. */
export function realList(name: string): RealList {
  const all = parsed.get(name) ?? readList(name);
  parsed.set(name, all);
  const header = all[0] as unknown[];
  const col = (n: string) => header.findIndex((h) => String(h).trim() === n);
  const write = (file: string, rows: unknown[][]) =>
    writeXlsx(path.join(tmpDir("g287-list-"), file), [header, ...rows]);
  return {
    header,
    body: all.slice(1).filter((r) => r.some((c) => c !== null && c !== "")),
    col,
    row(cells) {
      const r: unknown[] = header.map(() => null);
      for (const [k, v] of Object.entries(cells)) r[col(k)] = v;
      return r;
    },
    write,
    bytes: (file, rows) => new Uint8Array(fs.readFileSync(write(file, rows))),
  };
}

/** Distinct agreements (state, agency, model, signed date) straight from a list's rows. */
export function agreementsIn(bytes: Uint8Array, state?: string): number {
  const rows = normalizeRows(readSheet(bytes, "list.xlsx"), loadCorrections());
  return new Set(
    rows
      .filter((r) => !state || r.state === state)
      .map((r) => `${r.state}|${agencyKey(r.agency ?? "")}|${r.model}|${r.signedOn}`),
  ).size;
}
