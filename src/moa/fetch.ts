// Downloads one MOA or addendum PDF the way a browser would (ICE's firewall turns away plain
// scripts), with a timeout, retries with backoff, and checks on the bytes before anything is kept:
// ICE has served HTML error pages with status 200 where a file should be.
import { createHash } from "node:crypto";

export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

export interface FetchOptions {
  timeoutMs: number; // per attempt, headers and body together
  retries: number; // extra attempts after a network error, a timeout, 408, 429 or a 5xx
  backoffMs: number; // first wait; doubled after each failed attempt
  maxBytes: number;
  userAgent: string;
  fetchImpl?: typeof fetch;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Retryable extends Error {}

async function attempt(url: string, o: FetchOptions): Promise<Download> {
  const doFetch = o.fetchImpl ?? fetch;
  const signal = AbortSignal.timeout(o.timeoutMs);
  let res: Response;
  try {
    res = await doFetch(url, {
      redirect: "follow",
      signal,
      headers: {
        "User-Agent": o.userAgent,
        Accept: "application/pdf,application/octet-stream;q=0.9,*/*;q=0.8",
        "Accept-Language": "en-US,en;q=0.9",
      },
    });
  } catch (e) {
    throw new Retryable(signal.aborted ? `no answer within ${o.timeoutMs} ms` : `network error: ${causeOf(e)}`);
  }
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    await res.body?.cancel().catch(() => {});
    throw new Retryable(`HTTP ${res.status}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new FetchRejected(url, `HTTP ${res.status}`, res.status);
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > o.maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new FetchRejected(url, `${declared} bytes declared: over the ${o.maxBytes}-byte limit`, res.status);
  }
  // Read with a running limit rather than trusting Content-Length.
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body ?? []) {
      total += chunk.length;
      if (total > o.maxBytes) throw new FetchRejected(url, `over the ${o.maxBytes}-byte limit`, res.status);
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof FetchRejected) throw e;
    throw new Retryable(
      signal.aborted
        ? `the body did not arrive within ${o.timeoutMs} ms`
        : `truncated: the connection closed after ${total} bytes (${causeOf(e)})`,
    );
  }
  const bytes = Buffer.concat(chunks);
  if (Number.isFinite(declared) && declared !== bytes.length)
    throw new Retryable(`truncated: ${bytes.length} of ${declared} bytes`);
  const contentType = res.headers.get("content-type");
  const bad = checkPdf(bytes, { maxBytes: o.maxBytes, contentType });
  if (bad) throw new FetchRejected(url, bad, res.status);
  return {
    url,
    finalUrl: res.url || url,
    status: res.status,
    contentType,
    retrievedAt: new Date().toISOString(),
    bytes: new Uint8Array(bytes),
    sha256: sha256(bytes),
  };
}

function causeOf(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** Downloads a PDF or throws FetchRejected with the reason; retries only what may pass next time. */
export async function downloadPdf(url: string, opts: Partial<FetchOptions> = {}): Promise<Download> {
  const o = { ...DEFAULT_FETCH, ...opts };
  let wait = o.backoffMs;
  for (let i = 0; ; i++) {
    try {
      return await attempt(url, o);
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      if (i >= o.retries) throw new FetchRejected(url, `${e.message} (after ${i + 1} attempts)`);
      await sleep(wait);
      wait *= 2;
    }
  }
}
