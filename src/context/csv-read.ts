// A small RFC 4180 reader for the tables g287 writes itself (data/context/). csv-parse takes over
// half a second on the 18,000-row FBI table, and placement runs inside every ingest.
import fs from "node:fs";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { quotedCell } from "../util/quoted-cell.js";

/** A committed file derived by `script`: its text, or an error that says how to derive it. */
export function readDerived(path: string, script: string, what: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    throw new InputError(path, `missing: run \`npx tsx scripts/${script}\` to derive ${what}`);
  }
}

/** Row `i` (from 0) of a file, checked by `schema`; a failure names the column and the file's line. */
export function checkedRow<T>(schema: z.ZodType<T>, r: Record<string, string>, path: string, i: number): T {
  const res = schema.safeParse(r);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new InputError(path, `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`, i + 2);
  }
  return res.data;
}

/** Rows of a CSV text as records keyed by the header. Quoted cells may hold commas, quotes, newlines. */
export function readCsv(text: string): Record<string, string>[] {
  const rows = text.includes('"') ? slowRows(text) : fastRows(text);
  const head = rows.shift() ?? [];
  const out: Record<string, string>[] = [];
  for (const r of rows) {
    if (r.length === 1 && r[0] === "") continue;
    const rec: Record<string, string> = {};
    for (let k = 0; k < head.length; k++) rec[head[k] as string] = r[k] ?? "";
    out.push(rec);
  }
  return out;
}

function fastRows(text: string): string[][] {
  return text.split(/\r?\n/).map((l) => l.split(","));
}

/** Line by line; only a line with a quote goes through the quote-aware scanner. */
function slowRows(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let end = text.indexOf("\n", i);
    if (end < 0) end = n;
    const line = text.slice(i, end).replace(/\r$/, "");
    if (!line.includes('"')) {
      rows.push(line.split(","));
      i = end + 1;
      continue;
    }
    const [row, next] = quotedRow(text, i);
    rows.push(row);
    i = next;
  }
  return rows;
}

function quotedRow(text: string, start: number): [string[], number] {
  const row: string[] = [];
  const n = text.length;
  let i = start;
  for (;;) {
    let cell: string;
    if (text[i] === '"') {
      const quoted = quotedCell(text, i);
      if (!quoted) throw new Error("unterminated quoted cell");
      [cell, i] = quoted;
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
      cell = text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    return [row, i];
  }
}
