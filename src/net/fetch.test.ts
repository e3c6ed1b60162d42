// The shared outbound client (src/net/fetch.ts) as its three callers use it: what `sync` reads from
// a result (Content-Disposition, final URL, validators, decoded bodies, size limits), what
// `moa fetch` reports for each kind of failure, and how a webhook POST fails. Loopback is allowed
// here for the one server each case starts, and nothing else.
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "../alerts/webhook.js";
import { downloadPdf, FetchRejected } from "../moa/fetch.js";
import { FetchError, type FetchOptions, fetchUrl } from "./fetch.js";

const PDF = Buffer.from(`%PDF-1.4\n${"0123456789abcdef\n".repeat(200)}%%EOF\n`);

let base = "";
let host = "";
const hits = new Map<string, number>();
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    const n = (hits.get(p) ?? 0) + 1;
    hits.set(p, n);
    switch (p) {
      case "/list": {
        const body = zlib.gzipSync(Buffer.from("a,b\n1,2\n"));
        return res
          .writeHead(200, {
            "content-type": "text/csv",
            "content-encoding": "gzip",
            "content-disposition": 'attachment; filename="participatingAgencies05182026am.xlsx"',
            etag: '"v1"',
            "last-modified": "Mon, 18 May 2026 12:00:00 GMT",
          })
          .end(body);
      }
      case "/moved":
        return res.writeHead(301, { location: "/list" }).end();
      case "/cond":
        return req.headers["if-none-match"] === '"v1"'
          ? res.writeHead(304, { etag: '"v1"' }).end()
          : res.writeHead(200, { etag: '"v1"' }).end("x");
      case "/big":
        return res.writeHead(200).end(Buffer.alloc(5000));
      case "/ok.pdf":
        return res.writeHead(200, { "content-type": "application/pdf" }).end(PDF);
      case "/flaky.pdf":
        return n === 1 ? res.writeHead(503).end("busy") : res.writeHead(200).end(PDF);
      case "/missing.pdf":
        return res.writeHead(404).end("no");
      case "/blocked.pdf":
        return res.writeHead(200, { "content-type": "text/html" }).end("<html><title>Access Denied</title></html>");
      case "/cut.pdf":
        res.writeHead(200, { "content-length": String(PDF.length) });
        res.write(PDF.subarray(0, 500));
        setTimeout(() => res.destroy(), 20);
        return;
      case "/hook-302":
        return res.writeHead(302, { location: "/elsewhere" }).end();
      case "/hook-500-once":
        return res.writeHead(n === 1 ? 500 : 204).end();
      case "/hook-silent":
        return; // never answers
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  host = `127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const opts = (o: Partial<FetchOptions> = {}): FetchOptions => ({
  http: { connectTimeoutMs: 2000, readTimeoutMs: 2000, retries: 2, backoffBaseMs: 5, backoffMaxMs: 20, userAgent: "t" },
  accept: "*/*",
  maxBytes: 1 << 20,
  policy: { allowLoopback: [host] },
  ...o,
});

describe("what sync reads from a result", () => {
  it("the final URL after a redirect, Content-Disposition, ETag and Last-Modified, the body decoded", async () => {
    const r = await fetchUrl(`${base}/moved`, opts());
    expect(r).toMatchObject({
      requestedUrl: `${base}/moved`,
      url: `${base}/list`,
      status: 200,
      contentDisposition: 'attachment; filename="participatingAgencies05182026am.xlsx"',
      etag: '"v1"',
      lastModified: "Mon, 18 May 2026 12:00:00 GMT",
      attempts: 1,
    });
    expect(r.headers["content-disposition"]).toBe(r.contentDisposition);
    expect(new TextDecoder().decode(r.bytes)).toBe("a,b\n1,2\n");
  });

  it("a conditional request answered 304 is a result with no body", async () => {
    const r = await fetchUrl(`${base}/cond`, opts({ headers: { "If-None-Match": '"v1"' } }));
    expect(r).toMatchObject({ status: 304, etag: '"v1"' });
    expect(r.bytes.length).toBe(0);
  });

  it("a body over the limit is refused, not retried", async () => {
    const e = await fetchUrl(`${base}/big`, opts({ maxBytes: 1000 })).catch((x) => x);
    expect(e).toBeInstanceOf(FetchError);
    expect(e).toMatchObject({ failure: "too_large", attempts: 1 });
    expect(hits.get("/big")).toBe(1);
  });
});

describe("what `moa fetch` reports", () => {
  const quick = { retries: 2, backoffMs: 5, timeoutMs: 5000, allowLoopback: [] as string[] };
  const reason = async (p: string) => {
    try {
      await downloadPdf(`${base}${p}`, { ...quick, allowLoopback: [host] });
      return "accepted";
    } catch (e) {
      expect(e).toBeInstanceOf(FetchRejected);
      return (e as FetchRejected).reason;
    }
  };

  it("takes a PDF, and one after a 503", async () => {
    expect(await reason("/ok.pdf")).toBe("accepted");
    expect(await reason("/flaky.pdf")).toBe("accepted");
    expect(hits.get("/flaky.pdf")).toBe(2);
  });

  it("names each refusal in one line; a 404 and a block page are not retried", async () => {
    expect(await reason("/missing.pdf")).toBe("HTTP 404");
    expect(hits.get("/missing.pdf")).toBe(1);
    expect(await reason("/blocked.pdf")).toBe('an HTML page, not a PDF ("Access Denied"): an error or block page');
    expect(await reason("/cut.pdf")).toMatch(
      /^truncated: body cut off after 500 bytes of \d+ .* \(after 3 attempts\)$/,
    );
  });

  it("refuses loopback outside the test mode, before sending", async () => {
    const before = hits.get("/ok.pdf") ?? 0;
    await expect(downloadPdf(`${base}/ok.pdf`, quick)).rejects.toThrow(/127\.0\.0\.1 is loopback/);
    expect(hits.get("/ok.pdf") ?? 0).toBe(before);
  });
});

describe("how a webhook POST fails", () => {
  const o = { allowLoopback: [] as string[], backoffMs: 1 };
  it("a 3xx is a failure, not followed, not retried", async () => {
    o.allowLoopback = [host];
    expect(await postWebhook(`${base}/hook-302`, "k", "ob_1", () => "{}", o)).toEqual({
      ok: false,
      error: "HTTP 302 (redirects are not followed)",
      retryable: false,
      attempts: 1,
    });
    expect(hits.get("/elsewhere")).toBeUndefined();
  });
  it("a 500 is retried in the run", async () => {
    expect(await postWebhook(`${base}/hook-500-once`, "k", "ob_1", () => "{}", o)).toEqual({
      ok: true,
      status: 204,
      attempts: 2,
    });
  });
  it("a receiver that never answers times out on each attempt", async () => {
    const t0 = Date.now();
    const r = await postWebhook(`${base}/hook-silent`, "k", "ob_1", () => "{}", { ...o, timeoutMs: 200, attempts: 2 });
    expect(r).toMatchObject({ ok: false, error: "timed out after 200 ms", attempts: 2, retryable: true });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
