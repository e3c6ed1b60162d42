// Bytes → sheet → normalized rows → dated list observations. Pure apart from the corrections
// tables it is given; shared by ingest, rebuild and the benchmarks.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ListObservation } from "../ledger/types.js";
import type { Corrections } from "../normalize/corrections.js";
import { signedAfterList } from "../normalize/dates.js";
import { type NormalizedRow, normalizeRows } from "../normalize/row.js";
import { readSheet } from "../sheets/read-sheet.js";
import type { Sheet } from "../sheets/types.js";
import { orderKey } from "../sources/order.js";
import type { Observation, SourceFile } from "../sources/types.js";

/** Bump when a change to sheets/ or normalize/ can change what is read from the same bytes. */
export const PARSER_VERSION = "2";

export interface ParsedSnapshot {
  file: SourceFile;
  sheet: Omit<Sheet, "rows">;
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
  const rows = normalizeRows(sheet, fixes);
  flagSignedAfterList(rows, file);
  let newestSigned: string | null = null;
  for (const r of rows) if (r.signedOn && (!newestSigned || r.signedOn > newestSigned)) newestSigned = r.signedOn;
  const { rows: _raw, ...meta } = sheet;
  const packed = packRawRows(sheet);
  return { file, sheet: meta, rows, rawRowsGz: packed.gz, cellsSha256: packed.cellsSha256, newestSigned };
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
    r.corrections.push({
      field: "signed",
      rule: "signed_after_list",
      before: r.signedOn,
      after: null,
      evidence: `more than a year after the list's date, ${listDate}`,
    });
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
