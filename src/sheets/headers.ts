// Maps header cells to fields by name, never by position: ICE inserted COUNTY between TYPE and
// SUPPORT TYPE on 2025-03-17, so every column after it moved one place to the right.
import type { CellValue, Column, Field } from "./types.js";

// A Map: header text comes from the file, and "CONSTRUCTOR" or "__PROTO__" must look up nothing.
const ALIASES = new Map<string, Field>([
  ["STATE", "state"],
  ["LAW ENFORCEMENT AGENCY", "agency"],
  ["AGENCY", "agency"],
  ["AGENCY NAME", "agency"],
  ["TYPE", "type"],
  ["AGENCY TYPE", "type"],
  ["COUNTY", "county"],
  ["SUPPORT TYPE", "model"],
  ["MODEL", "model"],
  ["287(G) MODEL", "model"],
  ["SIGNED", "signed"],
  ["DATE SIGNED", "signed"],
  ["SIGNED DATE", "signed"],
  ["MOA", "moa"],
  ["ADDENDUM", "addendum"],
  ["ADDENDA", "addendum"],
]);

/** Upper-case, collapse whitespace (including non-breaking spaces), trim. */
export function headerText(v: CellValue): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v)
    .replace(/[\s\u00a0]+/g, " ")
    .trim();
  return s === "" ? null : s;
}

export function fieldFor(header: string | null): Field | null {
  if (header === null) return null;
  return ALIASES.get(header.toUpperCase()) ?? null;
}

/** Spreadsheet column letters for an index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A row is a header row when it names at least the state and the agency. */
export function looksLikeHeader(values: CellValue[]): boolean {
  const fields = new Set(values.map((v) => fieldFor(headerText(v))));
  return fields.has("state") && fields.has("agency");
}

export function mapColumns(values: CellValue[]): Column[] {
  const seen = new Set<Field>();
  return values.map((v, index) => {
    const header = headerText(v);
    let field = fieldFor(header);
    // A repeated header keeps its first mapping; the second copy is kept as an unknown column.
    if (field && seen.has(field)) field = null;
    if (field) seen.add(field);
    const key = header ?? `col_${columnLetter(index)}`;
    return field ? { index, header, key, field, mappedBy: "header" } : { index, header, key, field: null };
  });
}
