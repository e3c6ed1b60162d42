// Pages worth sharing: `g287 site OUT/` writes an entry file per page and language with its title,
// description, Open Graph and Twitter tags, hreflang alternates and canonical URL, a PNG card per
// state and agency, and sitemap.xml. The folder is served as plain static files and checked the
// way a scraper and a reader meet it.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgenciesFile, AgreementsFile, StatesFile, Summary } from "../src/domain/files.js";
import { renderSite } from "../src/server/site.js";
import type { Store } from "../src/store/db.js";
import { builtWeb, openArchive, tmpDir } from "./helpers.js";

declare const document: { documentElement: { lang: string }; querySelector(s: string): unknown };
declare const location: { hash: string; pathname: string };

const CHROMIUM = "/usr/bin/chromium";
const BASE_URL = "https://g287.example.org/tracker/";

let store: Store;
let out: string;
let server: http.Server;
let origin: string;
let browser: Browser;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".xml": "application/xml",
  ".csv": "text/csv",
};

/** A plain static host: files as they are, `dir/` → `dir/index.html`, nothing rewritten. */
function serveFolder(root: string): Promise<http.Server> {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      let p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      if (p.endsWith("/")) p += "index.html";
      const file = path.join(root, p);
      if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(fs.readFileSync(file));
    });
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

const read = <T>(p: string): T => JSON.parse(fs.readFileSync(path.join(out, p), "utf8")) as T;

/** The head tags of an HTML file: `name` or `property` → content, and link rel/hreflang → href. */
function tags(html: string) {
  const meta = new Map<string, string>();
  for (const m of html.matchAll(/<meta (?:name|property)="([^"]+)" content="([^"]*)"/g))
    meta.set(m[1] as string, m[2] as string);
  const links = [...html.matchAll(/<link rel="([^"]+)"(?: hreflang="([^"]+)")? href="([^"]+)"/g)].map((m) => ({
    rel: m[1],
    hreflang: m[2] ?? null,
    href: m[3] as string,
  }));
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
  const lang = /<html lang="([^"]+)"/.exec(html)?.[1] ?? "";
  return { meta, links, title, lang };
}

const unesc = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian chromium`);
  const dir = tmpDir("g287-site-meta-");
  const dist = builtWeb();
  store = await openArchive();
  out = path.join(dir, "site");
  await renderSite(store, out, { webDist: dist, baseUrl: BASE_URL });
  server = await serveFolder(out);
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await store?.close();
});

describe("the static site's pages worth sharing", () => {
  it("gives every state an entry page per language with its title, description, card, hreflang and canonical", async () => {
    const states = read<StatesFile>("data/states.json");
    const summary = read<Summary>("data/summary.json");
    expect(states.rows.length).toBeGreaterThan(40);
    for (const s of states.rows) {
      for (const lang of ["en", "es"] as const) {
        const rel = `${lang === "es" ? "es/" : ""}state/${s.state}/`;
        const res = await fetch(`${origin}${rel}`);
        expect(res.status, rel).toBe(200);
        const t = tags(await res.text());
        expect(t.lang, rel).toBe(lang);
        // The description carries the state's own counts, formatted in the page's language.
        const desc = unesc(t.meta.get("description") ?? "");
        const n = new Intl.NumberFormat(lang === "es" ? "es-US" : "en-US").format(s.active);
        expect(desc, rel).toContain(
          `${n} ${lang === "es" ? "acuerdos 287(g) en la lista" : "287(g) agreements listed"}`,
        );
        expect(desc, rel).toContain(`JEM ${s.JEM} · TFM ${s.TFM} · WSO ${s.WSO}`);
        expect(t.meta.get("og:title"), rel).toBe(t.title);
        expect(t.meta.get("twitter:card"), rel).toBe("summary_large_image");
        const canonical = t.links.find((l) => l.rel === "canonical")?.href;
        expect(canonical, rel).toBe(`${BASE_URL}${rel}`);
        expect(t.meta.get("og:url"), rel).toBe(canonical);
        const alt = Object.fromEntries(t.links.filter((l) => l.rel === "alternate").map((l) => [l.hreflang, l.href]));
        expect(alt, rel).toEqual({
          en: `${BASE_URL}state/${s.state}/`,
          es: `${BASE_URL}es/state/${s.state}/`,
          "x-default": `${BASE_URL}state/${s.state}/`,
        });
        // The card is a real PNG of the stated size, served from the site.
        const img = t.meta.get("og:image") ?? "";
        expect(img.startsWith(BASE_URL), rel).toBe(true);
        const png = await fetch(`${origin}${img.slice(BASE_URL.length)}`);
        expect(png.status, img).toBe(200);
        expect(png.headers.get("content-type")).toBe("image/png");
        const bytes = Buffer.from(await png.arrayBuffer());
        expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([
          Number(t.meta.get("og:image:width")),
          Number(t.meta.get("og:image:height")),
        ]);
        expect(t.meta.get("twitter:image")).toBe(img);
      }
    }
    expect(summary.latest_list).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 300_000);

  it("gives every agency an entry page whose description counts its agreements listed now", async () => {
    const agencies = read<AgenciesFile>("data/agencies.json");
    const agreements = read<AgreementsFile>("data/agreements.json");
    const latest = agreements.latest_list;
    const listedNow = new Map<string, number>();
    for (const r of agreements.rows)
      if (r.periods.some(([s, e]) => s <= latest && (e === null || e > latest)))
        listedNow.set(r.agency_id, (listedNow.get(r.agency_id) ?? 0) + 1);
    // Every agency has its files; a sample is read through the server.
    for (const a of agencies.rows) {
      expect(fs.existsSync(path.join(out, "agency", a.agency_id, "index.html")), a.agency_id).toBe(true);
      expect(fs.existsSync(path.join(out, "es/agency", a.agency_id, "index.html")), a.agency_id).toBe(true);
      expect(fs.existsSync(path.join(out, "og/agency", `${a.agency_id}.png`)), a.agency_id).toBe(true);
    }
    const sample = [
      agencies.rows.find((a) => a.agency_id === "md-frederick-county-sheriffs-office"),
      ...agencies.rows.filter((_, i) => i % 97 === 0),
    ].filter((a): a is AgenciesFile["rows"][number] => !!a);
    for (const a of sample) {
      const t = tags(await (await fetch(`${origin}agency/${a.agency_id}/`)).text());
      expect(unesc(t.title)).toContain(a.name);
      const n = listedNow.get(a.agency_id) ?? 0;
      const desc = unesc(t.meta.get("description") ?? "");
      if (n) expect(desc, a.agency_id).toContain(`${n} 287(g) agreement${n === 1 ? "" : "s"} listed`);
      else expect(desc, a.agency_id).toContain("no 287(g) agreement on ICE's list");
      const es = tags(await (await fetch(`${origin}es/agency/${a.agency_id}/`)).text());
      expect(es.lang).toBe("es");
      expect(unesc(es.meta.get("description") ?? ""), a.agency_id).toContain(
        n ? (n === 1 ? "acuerdo 287(g) vigente" : "acuerdos 287(g) vigentes") : "ningún acuerdo 287(g)",
      );
    }
  }, 300_000);

  it("writes a sitemap of every entry page in both languages, with alternates", async () => {
    const states = read<StatesFile>("data/states.json");
    const agencies = read<AgenciesFile>("data/agencies.json");
    const res = await fetch(`${origin}sitemap.xml`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => unesc(m[1] as string));
    expect(new Set(locs).size).toBe(locs.length);
    // Home, 9 fixed pages, every state and every agency, each in two languages.
    expect(locs.length).toBe(2 * (1 + 9 + states.rows.length + agencies.rows.length));
    expect(locs).toContain(`${BASE_URL}state/TX/`);
    expect(locs).toContain(`${BASE_URL}es/state/TX/`);
    expect(locs).toContain(`${BASE_URL}models/`);
    expect(locs).toContain(`${BASE_URL}es/coverage/`);
    // Every loc is a file the site has.
    for (const l of locs) {
      const rel = l.slice(BASE_URL.length);
      expect(fs.existsSync(path.join(out, rel, "index.html")), rel).toBe(true);
    }
    expect(xml.match(/<xhtml:link rel="alternate" hreflang="es"/g)?.length).toBe(locs.length);
    const robots = await (await fetch(`${origin}robots.txt`)).text();
    expect(robots).toContain(`Sitemap: ${BASE_URL}sitemap.xml`);
    // The app's own index.html is the English home page, with its tags.
    const home = tags(await (await fetch(origin)).text());
    expect(home.links.find((l) => l.rel === "canonical")?.href).toBe(BASE_URL);
    expect(home.meta.get("og:title")).toBe(home.title);
    expect(home.links.find((l) => l.hreflang === "es")?.href).toBe(`${BASE_URL}es/`);
  }, 120_000);

  it("sends a reader from an entry page to the app's page, in its language", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`${origin}es/state/TX/`);
      await page.waitForFunction(() => location.hash.startsWith("#/state/TX") && !!document.querySelector("main h1"));
      expect(await page.evaluate(() => location.pathname)).toBe("/");
      expect(await page.evaluate(() => location.hash)).toBe("#/state/TX?lang=es");
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
      expect(await page.locator("main h1").textContent()).toContain("Texas");
      await page.goto(`${origin}agency/md-frederick-county-sheriffs-office/`);
      await page.waitForFunction(() => location.hash === "#/agency/md-frederick-county-sheriffs-office");
      await page.waitForFunction(() => !!document.querySelector("main h1") && !document.querySelector(".loading"));
      expect(await page.locator("main h1").textContent()).toContain("Frederick County");
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
