// One download in a sync: where its name comes from, what date it is published under, and how it is
// checked and staged in the archive with its sighting and fetch row.
import type { Corrections } from "../normalize/corrections.js";
import { normalizeRows } from "../normalize/row.js";
import type { ListKind } from "../sheets/types.js";
import type { ArchiveWriter, FetchRow, NewSighting } from "../sources/archive-writer.js";
import type { FetchResult } from "../sources/fetch.js";
import { contentDispositionName, dateFromFileName, safeFileName } from "../sources/file-name.js";
import type { ListLink } from "../sources/ice-page.js";
import { sha256 } from "../sources/read-file.js";
import type { Observation } from "../sources/types.js";
import { type ValidList, validateList } from "./check-list.js";
import { checkDateAgainstContent } from "./parse.js";

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

export interface Dating {
  date: string;
  slot: string;
  /** The basis written to SIGHTINGS.csv. */
  basis: string;
  publishedBasis: PublishedBasis;
  observationBasis: Observation["basis"];
}

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

export function fetchRow(
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

/** What staging a list needs from the run: the archive it goes to, the corrections, the size limit. */
export interface StageContext {
  writer: ArchiveWriter;
  fixes: Corrections;
  maxListBytes: number;
  warn: (w: string) => void;
}

/** Checks one downloaded workbook and stages it with its sighting; throws when it is not a list. */
export function stageList(
  ctx: StageContext,
  res: FetchResult,
  name: string,
  linkKind: ListKind | null,
  via: "ice" | "mirror",
  nameFrom: NameSource,
): { file: SyncFile; valid: ValidList } {
  const sha = sha256(res.bytes);
  const valid = validateList({
    bytes: res.bytes,
    url: res.url,
    fileName: name,
    contentType: res.headers["content-type"],
    declaredLength: res.headers["content-length"] ? Number(res.headers["content-length"]) : undefined,
    expectedKind: linkKind,
    maxBytes: ctx.maxListBytes,
  });
  const known = ctx.writer.fileFor(sha) !== undefined;
  const named = dateFromFileName(name);
  const reused = named ? ctx.writer.hasSightingKey(named.date, named.slot, name, valid.kind) : undefined;
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
  for (const r of normalizeRows(valid.sheet, ctx.fixes))
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
  if (valid.kindMismatch) ctx.warn(`${res.url}: ${valid.kindMismatch}`);
  const stored = ctx.writer.addFile({
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
      d.observationBasis === "capture" && known && ctx.writer.latestSha(valid.kind) === sha
        ? ctx.writer.latestSightingOf(sha)
        : undefined;
    const prior = repeat ? ctx.writer.sightingRow(sha, repeat.date, repeat.slot, repeat.original_filename) : undefined;
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
    ctx.writer.addSighting(sha, s);
    ctx.writer.addFetch(fetchRow(file, stored, res.headers["content-type"] ?? "", via, !known, d.date));
  }
  return { file, valid };
}
