// The one HTTP client for everything g287 fetches or sends: ICE's page and lists, mirrors, MOA PDFs
// and webhooks. Every hop is checked against the outbound policy (policy.ts) and connects to the
// address that was checked; each attempt has connect and idle timeouts and a total deadline, and
// the body is capped while it streams in. Retries back off with jitter and honour Retry-After.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import { checkTarget, type OutboundPolicy, PolicyError, type Resolved } from "./policy.js";

/** A desktop Chrome on Linux: what a person downloading the list would send. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

export interface HttpSettings {
  connectTimeoutMs: number;
  /** Longest silence allowed while waiting for the response or between two chunks of its body. */
  readTimeoutMs: number;
  /**
   * Longest one attempt may take, redirects and body included: a server trickling a byte at a
   * time never trips the idle timeout, so this is what bounds it. Default 2 minutes.
   */
  totalTimeoutMs?: number;
  /** Retries after the first attempt (so `retries: 3` makes at most four requests). */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  userAgent: string;
  /** Hosts requests and redirects may go to (see OutboundPolicy.allowHosts). */
  allowHosts?: readonly string[];
}

export const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;

export const DEFAULT_HTTP: HttpSettings = {
  connectTimeoutMs: 15_000,
  readTimeoutMs: 30_000,
  totalTimeoutMs: DEFAULT_TOTAL_TIMEOUT_MS,
  retries: 3,
  backoffBaseMs: 2_000,
  backoffMaxMs: 60_000,
  userAgent: BROWSER_USER_AGENT,
};

export interface FetchOptions {
  http: HttpSettings;
  accept: string;
  /** The body is cut off and rejected as soon as it grows past this many bytes. */
  maxBytes: number;
  /** Extra request headers: If-None-Match, If-Modified-Since, Referer. */
  headers?: Record<string, string>;
  /** GET unless set; a POST body is sent as given. */
  method?: "GET" | "POST";
  body?: string | Uint8Array;
  /** Redirects followed (default 5); 0 hands a 3xx back as the result. */
  maxRedirects?: number;
  /** Where requests may go; `http.allowHosts` fills allowHosts when this has none. */
  policy?: OutboundPolicy;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  onRetry?: (r: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface FetchResult {
  /** The URL asked for, and the one that answered after redirects. */
  requestedUrl: string;
  url: string;
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The Content-Disposition header (ICE names its downloads there), or null. */
  contentDisposition: string | null;
  etag: string | null;
  lastModified: string | null;
  bytes: Uint8Array;
  retrievedAt: string;
  attempts: number;
}

export type FetchFailure =
  | "timeout"
  | "deadline"
  | "network"
  | "http"
  | "too_large"
  | "truncated"
  | "aborted"
  | "redirects"
  | "refused";

export class FetchError extends Error {
  readonly url: string;
  readonly failure: FetchFailure;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  attempts = 1;

  constructor(
    url: string,
    failure: FetchFailure,
    message: string,
    o: { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "FetchError";
    this.url = url;
    this.failure = failure;
    this.status = o.status;
    this.retryable = o.retryable ?? false;
    this.retryAfterMs = o.retryAfterMs;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Sleeps, waking early (and rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Delay before retry `attempt` (0-based): base·2^attempt capped at max, half of it fixed and half
 * random ("equal jitter"), so many clients retrying at once spread out but never retry at once.
 * A server's Retry-After is honoured up to the cap.
 */
export function backoffDelay(
  attempt: number,
  s: Pick<HttpSettings, "backoffBaseMs" | "backoffMaxMs">,
  random: () => number,
  retryAfterMs?: number,
): number {
  const d = Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** attempt);
  const jittered = d / 2 + random() * (d / 2);
  return Math.round(Math.min(s.backoffMaxMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** `Retry-After: 120` or an HTTP date → milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime());
}

function headerMap(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** A lookup that answers with the address already checked, whatever DNS would say now. */
function pinnedLookup(to: Resolved): LookupFunction {
  return ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address: to.address, family: to.family }]);
    else cb(null, to.address, to.family);
  }) as unknown as LookupFunction;
}

type Answer = Omit<FetchResult, "requestedUrl" | "attempts">;
type Once = { redirect: string; answer: Answer } | { result: Answer };

const answer = (url: string, status: number, h: Record<string, string>, bytes: Uint8Array, at: string): Answer => ({
  url,
  status,
  headers: h,
  contentDisposition: h["content-disposition"] ?? null,
  etag: h.etag ?? null,
  lastModified: h["last-modified"] ?? null,
  bytes,
  retrievedAt: at,
});

/** One request to an address already checked: no redirects followed and no retries. */
function requestOnce(
  url: string,
  to: Resolved,
  headers: Record<string, string>,
  o: FetchOptions,
  deadline: { at: number; ms: number },
): Promise<Once> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const now = o.now ?? (() => new Date());
    const { connectTimeoutMs, readTimeoutMs } = o.http;
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const clear = () => {
      clearTimeout(connectTimer);
      clearTimeout(idleTimer);
      clearTimeout(deadlineTimer);
      o.signal?.removeEventListener("abort", onAbort);
    };
    const fail = (e: FetchError) => {
      if (settled) return;
      settled = true;
      clear();
      req.destroy();
      reject(e);
    };
    const done = (v: Once) => {
      if (settled) return;
      settled = true;
      clear();
      resolve(v);
    };
    // Re-armed on every sign of life: a slow but steady download is fine, a stalled one is not.
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () =>
          fail(new FetchError(url, "timeout", `no data for ${readTimeoutMs} ms (read timeout)`, { retryable: true })),
        readTimeoutMs,
      );
    };
    const onAbort = () => fail(new FetchError(url, "aborted", "stopped"));
    const deadlineTimer = setTimeout(
      () => fail(new FetchError(url, "deadline", `not finished within the ${deadline.ms} ms deadline`)),
      Math.max(0, deadline.at - Date.now()),
    );

    const body = o.body === undefined ? undefined : typeof o.body === "string" ? Buffer.from(o.body) : o.body;
    const req = mod.request(u, {
      method: o.method ?? "GET",
      headers: body ? { ...headers, "Content-Length": String(body.length) } : headers,
      agent: false,
      // Even when Node asks for every address (autoSelectFamily), it gets only the one checked.
      lookup: pinnedLookup(to),
    });
    if (o.signal?.aborted) return fail(new FetchError(url, "aborted", "stopped"));
    o.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("socket", (socket) => {
      connectTimer = setTimeout(
        () =>
          fail(
            new FetchError(url, "timeout", `no connection within ${connectTimeoutMs} ms (connect timeout)`, {
              retryable: true,
            }),
          ),
        connectTimeoutMs,
      );
      socket.once(u.protocol === "https:" ? "secureConnect" : "connect", () => {
        clearTimeout(connectTimer);
        armIdle();
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      fail(new FetchError(url, "network", `${e.code ?? "network error"}: ${e.message}`, { retryable: true })),
    );
    req.on("response", (res) => {
      armIdle();
      const status = res.statusCode ?? 0;
      const h = headerMap(res.headers);
      if (REDIRECTS.has(status) && h.location) {
        res.resume();
        let next: string;
        try {
          next = new URL(h.location, url).href;
        } catch {
          return fail(new FetchError(url, "redirects", `HTTP ${status} to an invalid Location`, { status }));
        }
        return done({ redirect: next, answer: answer(url, status, h, new Uint8Array(0), now().toISOString()) });
      }
      if (status === 304 || (o.maxRedirects === 0 && status >= 300 && status < 400)) {
        res.resume();
        return done({ result: answer(url, status, h, new Uint8Array(0), now().toISOString()) });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        const retryable = status >= 500 || status === 429 || status === 408;
        return fail(
          new FetchError(url, "http", `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`, {
            status,
            retryable,
            retryAfterMs: parseRetryAfter(h["retry-after"], now()),
          }),
        );
      }
      const declared = h["content-length"] !== undefined ? Number(h["content-length"]) : undefined;
      const tooLarge = (n: number) =>
        new FetchError(url, "too_large", `response larger than the ${o.maxBytes}-byte limit (${n} bytes or more)`, {
          status,
        });
      if (declared !== undefined && declared > o.maxBytes && !h["content-encoding"]) return fail(tooLarge(declared));

      let raw = 0;
      let ended = false;
      const chunks: Buffer[] = [];
      let size = 0;
      const decoder = decoderFor(h["content-encoding"]);
      const stream: Readable = decoder ? res.pipe(decoder) : res;
      res.on("data", (c: Buffer) => {
        raw += c.length;
        armIdle();
        if (raw > o.maxBytes * 4) fail(tooLarge(raw));
      });
      stream.on("data", (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) return fail(tooLarge(size));
        chunks.push(c);
      });
      const truncated = (why: string) =>
        new FetchError(
          url,
          "truncated",
          `body cut off after ${raw} bytes${declared !== undefined ? ` of ${declared}` : ""} (${why})`,
          { status, retryable: true },
        );
      res.on("error", (e) => fail(truncated(e.message)));
      res.on("close", () => {
        if (!ended && !res.complete) fail(truncated("connection closed"));
      });
      decoder?.on("error", (e) => fail(truncated(`cannot decode ${h["content-encoding"]}: ${e.message}`)));
      stream.on("end", () => {
        ended = true;
        if (!res.complete) return fail(truncated("connection closed"));
        if (declared !== undefined && raw < declared) return fail(truncated("shorter than Content-Length"));
        done({
          result: answer(url, status, h, new Uint8Array(Buffer.concat(chunks)), now().toISOString()),
        });
      });
    });
    req.end(body);
  });
}

/** The policy for one call: its own, with the settings' host list when it names none. */
function policyOf(o: FetchOptions, first: string): OutboundPolicy {
  const p = o.policy ?? {};
  const allowHosts = p.allowHosts ?? o.http.allowHosts ?? [new URL(first).hostname];
  return { ...p, allowHosts };
}

/**
 * One attempt: the request and the redirects it leads to, each hop checked before it is sent, all
 * within one deadline.
 */
async function attemptOnce(url: string, headers: Record<string, string>, o: FetchOptions): Promise<Answer> {
  const ms = o.http.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const deadline = { at: Date.now() + ms, ms };
  const policy = policyOf(o, url);
  const maxRedirects = o.maxRedirects ?? MAX_REDIRECTS;
  let current = url;
  for (let hops = 0; ; hops++) {
    let to: Resolved;
    try {
      to = await checkTarget(current, policy);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      if (e.kind === "unresolved") throw new FetchError(current, "network", e.reason, { retryable: true });
      const where = current === url ? "" : ` (redirected from ${url})`;
      throw new FetchError(current, "refused", `refused${where}: ${e.reason}`);
    }
    if (Date.now() >= deadline.at)
      throw new FetchError(current, "deadline", `not finished within the ${ms} ms deadline`);
    const r = await requestOnce(current, to, headers, o, deadline);
    if ("result" in r) return r.result;
    if (hops >= maxRedirects) {
      if (maxRedirects === 0) return r.answer;
      throw new FetchError(url, "redirects", `more than ${maxRedirects} redirects`);
    }
    current = r.redirect;
  }
}

/**
 * A request with redirects (each checked against the policy) and retries on 5xx, 408, 429,
 * timeouts and dropped connections; never on other 4xx, a refusal or a blown deadline.
 */
export async function fetchUrl(url: string, o: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = {
    "User-Agent": o.http.userAgent,
    ...(o.accept ? { Accept: o.accept } : {}),
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br",
    ...o.headers,
  };
  const wait = o.sleep ?? sleep;
  const random = o.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await attemptOnce(url, headers, o);
      return { ...r, requestedUrl: url, attempts: attempt + 1 };
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      e.attempts = attempt + 1;
      if (!e.retryable || attempt >= o.http.retries || o.signal?.aborted) throw e;
      const delayMs = backoffDelay(attempt, o.http, random, e.retryAfterMs);
      o.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: e.message });
      try {
        await wait(delayMs, o.signal);
      } catch {
        throw new FetchError(url, "aborted", "stopped");
      }
    }
  }
}
