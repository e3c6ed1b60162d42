// A mirror is a public archive of past lists, served over HTTP, in one of two shapes: a folder in
// the archive layout (MANIFEST.csv and SIGHTINGS.csv beside the files: another g287's archive, or a
// repository of ICE's lists), or a hash manifest, CSV or JSON, of `file_name, sha256, url,
// retrieved_at` as public archives publish them. Either names every file by sha256, so the gaps in
// ours are found without downloading the lists, and a file fetched from anywhere is kept only when
// its bytes hash to the manifest's sha256.
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { InputError } from "../errors.js";
import { ManifestRow, parseCsvRows, SightingRow } from "./archive.js";
import { type FetchOptions, fetchUrl } from "./fetch.js";
import { dateFromFileName, safeFileName } from "./file-name.js";
import type { ListKind } from "./types.js";

export type MirrorSighting = z.infer<typeof SightingRow>;

export interface MirrorFile {
  /** The mirror's name for the file, and the URL it is served at. */
  file: string;
  url: string;
  sha256: string;
  /** What the mirror says the file is; the content decides. */
  kind: ListKind | null;
  /** The mirror's dated sightings of this file (undated ones are dropped: they cannot be replayed). */
  sightings: MirrorSighting[];
  /** When the mirror fetched the file, if its manifest says. */
  retrievedAt?: string;
}

const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** `https://host/archive` and `https://host/archive/` both name the folder. */
export function mirrorBase(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export function fileUrl(base: string, file: string): string {
  return new URL(file.split("/").map(encodeURIComponent).join("/"), mirrorBase(base)).href;
}

/** A URL naming a manifest file rather than a folder: it ends in `.csv` or `.json`. */
export function isManifestUrl(url: string): boolean {
  try {
    return /\.(csv|json)$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

const hex64 = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 in hex"));
const isoInstant = z
  .string()
  .trim()
  .refine((s) => s === "" || !Number.isNaN(Date.parse(s)), "expected an ISO date or time");

/** One row of a hash manifest; the names public archives use for each column are accepted. */
export const HashManifestRow = z
  .object({
    file_name: z.string().trim().min(1, "a file name is required"),
    sha256: hex64,
    url: z.string().trim().min(1, "a URL is required"),
    retrieved_at: isoInstant.optional(),
    kind: z.enum(["participating", "pending"]).optional(),
  })
  .strip();
export type HashManifestRow = z.infer<typeof HashManifestRow>;

const ALIASES: Record<string, keyof HashManifestRow> = {
  file_name: "file_name",
  filename: "file_name",
  file: "file_name",
  name: "file_name",
  original_filename: "file_name",
  sha256: "sha256",
  sha_256: "sha256",
  hash: "sha256",
  url: "url",
  download_url: "url",
  source_url: "url",
  retrieved_at: "retrieved_at",
  fetched_at: "retrieved_at",
  captured_at: "retrieved_at",
  kind: "kind",
};

function canonical(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    const key =
      ALIASES[
        k
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, "_")
      ];
    if (key && out[key] === undefined && v !== null && v !== "") out[key] = typeof v === "string" ? v : String(v);
  }
  return out;
}

/** The rows of a hash manifest (CSV with a header, or JSON: an array or `{ "files": [...] }`). */
export function parseHashManifest(text: string, where: string): HashManifestRow[] {
  let records: Record<string, unknown>[];
  const json = /^\s*[[{]/.test(text);
  try {
    if (json) {
      const raw = JSON.parse(text) as unknown;
      const list = Array.isArray(raw) ? raw : (raw as { files?: unknown })?.files;
      if (!Array.isArray(list)) throw new Error('expected an array of files, or {"files": [...]}');
      records = list as Record<string, unknown>[];
    } else {
      records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    }
  } catch (e) {
    throw new InputError(where, `not a readable ${json ? "JSON" : "CSV"} manifest: ${(e as Error).message}`);
  }
  return records.map((r, i) => {
    const p = HashManifestRow.safeParse(r && typeof r === "object" ? canonical(r) : {});
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new InputError(
        where,
        `${json ? `file ${i + 1}` : "column"} ${issue?.path.join(".") || "?"}: ${issue?.message}`,
        json ? undefined : i + 2,
      );
    }
    return p.data;
  });
}

/** A hash-manifest row as a mirror file, dated by ICE's file name or else by when it was retrieved. */
export function manifestFile(row: HashManifestRow, manifestUrl: string): MirrorFile | null {
  let url: URL;
  try {
    url = new URL(row.url, manifestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const name = safeFileName(row.file_name) ?? "";
  const named = name ? dateFromFileName(name) : null;
  const base = {
    kind: (row.kind ?? named?.kindHint ?? "") as ListKind | "",
    original_filename: name,
    filename_kind: (named?.kindHint ?? "") as ListKind | "",
    source_url: url.href,
    source_repo: "",
    source_path: manifestUrl,
    source_commit: "",
  };
  let sighting: MirrorSighting | null = null;
  if (named) {
    sighting = {
      ...base,
      file: name,
      date: named.date,
      slot: named.slot,
      basis:
        named.basis === "capture"
          ? "wayback_capture_of_ice_file"
          : named.rule
            ? "ice_filename_corrected"
            : "ice_filename",
    } as MirrorSighting;
  } else if (row.retrieved_at) {
    const iso = new Date(Date.parse(row.retrieved_at)).toISOString();
    sighting = {
      ...base,
      file: name,
      date: iso.slice(0, 10),
      slot: /T/.test(row.retrieved_at) ? `download@${iso.slice(11, 19).replace(/:/g, "")}` : "download",
      basis: "mirror_retrieved_at",
    } as MirrorSighting;
  }
  return {
    file: name || url.pathname.split("/").pop() || url.href,
    url: url.href,
    sha256: row.sha256,
    kind: row.kind ?? named?.kindHint ?? null,
    sightings: sighting ? [sighting] : [],
    ...(row.retrieved_at ? { retrievedAt: row.retrieved_at } : {}),
  };
}

export async function readMirror(url: string, o: Omit<FetchOptions, "accept" | "maxBytes">): Promise<MirrorFile[]> {
  if (isManifestUrl(url)) {
    const r = await fetchUrl(url, {
      ...o,
      accept: "text/csv,application/json;q=0.9,*/*;q=0.5",
      maxBytes: MAX_CSV_BYTES,
    });
    const text = new TextDecoder("utf-8").decode(r.bytes);
    // An archive folder's own MANIFEST.csv, named by mistake for the folder: read the folder.
    const header = text.slice(0, text.indexOf("\n") >>> 0).toLowerCase();
    if (/(^|,)first_seen(,|$)/.test(header.trim()) && /(^|,)file(,|$)/.test(header.trim()))
      return readMirror(new URL(".", r.url).href, o);
    return parseHashManifest(text, r.url)
      .map((row) => manifestFile(row, r.url))
      .filter((f): f is MirrorFile => f !== null && f.sightings.length > 0);
  }
  const base = mirrorBase(url);
  const get = async (name: string) => {
    const r = await fetchUrl(new URL(name, base).href, {
      ...o,
      accept: "text/csv,text/plain;q=0.9,*/*;q=0.5",
      maxBytes: MAX_CSV_BYTES,
    });
    return { text: new TextDecoder("utf-8").decode(r.bytes), url: r.url };
  };
  const manifest = await get("MANIFEST.csv");
  const sightings = await get("SIGHTINGS.csv");
  const rows = parseCsvRows(manifest.text, manifest.url, ManifestRow);
  const seen = parseCsvRows(sightings.text, sightings.url, SightingRow);
  const byFile = new Map<string, MirrorSighting[]>();
  for (const s of seen) {
    if (!s.date) continue;
    const list = byFile.get(s.file) ?? [];
    list.push(s);
    byFile.set(s.file, list);
  }
  return rows
    .map((m) => ({
      file: m.file,
      url: fileUrl(base, m.file),
      sha256: m.sha256,
      kind: m.kind,
      sightings: byFile.get(m.file) ?? [],
    }))
    .filter((f) => f.sightings.length > 0);
}
