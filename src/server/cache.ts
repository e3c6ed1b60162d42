// Caches keyed on the ledger version. The ledger only changes on ingest, so every answer the API
// gives can be kept until the version moves; then everything is dropped at once.
import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants as zlibConstants } from "node:zlib";
import { sql } from "kysely";
import type { Db } from "../store/db.js";

/**
 * The ledger version: the fix-table rules, the last event, the number of dated observations, the
 * latest list replayed and the number of MOA documents kept. Any ingest or rebuild that changes what the API would say changes one
 * of these. Read at most once per `ttlMs`, because a CLI ingest may run beside the server.
 */
export class LedgerVersion {
  private value: string | null = null;
  private readAt = 0;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 1000,
  ) {}

  async current(): Promise<string> {
    const now = Date.now();
    if (this.value !== null && now - this.readAt < this.ttlMs) return this.value;
    this.pending ??= this.read().finally(() => {
      this.pending = null;
    });
    const v = await this.pending;
    this.value = v;
    this.readAt = now;
    return v;
  }

  private async read(): Promise<string> {
    const [rules, seq, obs, state, moa] = await Promise.all([
      this.db.selectFrom("meta").select("value").where("key", "=", "rules").executeTakeFirst(),
      this.db.selectFrom("event").select(this.db.fn.max("seq").as("n")).executeTakeFirst(),
      this.db.selectFrom("observation").select(this.db.fn.countAll<number>().as("n")).executeTakeFirst(),
      this.db.selectFrom("ledger_state").select("updated_at").executeTakeFirst(),
      // Agency pages list the MOA documents `g287 moa` keeps, which change without an ingest.
      sql<{ n: number }>`select count(*) as n from moa_document`.execute(this.db),
    ]);
    const raw = `${rules?.value ?? ""}|${seq?.n ?? 0}|${obs?.n ?? 0}|${state?.updated_at ?? ""}|${moa.rows[0]?.n ?? 0}`;
    return createHash("sha1").update(raw).digest("base64url").slice(0, 16);
  }
}

/**
 * A bounded map of promises, so fifty connections asking for the same cold resource wait for one
 * computation instead of starting fifty. Oldest entries go first, past a number of entries or (with
 * `sizeOf`) of bytes, since query strings are the client's to vary; a new version clears it all.
 */
export class VersionedCache<T> {
  private version = "";
  private readonly map = new Map<string, Promise<T>>();
  /** The same entries once settled, so a hit can be answered without waiting on a promise. */
  private readonly done = new Map<string, T>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly budget?: { maxBytes: number; sizeOf: (v: T) => number },
  ) {}

  private use(version: string): void {
    if (version !== this.version) {
      this.map.clear();
      this.done.clear();
      this.bytes = 0;
      this.version = version;
    }
  }

  private drop(key: string): void {
    this.map.delete(key);
    const v = this.done.get(key);
    if (v !== undefined && this.budget) this.bytes -= this.budget.sizeOf(v);
    this.done.delete(key);
  }

  private evict(): void {
    while (this.map.size > this.maxEntries || (this.budget && this.bytes > this.budget.maxBytes && this.map.size > 1)) {
      this.drop(this.map.keys().next().value as string);
    }
  }

  get(version: string, key: string, compute: () => Promise<T>): Promise<T> {
    this.use(version);
    const hit = this.map.get(key);
    if (hit) return hit;
    const p = compute();
    p.then(
      (v) => {
        if (this.map.get(key) !== p) return;
        this.done.set(key, v);
        if (this.budget) {
          this.bytes += this.budget.sizeOf(v);
          this.evict();
        }
      },
      // A failure is not cached: the next request tries again.
      () => {
        if (this.map.get(key) === p) this.map.delete(key);
      },
    );
    this.map.set(key, p);
    this.evict();
    return p;
  }

  /** A settled entry of this version, or undefined. */
  peek(version: string, key: string): T | undefined {
    return version === this.version ? this.done.get(key) : undefined;
  }
}

/** A strong ETag from the bytes of a body. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

/** True when an If-None-Match header names this ETag (or `*`); weak and strong forms both match. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

// ------------------------------------------------------------------ compression
// One path for every compressed answer: the API and the feed (resource.ts send), the web app's data
// files (web-data.ts) and the built app's files (static.ts). Each body is compressed at most once
// per encoding; the twins hang off the body's owner, so they go when the cached entry goes.

export type Encoding = "br" | "gzip";

/** Bodies smaller than this go as they are: the headers would cost more than the saving. */
export const COMPRESS_MIN_BYTES = 1024;

const twins = new WeakMap<object, Partial<Record<Encoding, Uint8Array>>>();

/** Text types compress; PDFs, images and fonts are compressed already. */
export function compressible(type: string): boolean {
  return /^(text\/|application\/(json|javascript|xml|atom\+xml|geo\+json|manifest\+json)|image\/svg\+xml)/.test(type);
}

/**
 * The encoding to send for an Accept-Encoding header: brotli when the client takes it (a fifth
 * smaller than gzip on our JSON), else gzip, else none. Explicit q-values are honoured, q=0 refuses.
 */
export function pickEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    q.set(name, qp ? Number(qp[1]) : 1);
  }
  const of = (e: string) => q.get(e) ?? (q.has("*") ? (q.get("*") as number) : 0);
  const br = of("br");
  const gz = of("gzip");
  if (br > 0 && br >= gz) return "br";
  if (gz > 0) return "gzip";
  return null;
}

/** The body in an encoding, compressed once per owner (a cache entry) and kept beside it. */
export function encodedBody(owner: object, body: Uint8Array, enc: Encoding): Uint8Array {
  let t = twins.get(owner);
  if (!t) {
    t = {};
    twins.set(owner, t);
  }
  const hit = t[enc];
  if (hit) return hit;
  const out =
    enc === "gzip"
      ? gzipSync(body, { level: 9 })
      : brotliCompressSync(body, {
          params: {
            // Quality 11 costs seconds on the 2 MB files; 9 is within a few per cent of it.
            [zlibConstants.BROTLI_PARAM_QUALITY]: body.byteLength > 256 * 1024 ? 9 : 11,
            [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        });
  t[enc] = out;
  return out;
}

/** The ETag of an encoded twin: a strong validator names the bytes, so each encoding has its own. */
export function encodedEtag(etag: string, enc: Encoding | null): string {
  return enc ? `${etag.slice(0, -1)}-${enc === "gzip" ? "gz" : "br"}"` : etag;
}

export interface Sendable {
  body: Uint8Array;
  type: string;
  etag: string;
}

/**
 * A body as an HTTP response: compressed when the client takes it and the type compresses, or a
 * 304 when If-None-Match names any of its twins. `owner` keeps the compressed twins (default: the
 * sendable itself). A HEAD gets the headers alone.
 */
export function sendBody(
  req: { header(name: string): string | undefined; method: string },
  s: Sendable,
  headers: Record<string, string>,
  owner: object = s,
): Response {
  const can = s.body.byteLength >= COMPRESS_MIN_BYTES && compressible(s.type);
  const enc = can ? pickEncoding(req.header("accept-encoding")) : null;
  const etag = encodedEtag(s.etag, enc);
  const vary: Record<string, string> = can ? { vary: "accept-encoding" } : {};
  const inm = req.header("if-none-match");
  if (
    inm &&
    (matchesEtag(inm, s.etag) || (["gzip", "br"] as const).some((e) => matchesEtag(inm, encodedEtag(s.etag, e))))
  ) {
    const { "content-type": _t, "content-disposition": _d, ...rest } = headers;
    return new Response(null, { status: 304, headers: { ...rest, etag, ...vary } });
  }
  const body = enc ? encodedBody(owner, s.body, enc) : s.body;
  return new Response(req.method === "HEAD" ? null : (body as Uint8Array<ArrayBuffer>), {
    status: 200,
    headers: {
      "content-type": s.type,
      ...headers,
      etag,
      ...vary,
      ...(enc ? { "content-encoding": enc } : {}),
    },
  });
}
