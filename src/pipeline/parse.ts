// Bytes → sheet → normalized rows → dated list observations, or the same from the raw rows a store
// kept (`snapshot_rows`), so a rebuild parses no file twice. Pure apart from the corrections tables
// it is given; shared by ingest, rebuild and the benchmarks.
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import type { ListObservation } from "../ledger/types.js";
import type { Corrections } from "../normalize/corrections.js";
import { signedAfterList } from "../normalize/dates.js";
import { type NormalizedRow, normalizeRows } from "../normalize/row.js";
import { readSheet } from "../sheets/read-sheet.js";
import type { Field, RawCell, RawRow, Sheet } from "../sheets/types.js";
import { orderKey } from "../sources/order.js";
import type { Observation, SourceFile } from "../sources/types.js";

/** Bump when a change to sheets/ or normalize/ can change what is read from the same bytes. */
export const PARSER_VERSION = "2";

/** What a snapshot's row in the store says of its sheet: enough to write it again. */
export type SheetMeta = Pick<Sheet, "kind" | "sheetName" | "sheetNames" | "notes" | "columns">;

export interface ParsedSnapshot {
  /** `bytes` is emptied once the blob is written, or never loaded when the rows came from the store. */
  file: SourceFile;
  /** The file's length in bytes. */
  size: number;
  sheet: SheetMeta;
  rows: NormalizedRow[];
  /** The raw cells of every row, gzip-compressed JSON (see `packRawRows`), kept for provenance. */
  rawRowsGz: Uint8Array;
  cellsSha256: string;
  /** Newest SIGNED date in the list, used to check a date taken from a file name. */
  newestSigned: string | null;
}

/** SafeLinks wrappers carry a staff e-mail address in `data`: it is never copied out of the raw bytes. */
export function redactLink(link: string): string {
  return /safelinks\.protection\.outlook\.com/i.test(link) ? link.replace(/([?&]data=)[^&]*/i, "$1(redacted)") : link;
}

/**
 * The raw cells of a sheet's rows, packed for provenance as gzip JSON `{"rows": [row numbers],
 * "cells": [[cell, …], …]}` with one cell per column of `sheet.columns`; a cell is its bare value,
 * or `{v, z, link}` when it has a format or a link. The same cells JSON, with the column keys,
 * gives `cellsSha256`: two files with different bytes but the same cells share it.
 */
export function packRawRows(sheet: Sheet): { gz: Uint8Array; cellsSha256: string } {
  const columns = JSON.stringify(sheet.columns.map((c) => c.key));
  const cells = JSON.stringify(
    sheet.rows.map((r) =>
      r.cells.map((c) =>
        c.z === undefined && c.link === undefined
          ? c.v
          : {
              v: c.v,
              ...(c.z !== undefined ? { z: c.z } : {}),
              ...(c.link !== undefined ? { link: redactLink(c.link) } : {}),
            },
      ),
    ),
  );
  const rows = JSON.stringify(sheet.rows.map((r) => r.row));
  return {
    // Level 1: a full replay packs ~90 MB of raw rows; faster levels save seconds for a few MB.
    gz: gzipSync(`{"rows":${rows},"cells":${cells}}`, { level: 1 }),
    cellsSha256: createHash("sha256").update(columns).update(cells).digest("hex"),
  };
}

export function parseSnapshot(file: SourceFile, fixes: Corrections): ParsedSnapshot {
  const sheet = readSheet(file.bytes, file.location);
  const { kind, sheetName, sheetNames, notes, columns } = sheet;
  const packed = packRawRows(sheet);
  return {
    ...normalizeSnapshot(sheet, file, fixes),
    size: file.bytes.length,
    sheet: { kind, sheetName, sheetNames, notes, columns },
    rawRowsGz: packed.gz,
    cellsSha256: packed.cellsSha256,
  };
}

/** The columns of a stored snapshot, as `snapshot.header` records them. */
export const StoredHeader = z.array(
  z.object({
    key: z.string(),
    field: z.string().nullable(),
    column: z.number(),
    mapped_by: z.enum(["header", "inferred_signed_column"]).nullable(),
  }),
);

/** A snapshot as the store kept it: its sheet's shape and its raw rows as `packRawRows` packed them. */
export interface StoredSnapshot {
  file: SourceFile;
  size: number;
  sheet: SheetMeta;
  rawRowsGz: Uint8Array;
  cellsSha256: string;
}

/** The raw rows `packRawRows` packed, read back: the same cells the sheet reader gave. */
export function unpackRawRows(gz: Uint8Array): RawRow[] {
  const packed = JSON.parse(gunzipSync(gz).toString("utf8")) as { rows: number[]; cells: (RawCell["v"] | RawCell)[][] };
  return packed.rows.map((row, i) => ({
    row,
    cells: (packed.cells[i] ?? []).map((c) => (c !== null && typeof c === "object" ? c : { v: c })),
  }));
}

/**
 * A stored snapshot normalized again by the current fix tables, without reading its file: the raw
 * cells are what the sheet reader of the same PARSER_VERSION gave (a SafeLinks `data` parameter,
 * redacted there, is never read by normalize/).
 */
export function snapshotFromStored(s: StoredSnapshot, fixes: Corrections): ParsedSnapshot {
  return { ...s, ...normalizeSnapshot({ columns: s.sheet.columns, rows: unpackRawRows(s.rawRowsGz) }, s.file, fixes) };
}

function normalizeSnapshot(
  sheet: Pick<Sheet, "columns" | "rows">,
  file: SourceFile,
  fixes: Corrections,
): Pick<ParsedSnapshot, "file" | "rows" | "newestSigned"> {
  const rows = normalizeOnce(sheet, fixes);
  flagSignedAfterList(rows, file);
  let newestSigned: string | null = null;
  for (const r of rows) if (r.signedOn && (!newestSigned || r.signedOn > newestSigned)) newestSigned = r.signedOn;
  return { file, rows, newestSigned };
}

/** The cells normalize/ reads, in this order; every other column is carried only in the raw rows. */
const FIELDS: Field[] = ["state", "agency", "type", "county", "model", "signed", "moa", "addendum"];
const MEMO_ROWS = 100_000;

// Length-prefixed, so no text inside a cell can make two different cells read alike.
const part = (s: string | undefined) => (s === undefined ? "~" : `${s.length}:${s}`);
const cellKey = (c: RawCell | undefined) =>
  c === undefined
    ? "!"
    : `${typeof c.v === "string" ? part(c.v) : `${typeof c.v}:${c.v}`}|${part(c.z)}|${part(c.link)};`;
const memos = new WeakMap<Corrections, Map<string, NormalizedRow>>();

/**
 * normalizeRows, once per distinct row: consecutive lists repeat almost every row, so a replay of
 * ~240,000 rows normalizes far fewer, and rows alike share their strings and arrays (a full replay
 * holds every list's rows at once). A row's normalization reads only its own field cells and the
 * fix tables, so equal cells give equal rows. Rows are read-only from here on
 * (flagSignedAfterList replaces, never edits).
 */
function normalizeOnce(sheet: Pick<Sheet, "columns" | "rows">, fixes: Corrections): NormalizedRow[] {
  let memo = memos.get(fixes);
  if (!memo || memo.size > MEMO_ROWS) {
    memo = new Map();
    memos.set(fixes, memo);
  }
  // As normalizeRows picks a field's column: the last column mapped to it.
  const at = FIELDS.map((f) => sheet.columns.findLastIndex((c) => c.field === f));
  const keys = sheet.rows.map((r) => {
    let k = "";
    for (const i of at) k += cellKey(i < 0 ? undefined : r.cells[i]);
    return k;
  });
  const todo = new Map<string, RawRow>();
  keys.forEach((k, i) => {
    if (!memo.has(k) && !todo.has(k)) todo.set(k, sheet.rows[i] as RawRow);
  });
  if (todo.size) {
    const fresh = normalizeRows({ columns: sheet.columns, rows: [...todo.values()] } as Sheet, fixes);
    let j = 0;
    for (const k of todo.keys()) memo.set(k, fresh[j++] as NormalizedRow);
  }
  return sheet.rows.map((r, i) => ({ ...(memo.get(keys[i] as string) as NormalizedRow), row: r.row }));
}

/**
 * Rule `signed_after_list`: a SIGNED date more than a year after the list's date becomes unknown.
 * The list's date is its earliest dated observation: the bytes existed then, whatever later
 * sightings say.
 */
export function flagSignedAfterList(rows: NormalizedRow[], file: Pick<SourceFile, "observations">): void {
  let listDate: string | null = null;
  for (const o of file.observations) if (o.date && (!listDate || o.date < listDate)) listDate = o.date;
  if (!listDate) return;
  for (const r of rows) {
    if (!r.signedOn || !signedAfterList(r.signedOn, listDate)) continue;
    r.corrections = [
      ...r.corrections,
      {
        field: "signed",
        rule: "signed_after_list",
        before: r.signedOn,
        after: null,
        evidence: `more than a year after the list's date, ${listDate}`,
      },
    ];
    r.signedOn = null;
  }
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

/** One dated observation of a parsed snapshot: what the ledger replays, and where it came from. */
export interface ObsEntry {
  obs: ListObservation;
  source: Observation;
  parsed: ParsedSnapshot;
}

export function expand(p: ParsedSnapshot): ObsEntry[] {
  return p.file.observations.map((raw) => {
    const o = checkDateAgainstContent(raw, p);
    return {
      source: o,
      parsed: p,
      obs: {
        // Identified by the date the source gave, so a stored observation is recognised before parsing.
        obsId: obsId(raw, p.file.sha256),
        snapshotId: p.file.sha256,
        kind: p.sheet.kind,
        date: o.date,
        order: orderKey(o.date, o.slot, p.file.fileName),
        label: o.originalFilename || p.file.fileName,
        filenameKind: o.filenameKind,
        rows: p.rows,
      },
    };
  });
}

/** Every observation of every snapshot, once each, in replay order. */
export function replayOrder(parsed: Iterable<ParsedSnapshot>): ObsEntry[] {
  const all = new Map<string, ObsEntry>();
  for (const p of parsed) for (const e of expand(p)) if (!all.has(e.obs.obsId)) all.set(e.obs.obsId, e);
  return sortEntries([...all.values()]);
}

function sortEntries(list: ObsEntry[]): ObsEntry[] {
  return list.sort((x, y) => {
    const a = x.obs;
    const b = y.obs;
    return a.order < b.order ? -1 : a.order > b.order ? 1 : a.obsId < b.obsId ? -1 : a.obsId > b.obsId ? 1 : 0;
  });
}
