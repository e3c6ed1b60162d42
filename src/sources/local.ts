// Bare local files, or a folder of them without a manifest. Each is dated from its ICE-style file
// name, or from --published-at, and observed once.
import fs from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { dateFromFileName } from "./file-name.js";
import { checkInside, readLocalFile, sha256 } from "./read-file.js";
import type { SourceFile } from "./types.js";

const LIST_EXT = /\.(xlsx|xls|csv)$/i;

export interface LocalOptions {
  /** Overrides the file-name date for every file (ISO date). */
  publishedAt?: string;
}

/** Expands a folder without a manifest into its list files, sorted by name for a stable order. */
export function listFolder(dir: string): string[] {
  const names = fs.readdirSync(dir).filter((n) => LIST_EXT.test(n) && !n.startsWith("."));
  if (names.length === 0) throw new InputError(dir, "folder holds no .xlsx, .xls or .csv list (and no MANIFEST.csv)");
  const files = names.sort().map((n) => path.join(dir, n));
  // A folder's lists are its own: a link out of it is refused (readLocalFile refuses FIFOs and devices).
  for (const f of files) checkInside(dir, f);
  return files;
}

export function readLocalList(file: string, opts: LocalOptions = {}): SourceFile {
  const bytes = readLocalFile(file);
  const base = path.basename(file);
  const named = dateFromFileName(base);
  if (!opts.publishedAt && !named) {
    throw new InputError(
      file,
      "cannot tell the publication date from the file name (expected e.g. participatingAgencies05182026am.xlsx); pass --published-at YYYY-MM-DD",
    );
  }
  const date = opts.publishedAt ?? (named?.date as string);
  const slot = opts.publishedAt ? "manual" : (named?.slot ?? "");
  return {
    location: file,
    fileName: base,
    bytes,
    sha256: sha256(bytes),
    observations: [
      {
        date,
        slot,
        basis: opts.publishedAt ? "publication" : (named?.basis ?? "publication"),
        basisDetail: opts.publishedAt ? "manual" : named?.basis === "capture" ? "capture_filename" : "filename",
        originalFilename: base,
        filenameKind: named?.kindHint ?? null,
        // The base name only: a path as typed differs between machines and can name a home folder.
        provenance: [{ location: base }],
        ...(named?.rule && !opts.publishedAt ? { statedDate: undefined, dateRule: named.rule } : {}),
      },
    ],
  };
}
