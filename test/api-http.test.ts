// The HTTP side of the API in-process (app.request) on the real archive ledger: ETag/304 and
// compression, bad parameters and 404s, security headers and the admin check, the web app and its
// data files, the version cache, `g287 serve`, and a new list moving every answer.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../src/pipeline/ingest.js";
import { createApp } from "../src/server/app.js";
import { VersionedCache } from "../src/server/cache.js";
import { requireAdmin } from "../src/server/security.js";
import { openStore, type Store } from "../src/store/db.js";
import { type App, apiHelpers, type Json, openArchiveApp } from "./api-helpers.js";
import { BIN, cli, copyArchiveDb, fakeWebDist, readList, writeXlsx } from "./helpers.js";
import { realList } from "./lists.js";

let store: Store;
let app: App;
const { getError } = apiHelpers(() => app);

beforeAll(async () => {
  ({ store, app } = await openArchiveApp());
});
afterAll(() => store.close());

describe("ETag and Cache-Control", () => {
  it("every answer has an ETag; If-None-Match gives 304 with no body; a changed tag gives 200", async () => {
    const kinds = [
      "/api/v1/agreements?as_of=2021-01-13",
      "/api/v1/agreements.csv?as_of=2021-01-13",
      "/api/openapi.json",
    ];
    for (const url of kinds) {
      const r = await app.request(url);
      expect(r.status).toBe(200);
      const tag = r.headers.get("etag") as string;
      expect(tag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(r.headers.get("cache-control")).toMatch(/max-age=\d+/);
      const again = await app.request(url, { headers: { "If-None-Match": tag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(tag);
      expect((await app.request(url, { headers: { "If-None-Match": `W/${tag}` } })).status).toBe(304);
      expect((await app.request(url, { headers: { "If-None-Match": `"other", ${tag}` } })).status).toBe(304);
      expect((await app.request(url, { headers: { "If-None-Match": '"stale"' } })).status).toBe(200);
    }
    const j = (await app.request("/api/v1/agreements?as_of=2021-01-13")).headers.get("etag");
    const c = (await app.request("/api/v1/agreements.csv?as_of=2021-01-13")).headers.get("etag");
    const other = (await app.request("/api/v1/agreements?as_of=2021-01-14")).headers.get("etag");
    expect(new Set([j, c, other]).size).toBe(3);
  });

  it("gzip when the client takes it: the same bytes, its own ETag, and either tag gives 304", async () => {
    const url = "/api/v1/agreements?as_of=2021-01-13&limit=all";
    const plain = await app.request(url);
    const bytes = Buffer.from(await plain.arrayBuffer());
    // A client that takes brotli gets brotli (test/web-phone.test.ts); this one takes gzip.
    const z = await app.request(url, { headers: { "Accept-Encoding": "gzip, deflate" } });
    expect(z.headers.get("content-encoding")).toBe("gzip");
    expect(z.headers.get("vary")).toBe("accept-encoding");
    const unzipped = gunzipSync(Buffer.from(await z.arrayBuffer()));
    expect(unzipped.equals(bytes)).toBe(true);
    const tag = plain.headers.get("etag") as string;
    expect(z.headers.get("etag")).toBe(`${tag.slice(0, -1)}-gz"`);
    for (const t of [tag, z.headers.get("etag") as string]) {
      const r = await app.request(url, { headers: { "If-None-Match": t, "Accept-Encoding": "gzip" } });
      expect(r.status).toBe(304);
    }
    // Tiny bodies go as they are.
    const small = await app.request("/api/v1/politics?state=TX&year=2025&limit=1", {
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(small.headers.get("content-encoding")).toBeNull();
  });

  it("a repeated request is answered from the cache, before validation, with the same bytes", async () => {
    const url = "/api/v1/agreements?state=WY";
    const a = await app.request(url);
    const b = await app.request(url);
    expect(b.headers.get("etag")).toBe(a.headers.get("etag"));
    expect(await b.text()).toBe(await a.text());
    expect(b.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("the ETag is the body's: the same request on a fresh app gives the same tag", async () => {
    const a = createApp({ store, webDist: null });
    const t1 = (await app.request("/api/v1/agencies/al-etowah-county-sheriffs-office")).headers.get("etag");
    const t2 = (await a.request("/api/v1/agencies/al-etowah-county-sheriffs-office")).headers.get("etag");
    expect(t1).toBe(t2);
  });
});

describe("bad parameters and unknown resources", () => {
  const cases: [string, string, string][] = [
    ["/api/v1/agreements?state=ZZ", "state", "bad_parameter"],
    ["/api/v1/agreements?as_of=2021-02-30", "as_of", "bad_parameter"],
    ["/api/v1/agreements?as_of=yesterday", "as_of", "bad_parameter"],
    ["/api/v1/agreements?model=287", "model", "bad_parameter"],
    ["/api/v1/agreements?status=asleep", "status", "bad_parameter"],
    ["/api/v1/agreements?limit=0", "limit", "bad_parameter"],
    ["/api/v1/agreements?limit=1001", "limit", "bad_parameter"],
    ["/api/v1/agreements?limit=ten", "limit", "bad_parameter"],
    ["/api/v1/agreements?state=TX&state=CA", "state", "bad_parameter"],
    ["/api/v1/agreements?sate=TX", "sate", "unknown_parameter"],
    ["/api/v1/agreements.csv?signed_from=2025-13-01", "signed_from", "bad_parameter"],
    ["/api/v1/agencies?county_fips=481", "county_fips", "bad_parameter"],
    ["/api/v1/agencies?type=marshal", "type", "bad_parameter"],
    ["/api/v1/events?type=exploded", "type", "bad_parameter"],
    ["/api/v1/snapshots?status=maybe", "status", "bad_parameter"],
    ["/api/v1/diff?from=2025-01-01", "to", "bad_parameter"],
    ["/api/v1/diff?from=2025-03-01&to=2025-01-01", "to", "bad_parameter"],
    ["/api/v1/stats?by=colour", "by", "bad_parameter"],
    ["/api/v1/stats?by=model&per_capita=true", "per_capita", "bad_parameter"],
    ["/api/v1/timeline?by=week", "by", "bad_parameter"],
    ["/api/v1/status?verbose=1", "verbose", "unknown_parameter"],
    ["/api/v1/moa/search", "q", "bad_parameter"],
    ["/api/v1/claims?file=../etc/passwd", "file", "bad_parameter"],
    ["/feeds/changes.atom?state=Texas", "state", "bad_parameter"],
  ];
  it.each(cases)("%s → 400 naming %s", async (url, parameter, code) => {
    const e = await getError(url, 400);
    expect(e.parameter).toBe(parameter);
    expect(e.code).toBe(code);
    expect(e.message.startsWith(`${parameter}: `)).toBe(true);
  });

  it("a missing parameter is named as required", async () => {
    expect((await getError("/api/v1/diff?to=2025-01-01", 400)).message).toBe("from: required");
  });

  it.each([
    "/api/v1/nothing",
    "/api/v1/agreements.xml",
    "/api/v2/agreements",
    "/api/v1/agencies/xx-no-such-agency",
    "/api/v1/agencies/xx-no-such-agency/listings",
    "/api/v1/snapshots/0000000000000000000000000000000000000000000000000000000000000000",
    "/api/v1/states/ZZ",
    "/api/v1/states/tx",
    "/feeds/nothing.atom",
  ])("%s → 404 in the error shape", async (url) => {
    const e = await getError(url, 404);
    expect(e.code).toBe("not_found");
  });
});

describe("headers, errors and the admin token", () => {
  it("security headers on every kind of response", async () => {
    for (const url of [
      "/api/v1/status",
      "/api/v1/agreements.csv?limit=1",
      "/feeds/changes.atom?limit=1",
      "/",
      "/api/v1/nothing",
    ]) {
      const r = await app.request(url);
      expect(r.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), url).toBe("strict-origin-when-cross-origin");
      expect(r.headers.get("content-security-policy"), url).toBeTruthy();
    }
    const page = await app.request("/");
    const csp = page.headers.get("content-security-policy") as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect((await app.request("/api/v1/status")).headers.get("content-security-policy")).toContain(
      "default-src 'none'",
    );
  });

  it("an internal error is a 500 in the error shape, with no stack or path", async () => {
    const s = await openStore(store.file, { readonly: true });
    const a = createApp({ store: s, webDist: null });
    await s.close();
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const e = await getError("/api/v1/status", 500, a);
      expect(e.code).toBe("internal");
      expect(JSON.stringify(e)).not.toMatch(/\.ts|at |node_modules|Kysely|driver/i);
    } finally {
      process.stderr.write = stderr;
    }
  });

  it("writes need the admin token: 401 in the error shape without it", async () => {
    const none = await app.request("/api/v1/agreements", { method: "POST" });
    expect(none.status).toBe(401);
    expect(((await none.json()) as Json).error.code).toBe("unauthorized");
    const a = createApp({ store, webDist: null, adminToken: "s3cret-token" });
    const wrong = await a.request("/api/v1/agreements", {
      method: "DELETE",
      headers: { Authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    const right = await a.request("/api/v1/agreements", {
      method: "DELETE",
      headers: { Authorization: "Bearer s3cret-token" },
    });
    expect(right.status).toBe(404);
    // The alert subscriptions are mounted under /api/v1, admin only, reads included.
    expect((await a.request("/api/v1/subscriptions")).status).toBe(401);
    const subs = await a.request("/api/v1/subscriptions", { headers: { Authorization: "Bearer s3cret-token" } });
    expect(subs.status).toBe(200);
    expect(((await subs.json()) as Json).count).toBe(0);
  });

  it("requireAdmin guards a route of its own: Bearer only, exact token", async () => {
    const { Hono } = await import("hono");
    const h = new Hono();
    h.post("/w", requireAdmin("abc"), (c) => c.text("done"));
    const call = (auth?: string) => h.request("/w", { method: "POST", headers: auth ? { Authorization: auth } : {} });
    expect((await call()).status).toBe(401);
    expect((await call("Basic abc")).status).toBe(401);
    expect((await call("Bearer ab")).status).toBe(401);
    expect((await call("Bearer abcd")).status).toBe(401);
    expect((await call("Bearer abc")).status).toBe(200);
    expect((await call("bearer abc")).status).toBe(200);
  });
});

describe("the web app and its data", () => {
  it("without a build, / says how to build it", async () => {
    const r = await app.request("/");
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("npm run build:web");
  });

  it("serves web/dist: files, index.html for client routes, 404 for missing files and for paths outside it", async () => {
    const dir = fakeWebDist({
      "index.html": '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
      "assets/app-1.js": "console.log(1)",
    });
    const a = createApp({ store, webDist: dir });
    const index = await a.request("/");
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain("/assets/app-1.js");
    expect(await (await a.request("/agency/al-etowah-county-sheriffs-office")).text()).toContain("/assets/app-1.js");
    const js = await a.request("/assets/app-1.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(
      (await a.request("/assets/app-1.js", { headers: { "If-None-Match": js.headers.get("etag") as string } })).status,
    ).toBe(304);
    expect((await a.request("/assets/nope.js")).status).toBe(404);
    expect((await a.request("/%2e%2e/package.json")).status).toBe(404);
    expect((await a.request("/..%2fpackage.json")).status).toBe(404);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("mounts the web app's data files at /data", async () => {
    const r = await app.request("/data/summary.json");
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).latest_list).toBe("2026-05-01");
  });

  it("a data file: one cached body whatever the query, revalidated by ETag, and a 404 in its own shape", async () => {
    const a = await app.request("/data/summary.json");
    const tag = a.headers.get("etag") as string;
    expect(a.headers.get("cache-control")).toBe("no-cache");
    expect((await app.request("/data/summary.json?v=1")).headers.get("etag")).toBe(tag);
    expect((await app.request("/data/summary.json", { headers: { "If-None-Match": tag } })).status).toBe(304);
    const missing = await app.request("/data/agency/xx-no-such-agency.json");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { status: 404, code: "not_found", message: "no data file agency/xx-no-such-agency.json" },
    });
    for (const p of ["/data/agency/Not-Safe.json", "/data/state/tx.json", "/data/summary.csv", "/data/moa/00.pdf"])
      expect((await app.request(p)).status, p).toBe(404);
  });
});

describe("the cache behind it", () => {
  it("one computation for concurrent askers; a new version clears; failures are not kept; bytes are bounded", async () => {
    let runs = 0;
    const c = new VersionedCache<string>(10, { maxBytes: 10, sizeOf: (v) => v.length });
    const slow = () =>
      new Promise<string>((r) => {
        runs++;
        setTimeout(() => r("abcd"), 5);
      });
    const all = await Promise.all([c.get("v1", "k", slow), c.get("v1", "k", slow), c.get("v1", "k", slow)]);
    expect(all).toEqual(["abcd", "abcd", "abcd"]);
    expect(runs).toBe(1);
    expect(c.peek("v1", "k")).toBe("abcd");
    expect(c.peek("v2", "k")).toBeUndefined();
    await c.get("v2", "k", slow);
    expect(runs).toBe(2);
    await expect(c.get("v2", "bad", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await c.get("v2", "bad", async () => "ok")).toBe("ok");
    // 4 + 2 bytes so far; two more 4-byte entries push the oldest out.
    await c.get("v2", "a", async () => "1234");
    await c.get("v2", "b", async () => "5678");
    expect(c.peek("v2", "k")).toBeUndefined();
    expect(c.peek("v2", "b")).toBe("5678");
  });
});

describe("g287 serve", () => {
  it("prints its URL, answers, and closes cleanly on SIGINT", async () => {
    const child = spawn(BIN, ["--db", store.file, "--json", "serve", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${url}api/v1/agreements?as_of=2021-01-13&limit=1`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as Json).total).toBe(150);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(stderr).toBe("");
  });

  it("a port in use is a one-line error, exit 1", async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = cli(["--db", store.file, "serve", "--port", String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`g287: port ${port} on 127.0.0.1 is in use: pass --port with another`);
      const bad = cli(["--db", store.file, "serve", "--port", "99999"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--port");
    } finally {
      blocker.close();
    }
  });
});

describe("a new list changes the answers", () => {
  it("an ingest moves the ledger version: new bodies, new ETags, the old tag no longer 304s", async () => {
    const file = copyArchiveDb();
    const s = await openStore(file);
    try {
      const a = createApp({ store: s, webDist: null, versionTtlMs: 0 });
      const before = await a.request("/api/v1/agreements?state=TX&limit=all");
      const tag = before.headers.get("etag") as string;
      const b = (await before.json()) as Json;
      // The latest list again, a week later, with one Texas agency added.
      expect(b.latest_list).toBe("2026-05-01");
      const rows = readList("participating_2026-05-01.xlsx");
      const extra = realList("participating_2026-05-01.xlsx").row({
        STATE: "TEXAS",
        "LAW ENFORCEMENT AGENCY": "Cache Test County Sheriff's Office",
        "SUPPORT TYPE": "Task Force Model",
        SIGNED: 46100,
      });
      const list = writeXlsx(path.join(path.dirname(file), "participatingAgencies05082026am.xlsx"), [...rows, extra]);
      const sum = await ingest(s, [list]);
      expect(sum.applied).toBe(1);
      const after = await a.request("/api/v1/agreements?state=TX&limit=all");
      const x = (await after.json()) as Json;
      expect(x.total).toBe(b.total + 1);
      expect(x.latest_list).toBe("2026-05-08");
      expect(after.headers.get("etag")).not.toBe(tag);
      const stale = await a.request("/api/v1/agreements?state=TX&limit=all", { headers: { "If-None-Match": tag } });
      expect(stale.status).toBe(200);
    } finally {
      await s.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
