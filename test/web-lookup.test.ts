// "Am I covered?", the header search and the tappable maps in a real browser (Debian chromium
// through playwright-core), on the real ledger, at phone (390×844, touch) and desktop (1280×900)
// sizes, in English and Spanish: answers for a ZIP code, a town and a county in Florida, Texas and
// Maryland (a ban) checked against /api/v1/lookup and the store; a geolocation stub; the search by
// keyboard and by tap; a county opened by Enter and by tap, on the map and state pages; the skip
// button; and the lookup on the static site. Screenshots go to /tmp/g287-shots/, or to the folder
// in G287_SCREENSHOTS (docs/screenshots/ for the committed ones).
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestListDate } from "../src/analysis/population.js";
import { roster } from "../src/analysis/queries.js";
import { createApp } from "../src/server/app.js";
import { renderSite } from "../src/server/site.js";
import type { Store } from "../src/store/db.js";
import { builtWeb, openArchive, ROOT, tmpDir } from "./helpers.js";

// Browser globals, for callbacks that run inside the page.
declare const document: {
  querySelector(s: string): { textContent: string | null; id: string; className: string } | null;
  querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>;
  activeElement: { id: string; className: string; getAttribute(n: string): string | null } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const location: { hash: string };
declare function getComputedStyle(e: unknown): { strokeWidth: string };

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = process.env.G287_SCREENSHOTS ? path.resolve(ROOT, process.env.G287_SCREENSHOTS) : "/tmp/g287-shots";
const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  { name: "desktop", viewport: { width: 1280, height: 900 }, hasTouch: false, isMobile: false },
] as const;
const LANGS = ["en", "es"] as const;

/** A ZIP code, a town and a county in Florida, Texas and Maryland (a ban since 2025). */
const QUERIES = [
  { q: "33602", state: "FL", county: "12057" },
  { q: "Tampa, FL", state: "FL", county: "12057" },
  { q: "Hillsborough County, FL", state: "FL", county: "12057" },
  { q: "77573", state: "TX", county: "48167" },
  { q: "Stephenville, TX", state: "TX", county: "48143" },
  { q: "Harris County, TX", state: "TX", county: "48201" },
  { q: "21701", state: "MD", county: "24021" },
  { q: "Frederick, MD", state: "MD", county: "24021" },
  { q: "Frederick County, MD", state: "MD", county: "24021" },
];

interface ApiAgency {
  id: string;
  listed: boolean;
  agreements: { id: string; standing: string }[];
}
interface ApiAnswer {
  state: string;
  county: { geoid: string; name: string } | null;
  covered: boolean;
  county_agencies: ApiAgency[];
  city_agencies: ApiAgency[];
  statewide_agencies: ApiAgency[];
  other_in_county: ApiAgency[];
  laws: { kind: string }[];
}

let store: Store;
let dist: string;
let server: http.Server;
let base: string;
let browser: Browser;
let listed: Set<string>;
let latest: string;

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

async function api(q: string): Promise<ApiAnswer> {
  const r = await fetch(`${base}api/v1/lookup.json?${q}`);
  expect(r.status, q).toBe(200);
  return ((await r.json()) as { data: ApiAnswer }).data;
}

/** What the page shows: agency ids by group, the listed flags, the verdict and the laws. */
async function shown(page: Page) {
  await page.waitForSelector(".lookup-answer, .lookup-none, .lookup-result .error", { timeout: 60_000 });
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll(".lookup-answer li[data-agency]"));
    const groups = { county: [] as string[], city: [] as string[], statewide: [] as string[], other: [] as string[] };
    const listedFlags: Record<string, boolean> = {};
    for (const r of rows) {
      const g = r.getAttribute("data-group") as string;
      const id = r.getAttribute("data-agency") as string;
      groups[g as keyof typeof groups]?.push(id);
      listedFlags[id] = r.getAttribute("data-listed") === "1";
    }
    const verdict = document.querySelector(".lookup-verdict");
    return {
      groups,
      listedFlags,
      covered: document.querySelectorAll(".lookup-verdict[data-covered='1']").length === 1,
      verdict: verdict?.textContent ?? "",
      heading: document.querySelector(".lookup-answer h3")?.textContent ?? "",
      laws: document.querySelectorAll(".lookup-law").length,
      county: Array.from(document.querySelectorAll(".lookup-answer"))[0]?.getAttribute("data-county") ?? null,
      none: document.querySelector(".lookup-none")?.textContent ?? null,
      wide: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

const sorted = (l: ApiAgency[]) => l.map((a) => a.id).sort();

const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations, as short lines. */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} (${v.nodes.length}: ${v.nodes[0]?.target.join(" ")})`);
}

function compare(page: Awaited<ReturnType<typeof shown>>, a: ApiAnswer, what: string) {
  expect(page.county, what).toBe(a.county?.geoid);
  expect([...page.groups.county].sort(), what).toEqual(sorted(a.county_agencies));
  expect([...page.groups.city].sort(), what).toEqual(sorted(a.city_agencies));
  expect([...page.groups.statewide].sort(), what).toEqual(sorted(a.statewide_agencies));
  expect([...page.groups.other].sort(), what).toEqual(sorted(a.other_in_county));
  expect(page.covered, what).toBe(a.covered);
  expect(page.laws, what).toBe(a.laws.length);
  for (const ag of [...a.county_agencies, ...a.city_agencies, ...a.statewide_agencies]) {
    expect(page.listedFlags[ag.id], `${what}: ${ag.id}`).toBe(ag.listed);
    // And the API's "listed" is the roster's, computed apart from the lookup.
    expect(ag.listed, `${what}: ${ag.id}`).toBe(ag.agreements.some((g) => listed.has(g.id)));
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian chromium (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  dist = builtWeb();
  store = await openArchive();
  latest = (await latestListDate(store.db)) as string;
  listed = new Set((await roster(store.db, { asOf: latest })).map((r) => r.agreement_id as string));
  const app = createApp({ store, webDist: dist });
  server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as http.Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM });
  // Builds the lookup indexes once, before any page waits on them.
  await api("q=33602");
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await store?.close();
});

async function context(size: (typeof SIZES)[number], lang: string, extra: object = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: size.viewport,
    hasTouch: size.hasTouch,
    isMobile: size.isMobile,
    locale: lang === "es" ? "es-US" : "en-US",
    ...extra,
  });
}

const withLang = (hash: string, lang: string) =>
  lang === "en" ? hash : `${hash}${hash.includes("?") ? "&" : "?"}lang=${lang}`;

describe("Am I covered?", () => {
  for (const size of SIZES)
    for (const lang of LANGS)
      it(`answers a ZIP code, a town and a county in FL, TX and MD as the API does (${size.name}, ${lang})`, async () => {
        const ctx = await context(size, lang);
        try {
          const page = await ctx.newPage();
          const problems = watch(page);
          for (const { q, state, county } of QUERIES) {
            await page.goto(`${base}${withLang(`#/?q=${encodeURIComponent(q)}`, lang)}`);
            const s = await shown(page);
            const a = await api(`q=${encodeURIComponent(q)}`);
            expect(a.state, q).toBe(state);
            expect(a.county?.geoid, q).toBe(county);
            compare(s, a, `${q} (${size.name}, ${lang})`);
            // The verdict is in the page's language, and the page never scrolls sideways.
            expect(s.verdict, q).toMatch(lang === "es" ? /^(Sí|Ninguna)/ : /^(Yes|No)/);
            expect(s.wide, q).toBeLessThanOrEqual(0);
          }
          // A place that is nowhere says so plainly.
          await page.goto(`${base}${withLang(`#/?q=${encodeURIComponent("Qqqqzz")}`, lang)}`);
          const none = await shown(page);
          expect(none.none).toContain("Qqqqzz");
          // The box: typed and submitted with Enter.
          await page.goto(`${base}${withLang("#/", lang)}`);
          await page.fill("#lookup-q", "33602");
          await page.press("#lookup-q", "Enter");
          const typed = await shown(page);
          compare(typed, await api("q=33602"), `typed 33602 (${size.name}, ${lang})`);
          expect(await page.evaluate(() => location.hash)).toContain("q=33602");
          if (size.name === "phone") {
            await page
              .locator(".lookup-answer h3")
              .evaluate((h) => (h as unknown as { scrollIntoView(): void }).scrollIntoView());
            await page.screenshot({ path: `${SHOTS}/home-lookup-${lang}.png` });
          }
          expect(problems).toEqual([]);
        } finally {
          await ctx.close();
        }
      }, 180_000);

  it("answers the browser's location (a geolocation stub) as the API answers that point, in both languages", async () => {
    const point = { latitude: 27.9506, longitude: -82.4572 };
    for (const lang of LANGS) {
      const ctx = await context(SIZES[0], lang, { geolocation: point, permissions: ["geolocation"] });
      try {
        const page = await ctx.newPage();
        const problems = watch(page);
        await page.goto(`${base}${withLang("#/", lang)}`);
        await page.waitForSelector(".lookup-locate");
        await page.tap(".lookup-locate");
        const s = await shown(page);
        const a = await api(`lat=${point.latitude}&lon=${point.longitude}`);
        compare(s, a, `geolocation (${lang})`);
        // The same county, town police and statewide agencies as the ZIP code it lies in.
        const z = await api("q=33602");
        expect(s.county).toBe(z.county?.geoid);
        expect([...s.groups.city].sort()).toEqual(sorted(z.city_agencies));
        expect(s.heading).toContain(lang === "es" ? "su ubicación" : "your location");
        // The location is never written into the address.
        expect(await page.evaluate(() => location.hash)).not.toContain("27.95");
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);
});

describe("the header search", () => {
  it("finds a county, a town, an agency and a state by keyboard (arrows, Enter, Escape), in both languages", async () => {
    for (const lang of LANGS) {
      const ctx = await context(SIZES[1], lang);
      try {
        const page = await ctx.newPage();
        const problems = watch(page);
        await page.goto(`${base}${withLang("#/", lang)}`);
        await page.waitForSelector("#site-search");
        await page.focus("#site-search");
        await page.keyboard.type("hillsborough");
        await page.waitForSelector("#site-search-list li[data-kind]");
        expect(await page.getAttribute("#site-search", "aria-expanded")).toBe("true");
        // Ranked by population: Florida's county (1.5 million) before New Hampshire's.
        const first = await page.locator("#site-search-list li[data-kind]").first().textContent();
        expect(first).toContain("Hillsborough County");
        expect(first).toContain("FL");
        await page.keyboard.press("ArrowDown");
        expect(await page.getAttribute("#site-search", "aria-activedescendant")).toBe("site-search-0");
        await page.keyboard.press("Enter");
        const s = await shown(page);
        expect(s.county).toBe("12057");
        expect(await page.evaluate(() => location.hash)).toContain("Hillsborough");
        // Escape closes the list and keeps the words.
        await page.focus("#site-search");
        await page.keyboard.type("texas");
        await page.waitForSelector("#site-search-list li[data-kind='state']");
        await page.keyboard.press("Escape");
        expect(await page.getAttribute("#site-search", "aria-expanded")).toBe("false");
        expect(await page.inputValue("#site-search")).toBe("texas");
        await page.keyboard.press("ArrowDown");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => location.hash.startsWith("#/state/TX"));
        // An agency: to its page.
        await page.fill("#site-search", "");
        await page.focus("#site-search");
        await page.keyboard.type("tampa police");
        await page.waitForSelector("#site-search-list li[data-kind='agency']");
        await page.keyboard.press("ArrowDown");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => location.hash.includes("/agency/fl-tampa-police-department"));
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);

  it("opens a result by tap on a phone", async () => {
    const ctx = await context(SIZES[0], "es");
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}${withLang("#/", "es")}`);
      await page.waitForSelector("#site-search");
      await page.tap("#site-search");
      await page.keyboard.type("stephenville");
      await page.waitForSelector("#site-search-list li[data-kind='city']");
      await page.locator("#site-search-list li[data-kind='city']").first().tap();
      const s = await shown(page);
      expect(s.county).toBe("48143");
      expect(await page.evaluate(() => location.hash)).toContain("lang=es");
    } finally {
      await ctx.close();
    }
  }, 60_000);
});

/** The agencies with an agreement on the list in force in one county, from the roster. */
async function listedIn(fips: string): Promise<string[]> {
  const rows = await roster(store.db, { asOf: latest });
  return [
    ...new Set(rows.filter((r) => r.county_fips === fips && !r.statewide).map((r) => r.agency_id as string)),
  ].sort();
}

const panelAgencies = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll(".map-panel li[data-agency]"))
      .map((e) => e.getAttribute("data-agency") as string)
      .sort(),
  );

describe("maps you can tap", () => {
  it("opens a county by Enter (desktop) with its listed agencies; the skip button passes the map", async () => {
    for (const lang of LANGS) {
      const ctx = await context(SIZES[1], lang);
      try {
        const page = await ctx.newPage();
        const problems = watch(page);
        await page.goto(`${base}${withLang("#/map?level=county", lang)}`);
        const shape = page.locator('.map .counties [data-id="12057"]');
        await shape.waitFor({ timeout: 60_000 });
        // One tab stop for ~3,000 counties: the roving button; arrow keys move it.
        const roving = page.locator('.map .counties [role="button"][tabindex="0"]');
        expect(await roving.count()).toBe(1);
        await roving.focus();
        let at = "";
        for (let i = 0; i < 150; i++) {
          const pos = await page.evaluate(() => {
            type Box = { getBoundingClientRect(): { x: number; y: number; width: number; height: number } };
            const a = document.activeElement as unknown as Box & { getAttribute(n: string): string | null };
            const t = document.querySelector('.map [data-id="12057"]') as unknown as Box;
            const c = (b: Box) => {
              const r = b.getBoundingClientRect();
              return [r.x + r.width / 2, r.y + r.height / 2];
            };
            const [x, y] = c(a) as [number, number];
            const [tx, ty] = c(t) as [number, number];
            return { id: a.getAttribute("data-id") ?? "", dx: tx - x, dy: ty - y };
          });
          at = pos.id;
          if (at === "12057") break;
          const key =
            Math.abs(pos.dx) > Math.abs(pos.dy)
              ? pos.dx > 0
                ? "ArrowRight"
                : "ArrowLeft"
              : pos.dy > 0
                ? "ArrowDown"
                : "ArrowUp";
          await page.keyboard.press(key);
        }
        expect(at).toBe("12057");
        expect(await shape.getAttribute("role")).toBe("button");
        // The focus ring is thick: 4 px on the county's outline.
        const stroke = await shape.locator("path").evaluate((p) => getComputedStyle(p).strokeWidth);
        expect(Number.parseFloat(stroke)).toBeGreaterThanOrEqual(4);
        await page.keyboard.press("Enter");
        await page.waitForSelector(".map-panel");
        expect(await page.locator("#map-panel-title").textContent()).toContain("Hillsborough County");
        expect(await panelAgencies(page)).toEqual(await listedIn("12057"));
        expect(await shape.getAttribute("aria-pressed")).toBe("true");
        // The panel's lookup link answers for the county.
        await page
          .locator(".map-panel a")
          .filter({ hasText: /Hillsborough County, FL/ })
          .click();
        expect((await shown(page)).county).toBe("12057");
        // Skip the map: one Tab from the level controls' end reaches it, Enter jumps past ~3,000 counties.
        await page.goto(`${base}${withLang("#/map?level=county", lang)}`);
        await page.locator('.map .counties [data-id="12057"]').waitFor();
        await page.focus("#map-date");
        let reached = false;
        for (let i = 0; i < 6 && !reached; i++) {
          await page.keyboard.press("Tab");
          reached = await page.evaluate(() => document.activeElement?.className.includes("skip-map") ?? false);
        }
        expect(reached).toBe(true);
        await page.keyboard.press("Enter");
        expect(await page.evaluate(() => document.activeElement?.className)).toBe("map-end");
        await page.keyboard.press("Tab");
        const after = await page.evaluate(() => document.activeElement?.getAttribute("data-id") ?? "outside");
        expect(after).toBe("outside");
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);

  it("opens a county by tap on a phone, on the map and on the state page", async () => {
    for (const lang of LANGS) {
      const ctx = await context(SIZES[0], lang);
      try {
        const page = await ctx.newPage();
        const problems = watch(page);
        await page.goto(`${base}${withLang("#/map?level=county", lang)}`);
        const shape = page.locator('.map .counties [data-id="48201"]');
        await shape.waitFor({ timeout: 60_000 });
        await shape.tap();
        await page.waitForSelector(".map-panel");
        expect(await page.locator("#map-panel-title").textContent()).toContain("Harris County");
        expect(await panelAgencies(page)).toEqual(await listedIn("48201"));
        await page.locator(".map-panel").scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/map-${lang}.png` });
        // Tapping it again closes the panel.
        await shape.tap();
        await page.waitForSelector(".map-panel", { state: "detached" });
        // The state page's county map opens the same panel.
        await page.goto(`${base}${withLang("#/state/FL", lang)}`);
        // The state page draws its county map when asked (the outlines are heavy on a phone).
        await page.locator(".on-demand button").first().tap();
        const fl = page.locator('.map .counties [data-id="12057"]');
        await fl.waitFor({ timeout: 60_000 });
        await fl.tap();
        await page.waitForSelector(".map-panel");
        expect(await panelAgencies(page)).toEqual(await listedIn("12057"));
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);

  it("screenshots an agency page on a phone in both languages", async () => {
    for (const lang of LANGS) {
      const ctx = await context(SIZES[0], lang);
      try {
        const page = await ctx.newPage();
        await page.goto(`${base}${withLang("#/agency/fl-hillsborough-county-sheriffs-office", lang)}`);
        await page.waitForFunction(() => !!document.querySelector("main h1") && !document.querySelector(".loading"));
        await page.screenshot({ path: `${SHOTS}/agency-${lang}.png` });
      } finally {
        await ctx.close();
      }
    }
  }, 60_000);
});

describe("accessibility", () => {
  it("has no serious axe violations with an answer, the search list open, or a county panel open", async () => {
    for (const lang of LANGS) {
      const ctx = await context(SIZES[1], lang);
      try {
        const page = await ctx.newPage();
        await page.goto(`${base}${withLang(`#/?q=${encodeURIComponent("Tampa, FL")}`, lang)}`);
        await shown(page);
        await page.locator(".lookup-other summary").click();
        expect(await axe(page), `home (${lang})`).toEqual([]);
        await page.focus("#site-search");
        await page.keyboard.type("harris");
        await page.waitForSelector("#site-search-list li[data-kind]");
        await page.keyboard.press("ArrowDown");
        expect(await axe(page), `search (${lang})`).toEqual([]);
        await page.goto(`${base}${withLang("#/map?level=county", lang)}`);
        const shape = page.locator('.map .counties [data-id="12057"]');
        await shape.waitFor({ timeout: 60_000 });
        await shape.click();
        await page.waitForSelector(".map-panel");
        expect(await axe(page), `county map (${lang})`).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  }, 120_000);
});

describe("the static site", () => {
  it("answers a lookup from `g287 site` output on a plain file server, as the API does", async () => {
    const out = path.join(tmpDir("g287-site-lookup-"), "site");
    await renderSite(store, out, { webDist: dist, concurrency: 8 });
    expect(fs.existsSync(path.join(out, "data/lookup/FL.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "data/lookup/places-t.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "data/search.json"))).toBe(true);
    const files = http.createServer((req, res) => {
      const rel = decodeURIComponent((req.url ?? "/").split("?")[0] as string).replace(/^\/+/, "") || "index.html";
      const file = path.join(out, rel);
      if (!file.startsWith(out + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end();
        return;
      }
      const type = file.endsWith(".html")
        ? "text/html"
        : file.endsWith(".js")
          ? "text/javascript"
          : file.endsWith(".css")
            ? "text/css"
            : file.endsWith(".json")
              ? "application/json"
              : "application/octet-stream";
      res.writeHead(200, { "content-type": type }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
    const site = `http://127.0.0.1:${(files.address() as AddressInfo).port}/`;
    const ctx = await context(SIZES[0], "en", {
      geolocation: { latitude: 27.9506, longitude: -82.4572 },
      permissions: ["geolocation"],
    });
    try {
      const page = await ctx.newPage();
      const problems = watch(page);
      for (const q of ["33602", "Frederick County, MD"]) {
        await page.goto(`${site}#/?q=${encodeURIComponent(q)}`);
        compare(await shown(page), await api(`q=${encodeURIComponent(q)}`), `static ${q}`);
      }
      await page.goto(`${site}#/`);
      await page.tap(".lookup-locate");
      compare(await shown(page), await api("lat=27.9506&lon=-82.4572"), "static geolocation");
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
      await new Promise((r) => files.close(r));
    }
  }, 300_000);
});
