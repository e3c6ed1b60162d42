// Bytes → sheet → normalized rows → dated list observations. Pure apart from the corrections
// tables it is given; shared by ingest, rebuild and the benchmarks.
import { createHash } from "node:crypto";
import type { ListObservation } from "../ledger/types.js";
import type { Corrections } from "../normalize/corrections.js";
import { type NormalizedRow, normalizeRows } from "../normalize/row.js";
import { readSheet } from "../sheets/read-sheet.js";
import type { Sheet } from "../sheets/types.js";
import { orderKey } from "../sources/order.js";
import type { Observation, SourceFile } from "../sources/types.js";

/** Bump when a change to sheets/ or normalize/ can change what is read from the same bytes. */
export const PARSER_VERSION = "1";

export interface ParsedSnapshot {
  file: SourceFile;
  sheet: Omit<Sheet, "rows">;
  rows: NormalizedRow[];
  cellsSha256: string;
  /** Newest SIGNED date in the list, used to check a date taken from a file name. */
  newestSigned: string | null;
}

export function cellsSha256(sheet: Sheet): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(sheet.columns.map((c) => c.key)));
  for (const r of sheet.rows) h.update(JSON.stringify(r.cells.map((c) => [c.v, c.link ?? null])));
  return h.digest("hex");
}

export function parseSnapshot(file: SourceFile, fixes: Corrections): ParsedSnapshot {
  const sheet = readSheet(file.bytes, file.location);
  const rows = normalizeRows(sheet, fixes);
  let newestSigned: string | null = null;
  for (const r of rows) if (r.signedOn && (!newestSigned || r.signedOn > newestSigned)) newestSigned = r.signedOn;
  const { rows: _raw, ...meta } = sheet;
  return { file, sheet: meta, rows, cellsSha256: cellsSha256(sheet), newestSigned };
}

export function obsId(o: Observation, sha: string): string {
  return `${o.date}|${o.slot}|${sha.slice(0, 16)}`;
}

/** How far after its stated date a list's newest SIGNED date may be and still re-date the list. */
const MAX_CONTENT_SHIFT_DAYS = 10;

/**
 * A list cannot be published before the newest agreement in it was signed. ICE's file
 * `participatingAgencies11114025am.xlsx` (read as 2025-11-11) lists agreements signed on
 * 2025-11-14, so it is dated 2025-11-14. A SIGNED date far beyond the stated date is more likely a
 * typo in one row than a wrong file date, so larger shifts are not made.
 */
export function checkDateAgainstContent(o: Observation, p: Pick<ParsedSnapshot, "newestSigned">): Observation {
  const newest = p.newestSigned;
  if (o.basis !== "publication" || !newest || newest <= o.date) return o;
  const days = (Date.parse(newest) - Date.parse(o.date)) / 86_400_000;
  if (days > MAX_CONTENT_SHIFT_DAYS) return o;
  return { ...o, date: newest, statedDate: o.statedDate ?? o.date, dateRule: "content_newest_signed" };
}

export function toObservations(p: ParsedSnapshot): ListObservation[] {
  return p.file.observations
    .map((raw) => checkDateAgainstContent(raw, p))
    .map((o) => ({
      obsId: obsId(o, p.file.sha256),
      snapshotId: p.file.sha256,
      cellsSha256: p.cellsSha256,
      kind: p.sheet.kind,
      date: o.date,
      order: orderKey(o.date, o.slot, p.file.fileName),
      basis: o.basis,
      label: o.originalFilename || p.file.fileName,
      rows: p.rows,
    }));
}

/** Every observation of every snapshot, in replay order. */
export function replayOrder(parsed: ParsedSnapshot[]): ListObservation[] {
  const all = new Map<string, ListObservation>();
  for (const p of parsed) for (const o of toObservations(p)) if (!all.has(o.obsId)) all.set(o.obsId, o);
  return [...all.values()].sort((a, b) =>
    a.order < b.order ? -1 : a.order > b.order ? 1 : a.obsId < b.obsId ? -1 : 1,
  );
}
