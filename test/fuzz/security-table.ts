// The rows of SECURITY.md's attack table that the input tests establish: each test records what it
// tried and what happened, and the file is rewritten from those records (sorted, no timings, so an
// unchanged result leaves it byte for byte the same).
import fs from "node:fs";
import path from "node:path";

export interface SecurityRow {
  class: string;
  case: string;
  guarantee: string;
  result: string;
}

export const SECURITY_DIR = path.resolve(import.meta.dirname, "../../docs/security");

export function writeSecurityRows(file: string, rows: SecurityRow[]): void {
  const sorted = [...rows].sort((a, b) => a.class.localeCompare(b.class) || a.case.localeCompare(b.case));
  fs.mkdirSync(SECURITY_DIR, { recursive: true });
  fs.writeFileSync(path.join(SECURITY_DIR, file), `${JSON.stringify(sorted, null, 2)}\n`);
}
