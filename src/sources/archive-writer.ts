// Keeps every accepted download in an archive folder that `g287 ingest DIR` replays: the bytes under
// `lists/<sha256>.<ext>`, MANIFEST.csv (one row per distinct file), SIGHTINGS.csv (one row per dated
// observation; each download is its own sighting, with its retrieval time, so the same bytes fetched
// three times are one file and one observation seen three times) and FETCHES.csv (one row per
// accepted download, with its HTTP validators). Writes are staged in memory and committed under a
// lock, each file replaced atomically (tmp + rename).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { InputError } from "../errors.js";
import { ManifestRow, parseCsvRows, SightingRow } from "./archive.js";
import { orderKey } from "./order.js";
import { sha256 } from "./read-file.js";
import type { ListKind } from "./types.js";

export const FETCH_COLUMNS = [
  "retrieved_at",
  "url",
  "original_filename",
  "http_status",
  "etag",
  "last_modified",
  "content_type",
  "sha256",
  "bytes",
  "kind",
  "link_kind",
  "rows",
  "published_at",
  "published_basis",
  "stated_date",
  "file",
  "via",
  "new_file",
  /** Why the file was not kept (a hostile or broken list), empty when it was. */
  "rejected",
] as const;
export type FetchRow = Record<(typeof FETCH_COLUMNS)[number], string>;

const MANIFEST_COLUMNS = ["file", "kind", "first_seen", "last_seen", "sha256", "rows", "bytes", "original_filename"];
const SIGHTING_COLUMNS = [
  "date",
  "slot",
  "kind",
  "file",
  "basis",
  "original_filename",
  "filename_kind",
  "source_url",
  "source_repo",
  "source_path",
  "source_commit",
  "retrieved_at",
];

export interface NewFile {
  sha256: string;
  bytes: Uint8Array;
  /** `xlsx`, `xls` or `csv`: the format read from the bytes. */
  ext: string;
  kind: ListKind;
  rows: number;
  originalFilename: string;
}

export interface NewSighting {
  date: string;
  slot: string;
  kind: ListKind;
  /** `ice_filename`, `ice_filename_corrected`, `http_last_modified`, `retrieved_at`, or a mirror's basis. */
  basis: string;
  original_filename: string;
  filename_kind: ListKind | "";
  source_url: string;
  source_repo?: string;
  source_path?: string;
  source_commit?: string;
  /** When this sighting's bytes were downloaded: what tells repeated fetches of one list apart. */
  retrieved_at?: string;
}

interface Table {
  columns: string[];
  rows: Record<string, string>[];
}

function readTable(file: string, defaults: readonly string[]): Table {
  if (!fs.existsSync(file)) return { columns: [...defaults], rows: [] };
  const text = fs.readFileSync(file, "utf8");
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new InputError(file, `not a readable csv: ${(e as Error).message}`);
  }
  const header = (parse(text, { to_line: 1 }) as string[][])[0] ?? [];
  // Columns this writer needs are added after the archive's own, which keep their order.
  const columns = [...header, ...defaults.filter((c) => !header.includes(c))];
  return { columns, rows };
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = fs.openSync(tmp, "wx");
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function tableText(t: Table): string {
  return stringify(
    t.rows.map((r) => t.columns.map((c) => r[c] ?? "")),
    { header: true, columns: t.columns, record_delimiter: "\n" },
  );
}

const LOCK = ".g287-sync.lock";

/** One writer at a time: `g287 watch` and a cron `g287 sync` may share an archive. */
function withLock<T>(dir: string, fn: () => T): T {
  const file = path.join(dir, LOCK);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8"));
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = Number.isInteger(pid) && pid > 0;
      } catch (k) {
        alive = (k as NodeJS.ErrnoException).code === "EPERM";
      }
      if (!alive) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new InputError(file, `archive is locked by process ${pid}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export class ArchiveWriter {
  readonly dir: string;
  private manifest!: Table;
  private sightings!: Table;
  private fetches!: Table;
  private staged = { files: new Map<string, NewFile>(), sightings: [] as NewSighting[], fetches: [] as FetchRow[] };
  private stagedSightingSha: string[] = [];

  private constructor(dir: string) {
    this.dir = dir;
    this.load();
  }

  /** Reads what the folder holds (nothing, if it does not exist yet); writes nothing. */
  static open(dir: string): ArchiveWriter {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new InputError(dir, "archive is not a folder");
    return new ArchiveWriter(dir);
  }

  private load(): void {
    const at = (n: string) => path.join(this.dir, n);
    this.manifest = readTable(at("MANIFEST.csv"), MANIFEST_COLUMNS);
    this.sightings = readTable(at("SIGHTINGS.csv"), SIGHTING_COLUMNS);
    this.fetches = readTable(at("FETCHES.csv"), FETCH_COLUMNS);
    // The same checks `g287 ingest` makes, so a damaged archive is refused before anything is added.
    if (fs.existsSync(at("MANIFEST.csv"))) parseCsvRows(tableText(this.manifest), at("MANIFEST.csv"), ManifestRow);
    if (fs.existsSync(at("SIGHTINGS.csv"))) parseCsvRows(tableText(this.sightings), at("SIGHTINGS.csv"), SightingRow);
  }

  /** The archive's name for these bytes, if it already holds them (or has them staged). */
  fileFor(sha: string): string | undefined {
    if (this.staged.files.has(sha)) return this.blobName(this.staged.files.get(sha) as NewFile);
    return this.manifest.rows.find((r) => r.sha256 === sha)?.file;
  }

  knownShas(): Set<string> {
    return new Set([...this.manifest.rows.map((r) => r.sha256 as string), ...this.staged.files.keys()]);
  }

  /** The last accepted download of this URL: its ETag and Last-Modified make the next request conditional. */
  lastFetch(url: string): FetchRow | undefined {
    const all = [...(this.fetches.rows as FetchRow[]), ...this.staged.fetches];
    for (let i = all.length - 1; i >= 0; i--) if (all[i]?.url === url) return all[i];
    return undefined;
  }

  /** Whether an earlier run already fetched these bytes from this address and rejected them. */
  rejectedBefore(url: string, sha: string): boolean {
    const all = [...(this.fetches.rows as FetchRow[]), ...this.staged.fetches];
    return all.some((r) => r.url === url && r.sha256 === sha && r.rejected !== undefined && r.rejected !== "");
  }

  /** True when a sighting with this date, slot and file name already dates some file. */
  hasSightingKey(date: string, slot: string, originalFilename: string, kind: ListKind): string | undefined {
    const hit = this.sightings.rows.find(
      (r) => r.date === date && r.slot === slot && r.original_filename === originalFilename && r.kind === kind,
    );
    return hit ? this.manifest.rows.find((m) => m.file === hit.file)?.sha256 : undefined;
  }

  /** True when these bytes already have a sighting with this date, slot and name (and retrieval time, if given). */
  hasSighting(sha: string, date: string, slot: string, originalFilename: string, retrievedAt?: string): boolean {
    const file = this.fileFor(sha);
    const same = (r: { date?: string; slot?: string; original_filename?: string; retrieved_at?: string }) =>
      r.date === date &&
      r.slot === slot &&
      r.original_filename === originalFilename &&
      (retrievedAt === undefined || (r.retrieved_at ?? "") === retrievedAt);
    return (
      this.sightings.rows.some((r) => r.file === file && same(r)) ||
      this.staged.sightings.some((r, i) => this.stagedSightingSha[i] === sha && same(r))
    );
  }

  /** The latest dated sighting of these bytes, by replay order (staged ones included). */
  latestSightingOf(sha: string): { date: string; slot: string; original_filename: string } | undefined {
    const file = this.fileFor(sha);
    let best: { key: string; row: { date: string; slot: string; original_filename: string } } | undefined;
    const rows = [
      ...this.sightings.rows.filter((r) => r.file === file),
      ...this.staged.sightings.filter((_, i) => this.stagedSightingSha[i] === sha),
    ];
    for (const r of rows) {
      if (!r.date) continue;
      const key = orderKey(r.date, r.slot ?? "", r.original_filename ?? "");
      if (!best || key > best.key)
        best = { key, row: { date: r.date, slot: r.slot ?? "", original_filename: r.original_filename ?? "" } };
    }
    return best?.row;
  }

  /** A sighting of these bytes with this date, slot and name, as written (staged ones included). */
  sightingRow(sha: string, date: string, slot: string, originalFilename: string): Partial<NewSighting> | undefined {
    const file = this.fileFor(sha);
    const same = (r: { date?: string; slot?: string; original_filename?: string }) =>
      r.date === date && r.slot === slot && r.original_filename === originalFilename;
    return (
      (this.sightings.rows.find((r) => r.file === file && same(r)) as Partial<NewSighting> | undefined) ??
      this.staged.sightings.find((r, i) => this.stagedSightingSha[i] === sha && same(r))
    );
  }

  /** The sha256 of the latest dated sighting of a kind, by replay order. */
  latestSha(kind: ListKind): string | undefined {
    let best: { key: string; file: string } | undefined;
    for (const r of this.sightings.rows) {
      if (r.kind !== kind || !r.date) continue;
      const key = orderKey(r.date, r.slot ?? "", r.file ?? "");
      if (!best || key > best.key) best = { key, file: r.file as string };
    }
    return best ? this.manifest.rows.find((m) => m.file === best?.file)?.sha256 : undefined;
  }

  private blobName(f: NewFile): string {
    return `lists/${f.sha256}.${f.ext}`;
  }

  addFile(f: NewFile): string {
    const had = this.fileFor(f.sha256);
    if (had) return had;
    if (sha256(f.bytes) !== f.sha256) throw new Error(`staged bytes do not match ${f.sha256}`);
    this.staged.files.set(f.sha256, f);
    return this.blobName(f);
  }

  addSighting(sha: string, s: NewSighting): void {
    if (this.hasSighting(sha, s.date, s.slot, s.original_filename, s.retrieved_at ?? "")) return;
    this.staged.sightings.push(s);
    this.stagedSightingSha.push(sha);
  }

  addFetch(row: FetchRow): void {
    this.staged.fetches.push(row);
  }

  get hasStaged(): boolean {
    return this.staged.files.size + this.staged.sightings.length + this.staged.fetches.length > 0;
  }

  /** Drops what was staged (a failed run keeps nothing). */
  discard(): void {
    this.staged = { files: new Map(), sightings: [], fetches: [] };
    this.stagedSightingSha = [];
  }

  /**
   * Writes what was staged. Under the lock the folder is read again, so a concurrent sync's rows
   * are kept. Order: bytes, MANIFEST, SIGHTINGS, FETCHES; a crash between two leaves a folder that
   * still replays (a file without a sighting is skipped, never a sighting without its file).
   */
  commit(): { files: number; sightings: number; fetches: number } {
    if (!this.hasStaged) return { files: 0, sightings: 0, fetches: 0 };
    fs.mkdirSync(path.join(this.dir, "lists"), { recursive: true });
    const staged = this.staged;
    const stagedSha = this.stagedSightingSha;
    const counts = withLock(this.dir, () => {
      this.load();
      const newFiles: NewFile[] = [];
      for (const f of staged.files.values()) {
        if (this.manifest.rows.some((r) => r.sha256 === f.sha256)) continue;
        newFiles.push(f);
        this.manifest.rows.push({
          file: this.blobName(f),
          kind: f.kind,
          first_seen: "",
          last_seen: "",
          sha256: f.sha256,
          rows: String(f.rows),
          bytes: String(f.bytes.length),
          original_filename: f.originalFilename,
        });
      }
      let sightings = 0;
      staged.sightings.forEach((s, i) => {
        const sha = stagedSha[i] as string;
        const file = this.manifest.rows.find((r) => r.sha256 === sha)?.file;
        if (!file) throw new Error(`sighting of ${sha} without its file`);
        const dup = this.sightings.rows.some(
          (r) =>
            r.file === file &&
            r.date === s.date &&
            r.slot === s.slot &&
            r.original_filename === s.original_filename &&
            (r.source_url ?? "") === s.source_url &&
            (r.retrieved_at ?? "") === (s.retrieved_at ?? ""),
        );
        if (dup) return;
        this.sightings.rows.push({ ...s, file });
        const m = this.manifest.rows.find((r) => r.file === file) as Record<string, string>;
        if (!m.first_seen || s.date < m.first_seen) m.first_seen = s.date;
        if (!m.last_seen || s.date > m.last_seen) m.last_seen = s.date;
        sightings++;
      });
      const orphan = this.manifest.rows.find((m) => !m.first_seen);
      if (orphan) throw new Error(`${orphan.file} has no dated sighting`);
      this.fetches.rows.push(...staged.fetches);
      // Everything is decided before the first byte is written.
      for (const f of newFiles) {
        const target = path.join(this.dir, this.blobName(f));
        if (!fs.existsSync(target) || sha256(fs.readFileSync(target)) !== f.sha256) writeAtomic(target, f.bytes);
      }
      const at = (n: string) => path.join(this.dir, n);
      writeAtomic(at("MANIFEST.csv"), tableText(this.manifest));
      writeAtomic(at("SIGHTINGS.csv"), tableText(this.sightings));
      writeAtomic(at("FETCHES.csv"), tableText(this.fetches));
      return { files: newFiles.length, sightings, fetches: staged.fetches.length };
    });
    this.discard();
    return counts;
  }
}
