// Downloads one MOA or addendum PDF the way a browser would (ICE's firewall turns away plain
// scripts), through the shared outbound client (src/net/fetch.ts), and checks the bytes before
// anything is kept: ICE has served HTML error pages with status 200 where a file should be.
import { createHash } from "node:crypto";
import { BROWSER_USER_AGENT, FetchError, type FetchResult, fetchUrl } from "../net/fetch.js";
import type { LoopbackAllowance } from "../net/policy.js";

export { BROWSER_USER_AGENT } from "../net/fetch.js";

export interface FetchOptions {
  timeoutMs: number; // per attempt, headers and body together
  retries: number; // extra attempts after a network error, a timeout, 408, 429 or a 5xx
  backoffMs: number; // first wait; doubled after each failed attempt
  maxBytes: number;
  userAgent: string;
  /** Hosts a download or its redirects may go to; default: the URL's own host. */
  allowHosts?: readonly string[];
  /** Test mode (see src/net/policy.ts); default $G287_ALLOW_LOOPBACK. */
  allowLoopback?: LoopbackAllowance;
}

export const DEFAULT_FETCH: FetchOptions = {
  timeoutMs: 30_000,
  retries: 2,
  backoffMs: 2_000,
  maxBytes: 50 * 1024 * 1024,
  userAgent: BROWSER_USER_AGENT,
};

/** The smallest file we accept: a signed MOA is tens of kilobytes; a few hundred bytes is an error. */
export const MIN_PDF_BYTES = 1024;

export interface Download {
  url: string;
  finalUrl: string;
  status: number;
  contentType: string | null;
  retrievedAt: string;
  bytes: Uint8Array;
  sha256: string;
}

/** A download that was refused: nothing from it is kept. */
export class FetchRejected extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly status: number | null = null,
  ) {
    super(`${url}: ${reason}`);
    this.name = "FetchRejected";
  }
}

const enc = new TextDecoder("latin1");

/**
 * Why these bytes are not a whole PDF, or null when they are. Checks: not an HTML page, the
 * `%PDF-` signature within the first kilobyte (the format allows a little junk before it), an
 * `%%EOF` marker in the last kilobyte (a cut-off download has none), and the size.
 */
export function checkPdf(
  bytes: Uint8Array,
  opts: { maxBytes?: number; contentType?: string | null } = {},
): string | null {
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH.maxBytes;
  const head = enc.decode(bytes.subarray(0, 1024));
  const lead = head
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart()
    .slice(0, 64)
    .toLowerCase();
  if (lead.startsWith("<") || /^text\/html|^application\/xhtml/i.test(opts.contentType ?? "")) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(head)?.[1]?.trim();
    return `an HTML page, not a PDF${title ? ` ("${title}")` : ""}: an error or block page`;
  }
  if (bytes.length < MIN_PDF_BYTES) return `only ${bytes.length} bytes: too small to be an MOA`;
  if (bytes.length > maxBytes) return `${bytes.length} bytes: over the ${maxBytes}-byte limit`;
  if (!head.includes("%PDF-")) return "not a PDF (no %PDF- signature at the start)";
  const tail = enc.decode(bytes.subarray(Math.max(0, bytes.length - 1024)));
  if (!tail.includes("%%EOF")) return "truncated: the file does not end with a %%EOF marker";
  return null;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Why a failed request was refused, in the words `moa fetch` reports. */
function reasonOf(e: FetchError, o: FetchOptions): string {
  const after = e.attempts > 1 ? ` (after ${e.attempts} attempts)` : "";
  switch (e.failure) {
    case "http":
      return `HTTP ${e.status}${after}`;
    case "truncated":
      return `truncated: ${e.message}${after}`;
    case "timeout":
      return `no answer within ${o.timeoutMs} ms: ${e.message}${after}`;
    case "too_large":
      return `over the ${o.maxBytes}-byte limit`;
    case "network":
      return `network error: ${e.message}${after}`;
    default:
      return e.message;
  }
}

/**
 * Downloads a PDF through the shared outbound client, or throws FetchRejected with the reason.
 * Redirects go only to `allowHosts` (default: the URL's own host); private addresses never.
 */
export async function downloadPdf(url: string, opts: Partial<FetchOptions> = {}): Promise<Download> {
  const o = { ...DEFAULT_FETCH, ...opts };
  let res: FetchResult;
  try {
    res = await fetchUrl(url, {
      http: {
        connectTimeoutMs: Math.min(o.timeoutMs, 15_000),
        readTimeoutMs: o.timeoutMs,
        totalTimeoutMs: o.timeoutMs,
        retries: o.retries,
        backoffBaseMs: o.backoffMs,
        backoffMaxMs: Math.max(o.backoffMs, 60_000),
        userAgent: o.userAgent,
      },
      accept: "application/pdf,application/octet-stream;q=0.9,*/*;q=0.8",
      maxBytes: o.maxBytes,
      policy: { allowHosts: o.allowHosts, allowLoopback: o.allowLoopback },
    });
  } catch (e) {
    if (e instanceof FetchError) throw new FetchRejected(url, reasonOf(e, o), e.status ?? null);
    throw e;
  }
  if (res.status !== 200) throw new FetchRejected(url, `HTTP ${res.status}`, res.status);
  const contentType = res.headers["content-type"] ?? null;
  const bad = checkPdf(res.bytes, { maxBytes: o.maxBytes, contentType });
  if (bad) throw new FetchRejected(url, bad, res.status);
  return {
    url,
    finalUrl: res.url,
    status: res.status,
    contentType,
    retrievedAt: res.retrievedAt,
    bytes: res.bytes,
    sha256: sha256(res.bytes),
  };
}
