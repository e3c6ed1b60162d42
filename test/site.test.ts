// `g287 site OUT/` on the real ledger, served by a plain static file server (node:http + fs): the
// pages' data files, the API lists and the feed load from it, byte for byte what the live app says.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticResources } from "../src/server/api/index.js";
import { createApp } from "../src/server/app.js";
import { dataPaths } from "../src/server/pages/index.js";
import { renderSite, type SiteSummary } from "../src/server/site.js";
import type { Store } from "../src/store/db.js";
import { cli, fakeWebDist, openArchive, tmpDir } from "./helpers.js";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".json": "application/json",
  ".csv": "text/csv",
  ".atom": "application/atom+xml",
};

/** What any static host does: a file for a path, index.html for a folder, 404 otherwise. */
function staticServer(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    let file = path.join(root, decodeURIComponent(u.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** A stand-in for the built web app: the site must carry its files whatever they are. */
function fixtureWeb(): string {
  return fakeWebDist({
    "index.html":
      '<!doctype html><html><head><script type="module" src="./assets/index-abc123.js"></script></head><body></body></html>\n',
    "assets/index-abc123.js": 'fetch("./data/summary.json");\n',
    "favicon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
  });
}

let store: Store;
let web: string;
let parent: string;
let out: string;
let summary: SiteSummary;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  store = await openArchive();
  web = fixtureWeb();
  parent = tmpDir("g287-site-");
  out = path.join(parent, "site");
  // A previous site in the way: it must be replaced as a whole.
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "stale.txt"), "from an older build\n");
  summary = await renderSite(store, out, { webDist: web });
  server = await staticServer(out);
}, 600_000);

afterAll(async () => {
  await server?.close();
  await store.close();
  fs.rmSync(parent, { recursive: true, force: true });
  fs.rmSync(web, { recursive: true, force: true });
});

const get = async (p: string) => {
  const r = await fetch(`${server.url}${p}`);
  return { status: r.status, text: await r.text() };
};

describe("g287 site", () => {
  it("writes every web file, every data file, the API lists and the feed, and replaces the old site", async () => {
    const paths = await dataPaths(store);
    expect(summary.files.web).toBe(4); // the web app's three files and _headers
    expect(summary.files.data).toBe(paths.length);
    expect(summary.files.api).toBe(staticResources().length * 2 + 1);
    expect(summary.files.feeds).toBe(1);
    expect(summary.files.total).toBe(4 + paths.length + summary.files.api + 1 + summary.files.share);
    expect(fs.existsSync(path.join(out, "stale.txt"))).toBe(false);
    let bytes = 0;
    const walk = (d: string): number =>
      fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => {
        if (e.isDirectory()) return n + walk(path.join(d, e.name));
        bytes += fs.statSync(path.join(d, e.name)).size;
        return n + 1;
      }, 0);
    expect(walk(out)).toBe(summary.files.total);
    expect(bytes).toBe(summary.bytes);
    // No temporary folders left beside it.
    expect(fs.readdirSync(parent)).toEqual(["site"]);
  });

  it("the page and its script load from a plain static server", async () => {
    const index = await get("/");
    expect(index.status).toBe(200);
    expect(index.text).toContain("./assets/index-abc123.js");
    expect((await get("/assets/index-abc123.js")).status).toBe(200);
  });

  it("every data file the web app asks for loads, and parses", async () => {
    const paths = await dataPaths(store);
    expect(paths).toContain("data/summary.json");
    expect(paths).toContain("data/agency/al-etowah-county-sheriffs-office.json");
    const bad: string[] = [];
    for (let i = 0; i < paths.length; i += 16) {
      await Promise.all(
        paths.slice(i, i + 16).map(async (p) => {
          const r = await get(`/${p}`);
          if (r.status !== 200) bad.push(`${p}: ${r.status}`);
          else if (p.endsWith(".json")) JSON.parse(r.text);
          else if (!r.text.includes("\n")) bad.push(`${p}: empty CSV`);
        }),
      );
    }
    expect(bad).toEqual([]);
    const s = JSON.parse((await get("/data/summary.json")).text);
    expect(s.latest_list).toBe("2026-05-01");
  });

  it("the files are byte for byte what the live app serves", async () => {
    const app = createApp({ store, webDist: web, feedBase: "../" });
    for (const p of [
      "/data/summary.json",
      "/data/agency/al-etowah-county-sheriffs-office.json",
      "/api/v1/agencies.csv",
      "/feeds/changes.atom",
    ]) {
      const live = await (await app.request(p)).text();
      expect((await get(p)).text, p).toBe(live);
    }
  });

  it("the API lists are whole: every row, no next page", async () => {
    const a = JSON.parse((await get("/api/v1/agreements.json")).text);
    expect(a.total).toBe(1880);
    expect(a.count).toBe(1880);
    expect(a.next_cursor).toBeNull();
    expect(a.query.limit).toBe("all");
    expect((await get("/api/v1/agreements.csv")).text.trimEnd().split("\n").length).toBe(1881);
    const st = JSON.parse((await get("/api/v1/status.json")).text);
    expect(st.data.agreements.active).toBe(1779);
    const doc = JSON.parse((await get("/api/openapi.json")).text);
    expect(doc.paths["/api/v1/agreements"]).toBeDefined();
  });

  it("the feed loads, with links relative to it", async () => {
    const f = await get("/feeds/changes.atom");
    expect(f.status).toBe(200);
    expect(f.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(f.text.match(/<entry>/g)?.length).toBe(100);
    expect(f.text).toContain('href="../#/agency/');
    expect(f.text).not.toContain("http://localhost");
  });

  it("fails cleanly without a built web app: the old site stays, nothing half-written", async () => {
    const before = fs.readdirSync(out).sort();
    await expect(renderSite(store, out, { webDist: path.join(parent, "no-such-dist") })).rejects.toThrow(
      /no built web app/,
    );
    expect(fs.readdirSync(out).sort()).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["site"]);
    const r = cli(["--db", store.file, "site", path.join(parent, "other"), "--web", path.join(parent, "no-such-dist")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^g287: site: no built web app at .*npm run build:web/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
