// The one response path: every body the server sends (API JSON and CSV, the feed, the web app's
// data files, the built app's files) goes out through send(): its ETag and 304, Vary, and brotli or
// gzip by Accept-Encoding, each compressed once per body (off the event loop) and kept beside it.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, gzip, constants as zlibConstants } from "node:zlib";

/**
 * A finished body, kept in a cache: the bytes (encoded once, not per request), their content type
 * and strong ETag, and the headers it always goes with (cache-control, content-disposition, link).
 */
export interface Rendered {
  body: Uint8Array;
  type: string;
  etag: string;
  headers: Record<string, string>;
}

/** A strong ETag from the bytes of a body. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

export function rendered(body: string | Uint8Array, type: string, headers: Record<string, string> = {}): Rendered {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return { body: bytes, type, etag: etagOf(bytes), headers };
}

/** True when an If-None-Match header names this ETag (or `*`); weak and strong forms both match. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export type Encoding = "br" | "gzip";

/** Bodies smaller than this go as they are: the headers would cost more than the saving. */
export const COMPRESS_MIN_BYTES = 1024;

/** Text types compress; PDFs, images and fonts are compressed already. */
export function compressible(type: string): boolean {
  return /^(text\/|application\/(json|javascript|xml|atom\+xml|geo\+json|manifest\+json)|image\/svg\+xml)/.test(type);
}

/**
 * The encoding to send for an Accept-Encoding header: brotli when the client takes it (a fifth
 * smaller than gzip on our JSON), else gzip, else none. Explicit q-values are honoured, q=0
 * refuses, `*` stands for any encoding not named, and `identity` needs nothing from us.
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

// Clients send a handful of distinct Accept-Encoding headers: each is parsed once, not per request.
const picked = new Map<string, Encoding | null>();
function encodingFor(header: string | undefined): Encoding | null {
  if (!header) return null;
  let e = picked.get(header);
  if (e === undefined) {
    if (picked.size >= 256) picked.clear();
    e = pickEncoding(header);
    picked.set(header, e);
  }
  return e;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Compresses on libuv's pool, so a 2 MB file does not stall every other request meanwhile. */
function compress(body: Uint8Array, enc: Encoding): Promise<Uint8Array> {
  if (enc === "gzip") return gzipAsync(body, { level: 9 });
  return brotliAsync(body, {
    params: {
      // Quality 11 costs seconds on the 2 MB files; 9 is within a few per cent of it.
      [zlibConstants.BROTLI_PARAM_QUALITY]: body.byteLength > 256 * 1024 ? 9 : 11,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  });
}

/** What is worked out once per body: whether it compresses, its twins, and their ETags. */
interface Twins {
  can: boolean;
  etag: Record<Encoding, string>;
  done: Partial<Record<Encoding, Uint8Array>>;
  pending: Partial<Record<Encoding, Promise<Uint8Array>>>;
}

// Keyed on the body object, so the twins go when the cache entry holding the body goes.
const twinsOf = new WeakMap<Rendered, Twins>();

function twins(r: Rendered): Twins {
  let t = twinsOf.get(r);
  if (!t) {
    const stem = r.etag.slice(0, -1);
    t = {
      can: r.body.byteLength >= COMPRESS_MIN_BYTES && compressible(r.type),
      // A strong validator names the bytes, so each encoding has its own.
      etag: { gzip: `${stem}-gz"`, br: `${stem}-br"` },
      done: {},
      pending: {},
    };
    twinsOf.set(r, t);
  }
  return t;
}

/** The body in an encoding: compressed the first time it is asked for, then kept. */
function encoded(r: Rendered, t: Twins, enc: Encoding): Uint8Array | Promise<Uint8Array> {
  const hit = t.done[enc];
  if (hit) return hit;
  let p = t.pending[enc];
  if (!p) {
    p = compress(r.body, enc).then((out) => {
      t.done[enc] = out;
      return out;
    });
    // A failure is not kept: the next request tries again.
    p.finally(() => delete t.pending[enc]).catch(() => {});
    t.pending[enc] = p;
  }
  return p;
}

interface Req {
  header(name: string): string | undefined;
  method: string;
}

function ok(headers: Record<string, string>, head: boolean, body: Uint8Array): Response {
  return new Response(head ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
}

/**
 * A body as an HTTP response: brotli or gzip when the client takes it and the type compresses,
 * or a 304 when If-None-Match names the body or any of its twins. `cacheControl` applies unless
 * the body carries its own. A HEAD gets the headers alone.
 */
export function send(req: Req, r: Rendered, cacheControl: string): Response | Promise<Response> {
  const t = twins(r);
  const enc = t.can ? encodingFor(req.header("accept-encoding")) : null;
  const etag = enc ? t.etag[enc] : r.etag;
  const inm = req.header("if-none-match");
  if (inm && (matchesEtag(inm, r.etag) || matchesEtag(inm, t.etag.gzip) || matchesEtag(inm, t.etag.br))) {
    const { "content-disposition": _d, ...rest } = r.headers;
    const headers: Record<string, string> = { "cache-control": cacheControl, ...rest, etag };
    if (t.can) headers.vary = "accept-encoding";
    return new Response(null, { status: 304, headers });
  }
  const headers: Record<string, string> = { "content-type": r.type, "cache-control": cacheControl, ...r.headers, etag };
  if (t.can) headers.vary = "accept-encoding";
  const head = req.method === "HEAD";
  if (!enc) return ok(headers, head, r.body);
  headers["content-encoding"] = enc;
  const out = encoded(r, t, enc);
  return out instanceof Uint8Array ? ok(headers, head, out) : out.then((b) => ok(headers, head, b));
}
