// A mirror is a public archive of past lists in the archive-folder layout (MANIFEST.csv and
// SIGHTINGS.csv beside the files), served over HTTP: another g287's archive, or a repository of
// ICE's lists. Its manifest names every file by sha256, so the gaps in ours are found without
// downloading anything but two csv files.
import type { z } from "zod";
import { ManifestRow, parseCsvRows, SightingRow } from "./archive.js";
import { type FetchOptions, fetchUrl } from "./fetch.js";

export type MirrorSighting = z.infer<typeof SightingRow>;

export interface MirrorFile {
  /** The mirror's name for the file, and the URL it is served at. */
  file: string;
  url: string;
  sha256: string;
  kind: "participating" | "pending";
  /** The mirror's dated sightings of this file (undated ones are dropped: they cannot be replayed). */
  sightings: MirrorSighting[];
}

const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** `https://host/archive` and `https://host/archive/` both name the folder. */
export function mirrorBase(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

export function fileUrl(base: string, file: string): string {
  return new URL(file.split("/").map(encodeURIComponent).join("/"), mirrorBase(base)).href;
}

export async function readMirror(url: string, o: Omit<FetchOptions, "accept" | "maxBytes">): Promise<MirrorFile[]> {
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
