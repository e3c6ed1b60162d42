// The one response path: content negotiation, the twins' ETags and 304s, Vary, HEAD.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { pickEncoding, rendered, send } from "./respond.js";

const req = (headers: Record<string, string> = {}, method = "GET") => ({
  method,
  header: (name: string) => headers[name],
});

const big = rendered(
  `${JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `agency ${i}` })))}\n`,
  "application/json; charset=utf-8",
);
const bytes = async (r: Response) => Buffer.from(await r.arrayBuffer());

describe("pickEncoding", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["identity", null],
    ["gzip", "gzip"],
    ["gzip, deflate", "gzip"],
    ["gzip, deflate, br, zstd", "br"],
    ["br;q=0.5, gzip", "gzip"],
    ["br;q=0, gzip;q=0.1", "gzip"],
    ["gzip;q=0, br;q=0", null],
    ["*", "br"],
    ["*;q=0.2, br;q=0", "gzip"],
    ["GZIP", "gzip"],
    ["deflate", null],
  ])("%s → %s", (header, want) => {
    expect(pickEncoding(header)).toBe(want);
  });
});

describe("send", () => {
  it("sends the bytes as they are to a client that takes no compression, with Vary", async () => {
    const r = await send(req(), big, "public, max-age=60");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-encoding")).toBeNull();
    expect(r.headers.get("vary")).toBe("accept-encoding");
    expect(r.headers.get("etag")).toBe(big.etag);
    expect(r.headers.get("cache-control")).toBe("public, max-age=60");
    expect((await bytes(r)).equals(Buffer.from(big.body))).toBe(true);
  });

  it("brotli or gzip as asked, the same bytes inside, each twin with its own ETag, compressed once", async () => {
    const br = await send(req({ "accept-encoding": "gzip, deflate, br" }), big, "x");
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("etag")).toBe(`${big.etag.slice(0, -1)}-br"`);
    const brBytes = await bytes(br);
    expect(brotliDecompressSync(brBytes).equals(Buffer.from(big.body))).toBe(true);
    const gz = await send(req({ "accept-encoding": "gzip" }), big, "x");
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gz.headers.get("etag")).toBe(`${big.etag.slice(0, -1)}-gz"`);
    expect(gunzipSync(await bytes(gz)).equals(Buffer.from(big.body))).toBe(true);
    // Once compressed, the twin is answered at once, not as a promise.
    const again = send(req({ "accept-encoding": "br" }), big, "x");
    expect(again).toBeInstanceOf(Response);
    expect((await bytes(again as Response)).equals(brBytes)).toBe(true);
  });

  it("304 when If-None-Match names the body or any twin, without the body's type or disposition", async () => {
    const pdfish = rendered(big.body, "application/json; charset=utf-8", { "content-disposition": "attachment" });
    for (const tag of [pdfish.etag, `${pdfish.etag.slice(0, -1)}-gz"`, `W/${pdfish.etag.slice(0, -1)}-br"`, "*"]) {
      const r = await send(req({ "if-none-match": tag, "accept-encoding": "gzip" }), pdfish, "no-cache");
      expect(r.status, tag).toBe(304);
      expect(r.headers.get("etag")).toBe(`${pdfish.etag.slice(0, -1)}-gz"`);
      expect(r.headers.get("content-type")).toBeNull();
      expect(r.headers.get("content-disposition")).toBeNull();
      expect(r.headers.get("vary")).toBe("accept-encoding");
    }
    expect((await send(req({ "if-none-match": '"stale"' }), pdfish, "no-cache")).status).toBe(200);
  });

  it("small bodies and types that are compressed already go as they are, without Vary", async () => {
    const small = rendered("{}\n", "application/json; charset=utf-8");
    const pdf = rendered(Buffer.alloc(4096, 1), "application/pdf");
    for (const b of [small, pdf]) {
      const r = await send(req({ "accept-encoding": "br" }), b, "no-cache");
      expect(r.headers.get("content-encoding")).toBeNull();
      expect(r.headers.get("vary")).toBeNull();
      expect((await bytes(r)).equals(Buffer.from(b.body))).toBe(true);
    }
  });

  it("a body's own cache-control wins; a HEAD gets the headers alone", async () => {
    const feed = rendered(big.body, "application/atom+xml; charset=utf-8", { "cache-control": "public, max-age=300" });
    const r = await send(req({ "accept-encoding": "gzip" }, "HEAD"), feed, "public, max-age=60");
    expect(r.headers.get("cache-control")).toBe("public, max-age=300");
    expect(r.headers.get("content-encoding")).toBe("gzip");
    expect(r.body).toBeNull();
  });
});
