// `g287 sync`: ICE's page → workbook links → download → check → archive → ingest. A run that fails
// on ICE's side keeps nothing from ICE; mirrors (public archives of past lists) then fill gaps, each
// file checked on its own against its sha256. ICE links a list either by file name or by number
// (`/file-download/download/public/<id>`); the name then comes from Content-Disposition, the link's
// text or its heading, and the kind always from the content. The summary names the ledger events
// the run added, for alerts to follow.
import { InputError, UnreadableListError } from "../errors.js";
import { loadCorrections } from "../normalize/corrections.js";
import type { ListKind } from "../sheets/types.js";
import { isArchiveFolder } from "../sources/archive.js";
import { ArchiveWriter } from "../sources/archive-writer.js";
import { ACCEPT_HTML, ACCEPT_WORKBOOK, FetchError, type FetchOptions, fetchUrl } from "../sources/fetch.js";
import { findListLinks, type ListLink } from "../sources/ice-page.js";
import { type MirrorFile, readMirror } from "../sources/mirrors.js";
import { sha256 } from "../sources/read-file.js";
import type { Store } from "../store/db.js";
import { type IngestOptions, type IngestSummary, ingest } from "./ingest.js";
import type { SyncSettings } from "./sync-config.js";
import { downloadName, fetchRow, type StageContext, type SyncFile, stageList } from "./sync-download.js";

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

export { contentDispositionName } from "../sources/file-name.js";
export type { Dating, NameSource, PublishedBasis, SyncFile } from "./sync-download.js";
export { dateDownload, downloadName } from "./sync-download.js";

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

function message(e: unknown): string {
  if (e instanceof InputError) return e.describe();
  if (e instanceof FetchError)
    return `${e.url}: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ""}`;
  return (e as Error).message || String(e);
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

  const stage: StageContext = { writer, fixes, maxListBytes: o.maxListBytes, warn };

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
        summary.files.push(stageList(stage, res, name, link.kind, "ice", from).file);
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
        const { file } = stageList(stage, res, name, g.kind, "mirror", "mirror");
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
