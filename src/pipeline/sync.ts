// `g287 sync`: ICE's page → workbook links → download → check → archive → ingest. A run that fails
// on ICE's side keeps nothing from ICE; mirrors (public archives of past lists) then fill gaps, each
// file checked on its own against its sha256. ICE links a list either by file name or by number
// (`/file-download/download/public/<id>`); the name then comes from Content-Disposition, the link's
// text or its heading, and the kind always from the content. The summary names the ledger events
// the run added, for alerts to follow.
import { InputError, UnreadableListError } from "../errors.js";
import { loadCorrections } from "../normalize/corrections.js";
import { normalizeRows } from "../normalize/row.js";
import type { ListKind } from "../sheets/types.js";
import { isArchiveFolder } from "../sources/archive.js";
import { ArchiveWriter, type FetchRow, type NewSighting } from "../sources/archive-writer.js";
import {
  ACCEPT_HTML,
  ACCEPT_WORKBOOK,
  FetchError,
  type FetchOptions,
  type FetchResult,
  fetchUrl,
} from "../sources/fetch.js";
import { contentDispositionName, dateFromFileName, safeFileName } from "../sources/file-name.js";
import { findListLinks, type ListLink } from "../sources/ice-page.js";
import { type MirrorFile, readMirror } from "../sources/mirrors.js";
import { sha256 } from "../sources/read-file.js";
import type { Observation } from "../sources/types.js";
import type { Store } from "../store/db.js";
import { type ValidList, validateList } from "./check-list.js";
import { type IngestOptions, type IngestSummary, ingest } from "./ingest.js";
import { checkDateAgainstContent } from "./parse.js";
import type { SyncSettings } from "./sync-config.js";

export const EXIT_NEW = 0;
export const EXIT_FAILED = 1;
export const EXIT_NOTHING_NEW = 3;

/** The ICE page is small; this is far above it and far below trouble. */
const MAX_PAGE_BYTES = 5 * 1024 * 1024;

export interface SyncOptions extends SyncSettings {
  archiveDir: string;
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: FetchOptions["sleep"];
  random?: () => number;
  /** Notes as they happen: retries, moved links, swapped files, mirror trouble. */
  log?: (line: string) => void;
  ingest?: Pick<IngestOptions, "config" | "correctionsDir" | "progress">;
}

export type PublishedBasis =
  | "filename"
  | "filename_corrected"
  | "content_newest_signed"
  | "last_modified"
  | "retrieved_at";

export interface SyncFile {
  via: "ice" | "mirror";
  url: string;
  /** What the link (or the mirror's manifest) says; `kind` is what the content is. */
  linkKind: ListKind | null;
  kind: ListKind | null;
  originalFilename: string;
  /** Where the name came from: the address, Content-Disposition, the link's text, its heading, a mirror. */
  nameFrom?: NameSource;
  /** `new` bytes for the archive, `known` bytes, `not_modified` (HTTP 304). */
  status: "new" | "known" | "not_modified" | "rejected";
  httpStatus: number;
  sha256: string | null;
  bytes: number;
  rows: number | null;
  publishedAt: string | null;
  publishedBasis: PublishedBasis | string | null;
  etag: string | null;
  lastModified: string | null;
  retrievedAt: string;
  note: string | null;
}

export interface SyncSummary {
  outcome: "new" | "nothing_new" | "failed";
  exitCode: 0 | 1 | 3;
  page: { url: string; title: string | null; participating: string | null; pending: string | null } | null;
  files: SyncFile[];
  mirrors: { url: string; files: number; gaps: number; error: string | null }[];
  archive: { dir: string; files: number; sightings: number; fetches: number };
  ingest: IngestSummary | null;
  /** The ledger events this run added (by seq); `renumbered` when the ingest replayed everything. */
  events: { from: number; to: number; count: number; renumbered: boolean } | null;
  warnings: string[];
  error: string | null;
  /**
   * Lists fetched but not kept because they cannot be read; `again` when an earlier run already
   * rejected the same bytes (reported once, then skipped).
   */
  rejected: { url: string; file: string; sha256: string; reason: string; again: boolean }[];
}

export interface Dating {
  date: string;
  slot: string;
  /** The basis written to SIGHTINGS.csv. */
  basis: string;
  publishedBasis: PublishedBasis;
  observationBasis: Observation["basis"];
}

export { contentDispositionName };

export type NameSource = "content_disposition" | "url" | "redirect" | "link_text" | "heading" | "mirror";

const SHEET_NAME = /\.(xlsx|xls|csv)$/i;

function lastSegment(url: string): string {
  try {
    const seg = new URL(url).pathname.split("/").pop() ?? "";
    return decodeURIComponent(seg);
  } catch {
    return "";
  }
}

/**
 * ICE's name for a download: Content-Disposition first (the only name an id-only address has),
 * then the address a redirect ended at, then the page's own name for the link (its address or a
 * file name in its text), then the link's text, then the heading it sits under.
 */
export function downloadName(
  link: Pick<ListLink, "url" | "fileName" | "text" | "heading">,
  res: Pick<FetchResult, "url" | "headers">,
): { name: string; from: NameSource } {
  const cd = contentDispositionName(res.headers["content-disposition"]);
  if (cd) return { name: cd, from: "content_disposition" };
  if (res.url !== link.url) {
    const redirected = safeFileName(lastSegment(res.url));
    if (redirected && SHEET_NAME.test(redirected)) return { name: redirected, from: "redirect" };
  }
  if (link.fileName) {
    const fromUrl = lastSegment(link.url) === link.fileName;
    return { name: link.fileName, from: fromUrl ? "url" : "link_text" };
  }
  const text = safeFileName(link.text);
  if (text) return { name: text, from: "link_text" };
  const heading = link.heading ? safeFileName(link.heading) : null;
  if (heading) return { name: heading, from: "heading" };
  return { name: lastSegment(link.url) || "download", from: "url" };
}

/** An instant as a date and a download slot, in UTC like web-archive capture times. */
function instantDating(iso: string): { date: string; slot: string } {
  return { date: iso.slice(0, 10), slot: `download@${iso.slice(11, 19).replace(/:/g, "")}` };
}

/**
 * When a download was published: ICE's file name (`participatingAgencies05182026am.xlsx`), else the
 * server's Last-Modified, else the time it was retrieved. A name that already dated different bytes
 * no longer dates anything: ICE has replaced a file in place (`participatingAgencies07032025pm.xlsx`
 * held 753 rows on 07-03 and 777 on 07-04).
 */
export function dateDownload(
  fileName: string,
  lastModified: string | undefined,
  retrievedAt: string,
  nameReused: boolean,
): Dating {
  const named = dateFromFileName(fileName);
  if (named && named.basis === "publication" && !nameReused) {
    return {
      date: named.date,
      slot: named.slot,
      basis: named.rule ? "ice_filename_corrected" : "ice_filename",
      publishedBasis: named.rule ? "filename_corrected" : "filename",
      observationBasis: "publication",
    };
  }
  const lm = lastModified ? Date.parse(lastModified) : Number.NaN;
  if (!Number.isNaN(lm) && lm <= Date.parse(retrievedAt) + 86_400_000) {
    return {
      ...instantDating(new Date(lm).toISOString()),
      basis: "http_last_modified",
      publishedBasis: "last_modified",
      observationBasis: "capture",
    };
  }
  return {
    ...instantDating(retrievedAt),
    basis: "retrieved_at",
    publishedBasis: "retrieved_at",
    observationBasis: "capture",
  };
}

function message(e: unknown): string {
  if (e instanceof InputError) return e.describe();
  if (e instanceof FetchError)
    return `${e.url}: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ""}`;
  return (e as Error).message || String(e);
}

function fetchRow(
  f: SyncFile,
  file: string,
  contentType: string,
  via: string,
  newFile: boolean,
  statedDate: string,
): FetchRow {
  return {
    retrieved_at: f.retrievedAt,
    url: f.url,
    original_filename: f.originalFilename,
    http_status: String(f.httpStatus),
    etag: f.etag ?? "",
    last_modified: f.lastModified ?? "",
    content_type: contentType,
    sha256: f.sha256 ?? "",
    bytes: String(f.bytes),
    kind: f.kind ?? "",
    link_kind: f.linkKind ?? "",
    rows: f.rows === null ? "" : String(f.rows),
    published_at: f.publishedAt ?? "",
    published_basis: f.publishedBasis ?? "",
    stated_date: statedDate,
    file,
    via,
    new_file: newFile ? "yes" : "no",
    rejected: f.status === "rejected" ? (f.note ?? "rejected") : "",
  };
}

export async function sync(store: Store, o: SyncOptions): Promise<SyncSummary> {
  const log = o.log ?? (() => {});
  const fixes = loadCorrections(o.ingest?.correctionsDir);
  const writer = ArchiveWriter.open(o.archiveDir);
  const summary: SyncSummary = {
    outcome: "nothing_new",
    exitCode: EXIT_NOTHING_NEW,
    page: null,
    files: [],
    mirrors: [],
    archive: { dir: o.archiveDir, files: 0, sightings: 0, fetches: 0 },
    ingest: null,
    events: null,
    warnings: [],
    rejected: [],
    error: null,
  };
  const warn = (w: string) => {
    summary.warnings.push(w);
    log(`warning: ${w}`);
  };
  const fetchOpts = (accept: string, maxBytes: number, headers?: Record<string, string>): FetchOptions => ({
    http: o.http,
    accept,
    maxBytes,
    headers,
    signal: o.signal,
    sleep: o.sleep,
    random: o.random,
    now: o.now,
    onRetry: (r) => log(`retry ${r.attempt} of ${r.url} in ${r.delayMs} ms: ${r.reason}`),
  });

  /** Checks one downloaded workbook and stages it with its sighting; throws when it is not a list. */
  const accept = (
    res: FetchResult,
    name: string,
    linkKind: ListKind | null,
    via: "ice" | "mirror",
    nameFrom: NameSource,
  ): { file: SyncFile; valid: ValidList } => {
    const sha = sha256(res.bytes);
    const valid = validateList({
      bytes: res.bytes,
      url: res.url,
      fileName: name,
      contentType: res.headers["content-type"],
      declaredLength: res.headers["content-length"] ? Number(res.headers["content-length"]) : undefined,
      expectedKind: linkKind,
      maxBytes: o.maxListBytes,
    });
    const known = writer.fileFor(sha) !== undefined;
    const named = dateFromFileName(name);
    const reused = named ? writer.hasSightingKey(named.date, named.slot, name, valid.kind) : undefined;
    const d = dateDownload(name, res.headers["last-modified"], res.retrievedAt, reused !== undefined && reused !== sha);
    const obs: Observation = {
      date: d.date,
      slot: d.slot,
      basis: d.observationBasis,
      basisDetail: d.basis,
      originalFilename: name,
      filenameKind: named?.kindHint ?? null,
      provenance: [],
    };
    let newestSigned: string | null = null;
    for (const r of normalizeRows(valid.sheet, fixes))
      if (r.signedOn && (!newestSigned || r.signedOn > newestSigned)) newestSigned = r.signedOn;
    const checked = checkDateAgainstContent(obs, { newestSigned });
    const file: SyncFile = {
      via,
      url: res.requestedUrl,
      linkKind,
      kind: valid.kind,
      originalFilename: name,
      nameFrom,
      status: known ? "known" : "new",
      httpStatus: res.status,
      sha256: sha,
      bytes: res.bytes.length,
      rows: valid.rows,
      publishedAt: checked.date,
      publishedBasis: checked.dateRule === "content_newest_signed" ? "content_newest_signed" : d.publishedBasis,
      etag: res.headers.etag ?? null,
      lastModified: res.headers["last-modified"] ?? null,
      retrievedAt: res.retrievedAt,
      note: valid.kindMismatch,
    };
    if (valid.kindMismatch) warn(`${res.url}: ${valid.kindMismatch}`);
    const stored = writer.addFile({
      sha256: sha,
      bytes: res.bytes,
      ext: valid.format,
      kind: valid.kind,
      rows: valid.rows,
      originalFilename: name,
    });
    if (via === "ice") {
      // Every download is a sighting, with its retrieval time. One dated by ICE's name keeps that
      // date, so the same list fetched again is the same observation seen again. One dated by the
      // download itself is a new observation only when the bytes are new, or come back after other
      // bytes replaced them; otherwise it is recorded as another sighting of the observation it
      // repeats, and nothing is applied twice.
      const repeat =
        d.observationBasis === "capture" && known && writer.latestSha(valid.kind) === sha
          ? writer.latestSightingOf(sha)
          : undefined;
      const prior = repeat ? writer.sightingRow(sha, repeat.date, repeat.slot, repeat.original_filename) : undefined;
      const s: NewSighting = {
        date: repeat?.date ?? d.date,
        slot: repeat?.slot ?? d.slot,
        kind: valid.kind,
        basis: prior?.basis || d.basis,
        original_filename: repeat?.original_filename ?? name,
        filename_kind: ((repeat ? prior?.filename_kind : named?.kindHint) ?? "") as ListKind | "",
        source_url: res.requestedUrl,
        retrieved_at: res.retrievedAt,
      };
      writer.addSighting(sha, s);
      writer.addFetch(fetchRow(file, stored, res.headers["content-type"] ?? "", via, !known, d.date));
    }
    return { file, valid };
  };

  // ICE: all or nothing. A link that fails leaves the run with nothing from ICE.
  let iceFailed: unknown = null;
  try {
    const page = await fetchUrl(o.pageUrl, fetchOpts(ACCEPT_HTML, MAX_PAGE_BYTES));
    const html = new TextDecoder("utf-8").decode(page.bytes);
    const links = findListLinks(html, page.url);
    summary.page = {
      url: page.url,
      title: links.title,
      participating: links.participating?.url ?? null,
      pending: links.pending?.url ?? null,
    };
    if (!links.participating) {
      throw new InputError(
        o.pageUrl,
        `found no link to the participating agencies workbook (page titled "${links.title ?? "untitled"}", ${links.spreadsheets} spreadsheet link(s)): the page changed or the request was blocked`,
      );
    }
    if (!links.pending)
      warn(`${page.url}: no pending-agencies workbook linked (ICE has published none since 2026-02-27)`);
    for (const link of [links.participating, links.pending].filter((l): l is ListLink => l !== null)) {
      const last = writer.lastFetch(link.url);
      const cond: Record<string, string> = { Referer: page.url };
      if (last?.etag) cond["If-None-Match"] = last.etag;
      if (last?.last_modified) cond["If-Modified-Since"] = last.last_modified;
      const res = await fetchUrl(link.url, fetchOpts(ACCEPT_WORKBOOK, o.maxListBytes, cond));
      if (res.status === 304) {
        summary.files.push({
          via: "ice",
          url: link.url,
          linkKind: link.kind,
          kind: (last?.kind as ListKind) || null,
          originalFilename: last?.original_filename || link.fileName,
          status: "not_modified",
          httpStatus: 304,
          sha256: last?.sha256 || null,
          bytes: 0,
          rows: null,
          publishedAt: last?.published_at || null,
          publishedBasis: last?.published_basis || null,
          etag: res.headers.etag ?? last?.etag ?? null,
          lastModified: res.headers["last-modified"] ?? last?.last_modified ?? null,
          retrievedAt: res.retrievedAt,
          note: null,
        });
        continue;
      }
      const { name, from } = downloadName(link, res);
      try {
        summary.files.push(accept(res, name, link.kind, "ice", from).file);
      } catch (e) {
        // A list that cannot be read (broken, hostile, over a limit) is reported and remembered by
        // its ETag and sha256, so the next run does not fail on it again; the other list goes on.
        if (!(e instanceof UnreadableListError)) throw e;
        const sha = sha256(res.bytes);
        const seen = writer.rejectedBefore(link.url, sha);
        const file: SyncFile = {
          via: "ice",
          url: res.requestedUrl,
          linkKind: link.kind,
          kind: null,
          originalFilename: name,
          nameFrom: from,
          status: "rejected",
          httpStatus: res.status,
          sha256: sha,
          bytes: res.bytes.length,
          rows: null,
          publishedAt: null,
          publishedBasis: null,
          etag: res.headers.etag ?? null,
          lastModified: res.headers["last-modified"] ?? null,
          retrievedAt: res.retrievedAt,
          note: message(e),
        };
        summary.files.push(file);
        summary.rejected.push({ url: link.url, file: name, sha256: sha, reason: message(e), again: seen });
        if (!seen) {
          warn(`rejected ${name} (${link.url}): ${message(e)}`);
          writer.addFetch(fetchRow(file, "", res.headers["content-type"] ?? "", "ice", false, ""));
        }
      }
    }
  } catch (e) {
    iceFailed = e;
    writer.discard();
    summary.files = [];
    summary.error = message(e);
    log(`failed: ${summary.error}`);
  }

  // Mirrors: each file on its own; a bad one is a warning, never a reason to drop the others.
  for (const m of o.mirrors) {
    if (o.signal?.aborted) break;
    const report = { url: m.url, files: 0, gaps: 0, error: null as string | null };
    summary.mirrors.push(report);
    let files: MirrorFile[];
    try {
      files = await readMirror(m.url, fetchOpts("", 0));
    } catch (e) {
      report.error = message(e);
      warn(`mirror ${m.url}: ${report.error}`);
      continue;
    }
    const have = writer.knownShas();
    const gaps = files.filter((f) => !have.has(f.sha256));
    report.gaps = gaps.length;
    for (const g of gaps.slice(0, m.maxFiles)) {
      if (o.signal?.aborted) break;
      try {
        const res = await fetchUrl(g.url, fetchOpts(ACCEPT_WORKBOOK, o.maxListBytes));
        const got = sha256(res.bytes);
        if (got !== g.sha256) {
          throw new InputError(
            g.url,
            `sha256 ${got.slice(0, 12)}… does not match the mirror's manifest (${g.sha256.slice(0, 12)}…)`,
          );
        }
        const name = g.sightings[0]?.original_filename || g.file.replace(/^.*\//, "");
        const { file } = accept(res, name, g.kind, "mirror", "mirror");
        // The mirror's own sightings date the file; each keeps the archive it came from.
        for (const s of g.sightings) {
          writer.addSighting(got, {
            date: s.date,
            slot: s.slot,
            kind: file.kind as ListKind,
            basis: s.basis,
            original_filename: s.original_filename,
            filename_kind: s.filename_kind ?? "",
            source_url: res.requestedUrl,
            source_repo: s.source_repo ?? "",
            source_path: s.source_path ?? "",
            source_commit: s.source_commit ?? "",
            retrieved_at: g.retrievedAt ?? "",
          });
        }
        const first = g.sightings.map((s) => s.date).sort()[0] ?? "";
        file.publishedAt = first;
        file.publishedBasis = `mirror:${g.sightings[0]?.basis ?? ""}`;
        writer.addFetch(
          fetchRow(
            file,
            writer.fileFor(got) as string,
            res.headers["content-type"] ?? "",
            `mirror ${m.url}`,
            true,
            first,
          ),
        );
        summary.files.push(file);
        report.files++;
      } catch (e) {
        warn(`mirror file ${g.url}: ${message(e)}`);
      }
    }
    if (gaps.length > m.maxFiles)
      warn(`mirror ${m.url}: ${gaps.length - m.maxFiles} more file(s) left for the next run`);
  }

  summary.archive = { dir: o.archiveDir, ...writer.commit() };

  // The store catches up with the archive, unless ICE failed and nothing else arrived: a failed run
  // changes nothing.
  const mirrored = summary.files.some((f) => f.via === "mirror");
  if ((!iceFailed || mirrored) && isArchiveFolder(o.archiveDir)) {
    const obsBefore = new Set(
      (await store.db.selectFrom("observation").select("obs_id").execute()).map((r) => r.obs_id),
    );
    const s = await ingest(store, [o.archiveDir], o.ingest);
    summary.ingest = s;
    if (s.newObservations > 0 || s.mode === "rebuild") {
      const fresh = (await store.db.selectFrom("observation").select("obs_id").execute())
        .map((r) => r.obs_id)
        .filter((id) => !obsBefore.has(id));
      const ev = fresh.length
        ? await store.db
            .selectFrom("event")
            .select([
              store.db.fn.min("seq").as("from"),
              store.db.fn.max("seq").as("to"),
              store.db.fn.countAll<number>().as("count"),
            ])
            .where("obs_id", "in", fresh)
            .executeTakeFirst()
        : undefined;
      if (ev && Number(ev.count) > 0) {
        summary.events = {
          from: Number(ev.from),
          to: Number(ev.to),
          count: Number(ev.count),
          renumbered: s.mode === "rebuild",
        };
      }
    }
  }
  if (iceFailed) {
    summary.outcome = "failed";
    summary.exitCode = EXIT_FAILED;
  } else if (summary.rejected.some((r) => !r.again) && (summary.ingest?.newObservations ?? 0) === 0) {
    // A newly rejected list is news for whoever runs sync: exit 1 once, with the reason; later
    // runs skip the same bytes and go on.
    summary.outcome = "failed";
    summary.exitCode = EXIT_FAILED;
    summary.error = summary.rejected.map((r) => `rejected ${r.file}: ${r.reason}`).join("; ");
  } else if ((summary.ingest?.newObservations ?? 0) > 0) {
    summary.outcome = "new";
    summary.exitCode = EXIT_NEW;
  }
  return summary;
}
