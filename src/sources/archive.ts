// An archive folder: the lists plus MANIFEST.csv (one row per distinct file, with sha256) and
// SIGHTINGS.csv (every dated observation). It is replayed in the order its sightings give, so a
// content that disappears and comes back is replayed as such.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../errors.js";
import { isInside, readLocalFile, sha256 } from "./read-file.js";
import type { Observation, Provenance, SourceFile } from "./types.js";

const kind = z.enum(["participating", "pending"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 in hex");

export const ManifestRow = z.object({
  file: z.string().min(1),
  kind,
  first_seen: isoDate,
  last_seen: isoDate,
  sha256: hex64,
  rows: z.string().optional(),
  source_repo: z.string().optional(),
  source_path: z.string().optional(),
  source_commit: z.string().optional(),
});

export const SightingRow = z.object({
  date: z.union([isoDate, z.literal("")]),
  slot: z.string(),
  kind,
  file: z.string().min(1),
  basis: z.string().min(1),
  original_filename: z.string(),
  filename_kind: z.union([kind, z.literal("")]).optional(),
  source_repo: z.string().optional(),
  source_path: z.string().optional(),
  source_commit: z.string().optional(),
  /** Written by `g287 sync`: the URL the bytes were downloaded from (ICE's or a mirror's). */
  source_url: z.string().optional(),
});

/** ICE's own file names are publications; archive captures and downloads are observations. */
const PUBLICATION_BASES = new Set(["ice_filename", "ice_filename_corrected", "ice_filename_year_corrected", "manual"]);

export function isArchiveFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, "MANIFEST.csv")) && fs.existsSync(path.join(dir, "SIGHTINGS.csv"));
}

function readCsv<T>(dir: string, file: string, schema: z.ZodType<T>): T[] {
  const text = Buffer.from(readLocalFile(file, { within: dir })).toString("utf8");
  return parseCsvRows(text, file, schema);
}

/** Rows of a manifest-style csv checked against `schema`; `file` names it in errors. */
export function parseCsvRows<T>(text: string, file: string, schema: z.ZodType<T>): T[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new InputError(file, `not a readable csv: ${(e as Error).message}`);
  }
  return records.map((r, i) => {
    const p = schema.safeParse(r);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new InputError(file, `column ${issue?.path.join(".") || "?"}: ${issue?.message}`, i + 2);
    }
    return p.data;
  });
}

/** The time of day hidden in a download folder name: `sheets/sheets_20250519_024330/…` → 024330. */
function downloadSlot(sourcePath: string | undefined): string {
  const m = /sheets_\d{8}_(\d{6})/.exec(sourcePath ?? "");
  return m ? `download@${m[1]}` : "download";
}

export interface ArchiveReadOptions {
  onProgress?: (done: number, total: number) => void;
}

export function readArchive(dir: string, opts: ArchiveReadOptions = {}): { files: SourceFile[]; skipped: string[] } {
  const manifest = readCsv(dir, path.join(dir, "MANIFEST.csv"), ManifestRow);
  const sightings = readCsv(dir, path.join(dir, "SIGHTINGS.csv"), SightingRow);
  // Every manifest path must name a file inside the folder: `../` and absolute paths are refused
  // here, and readLocalFile refuses symlinks that lead out of it.
  manifest.forEach((m, i) => {
    if (path.isAbsolute(m.file) || !isInside(path.resolve(dir), path.resolve(dir, m.file)))
      throw new InputError(
        path.join(dir, "MANIFEST.csv"),
        `file ${JSON.stringify(m.file)} is outside the archive folder`,
        i + 2,
      );
  });
  const byFile = new Map(manifest.map((m) => [m.file, m]));
  const observations = new Map<string, Map<string, Observation>>();
  const skipped: string[] = [];
  sightings.forEach((s, i) => {
    if (!byFile.has(s.file)) {
      throw new InputError(path.join(dir, "SIGHTINGS.csv"), `file ${s.file} is not in MANIFEST.csv`, i + 2);
    }
    if (!s.date) {
      skipped.push(`${s.file}: undated sighting (${s.basis}) not replayed`);
      return;
    }
    const slot = s.basis === "appelson_download_folder" ? downloadSlot(s.source_path) : s.slot;
    const key = `${s.date}|${slot}|${s.original_filename}`;
    const perFile = observations.get(s.file) ?? new Map<string, Observation>();
    observations.set(s.file, perFile);
    // Empty source columns (a download has no repository) are left out of the provenance.
    const prov = {
      location: s.source_url || s.source_path || s.file,
      repo: s.source_repo || undefined,
      path: s.source_path || undefined,
      commit: s.source_commit || undefined,
    };
    const existing = perFile.get(key);
    if (existing) {
      // The same list fetched again from the same place (a sync that re-ran after a crash between
      // writing the archive and the store) is one more sighting, not one more source.
      const same = (p: Provenance) =>
        p.location === prov.location && p.repo === prov.repo && p.path === prov.path && p.commit === prov.commit;
      if (!existing.provenance.some(same)) existing.provenance.push(prov);
      return;
    }
    perFile.set(key, {
      date: s.date,
      slot,
      basis: PUBLICATION_BASES.has(s.basis) ? "publication" : "capture",
      basisDetail: s.basis,
      originalFilename: s.original_filename,
      filenameKind: s.filename_kind ? s.filename_kind : null,
      provenance: [prov],
    });
  });

  const files: SourceFile[] = [];
  manifest.forEach((m, i) => {
    const location = path.join(dir, m.file);
    const bytes = readLocalFile(location, { within: dir });
    const sum = sha256(bytes);
    if (sum !== m.sha256) {
      throw new InputError(
        location,
        `sha256 ${sum.slice(0, 12)}… does not match MANIFEST.csv (${m.sha256.slice(0, 12)}…)`,
      );
    }
    const obs = [...(observations.get(m.file)?.values() ?? [])];
    if (obs.length === 0) skipped.push(`${m.file}: no dated sighting`);
    files.push({
      location,
      fileName: m.file,
      bytes,
      sha256: sum,
      observations: obs,
    });
    opts.onProgress?.(i + 1, manifest.length);
  });
  return { files, skipped };
}
