// The web app in a real browser (Debian chromium through playwright-core) on the real ledger: every
// page in English and Spanish without console errors, axe-core on every page, the map's time
// slider, the table's filters and CSV download, an agency page against its data file and the API,
// embed mode, permalinks, keyboard use, the home page's script weight, and the static site.
// Screenshots go to /tmp/g287-shots/.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { parse } from "csv-parse/sync";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClaimFile } from "../src/analysis/claim-file.js";
import { countiesOf } from "../src/context/geography.js";
import { toCsv as serverCsv } from "../src/domain/csv.js";
import type { AgencyFile, AgreementsFile, ClaimsFile, Summary, TimelineFile } from "../src/domain/files.js";
import { safeCell, toCsv, VIEW_COLUMNS } from "../src/domain/index.js";
import { isTerritory } from "../src/domain/state.js";
import { createApp } from "../src/server/app.js";
import { renderSite } from "../src/server/site.js";
import type { Store } from "../src/store/db.js";
import { builtWeb, openArchive, ROOT, tmpDir } from "./helpers.js";

// Browser globals, for the callbacks that run inside the page (this file itself runs in Node).
interface PageElement {
  id: string;
  className: string;
  textContent: string | null;
  classList: { contains(c: string): boolean };
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  activeElement: PageElement | null;
  documentElement: { lang: string };
};
declare const location: { hash: string };
declare const window: unknown;

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = "/tmp/g287-shots";
const LANGS = ["en", "es"] as const;

/** Every page of the app, by its route (an agency is filled in once the ledger is open). */
function pages(agency: string): { name: string; hash: string }[] {
  return [
    { name: "home", hash: "#/" },
    { name: "map", hash: "#/map" },
    { name: "map-county", hash: "#/map?level=county" },
    { name: "agreements", hash: "#/agreements" },
    { name: "agency", hash: `#/agency/${agency}` },
    { name: "state-TX", hash: "#/state/TX" },
    { name: "state-CT", hash: "#/state/CT" },
    { name: "state-GU", hash: "#/state/GU" },
    { name: "state-PR", hash: "#/state/PR" },
    { name: "changes", hash: "#/changes" },
    { name: "claims", hash: "#/claims" },
    { name: "methodology", hash: "#/methodology" },
  ];
}

const withLang = (hash: string, lang: string) =>
  lang === "en" ? hash : `${hash}${hash.includes("?") ? "&" : "?"}lang=${lang}`;

let store: Store;
let dist: string;
let server: http.Server;
let base: string;
let browser: Browser;
let agency: string;

/** Problems a page reported: console errors, uncaught exceptions, failed requests. */
interface Watch {
  problems: string[];
}

function watch(page: Page): Watch {
  const w: Watch = { problems: [] };
  page.on("console", (m) => {
    if (m.type() === "error") w.problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => w.problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => w.problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return w;
}

/** Waits until the page has its heading and nothing is still loading (maps drawn included). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !!document.querySelector("main h1") &&
      !document.querySelector(".loading") &&
      !document.querySelector(".map-placeholder") &&
      !document.querySelector(".error"),
    null,
    { timeout: 60_000 },
  );
}

async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; w: Watch }> {
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(url);
  try {
    await settled(page);
  } catch (e) {
    // Say what the page said while it failed to settle, not just that it timed out.
    throw new Error(`${url} did not settle: ${(e as Error).message.split("\n")[0]}\n  ${w.problems.join("\n  ")}`);
  }
  return { page, w };
}

const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page, as short lines. */
async function axe(page: Page): Promise<string[]> {
  // Evaluated, not injected as a <script>: the app's CSP allows only its own scripts.
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")})`,
    );
}

async function getJson<T>(p: string): Promise<T> {
  const r = await fetch(`${base}${p}`);
  expect(r.status, p).toBe(200);
  return (await r.json()) as T;
}

beforeAll(async () => {
  // Fail loudly: these tests never skip.
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian chromium (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  dist = builtWeb();
  store = await openArchive();
  // The agency with the most agreements (ties by id): several cards, MOAs and events to compare.
  const top = await store.db
    .selectFrom("agreement")
    .select(["agency_id", store.db.fn.countAll<number>().as("n")])
    .groupBy("agency_id")
    .orderBy("n", "desc")
    .orderBy("agency_id")
    .executeTakeFirstOrThrow();
  agency = top.agency_id;
  const app = createApp({ store, webDist: dist });
  server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as http.Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await store?.close();
});

describe("every page, in English and Spanish", () => {
  for (const lang of LANGS) {
    it(`opens every page in ${lang} with no console errors, the right language, and no serious axe violations`, async () => {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: lang === "es" ? "es-US" : "en-US",
      });
      try {
        const failures: string[] = [];
        for (const p of pages(agency)) {
          const { page, w } = await open(ctx, base + withLang(p.hash, lang));
          expect(await page.evaluate(() => document.documentElement.lang), p.name).toBe(lang);
          const nav = await page.locator("nav[aria-label] a").allTextContents();
          expect(nav[0], p.name).toBe(lang === "es" ? "Inicio" : "Home");
          // Links inside the app keep the language.
          const hrefs = await page
            .locator("main a[href^='#/']")
            .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
          for (const h of hrefs) expect(h?.includes("lang=es") ?? false, `${p.name}: ${h}`).toBe(lang === "es");
          await page.screenshot({ path: `${SHOTS}/${p.name}-${lang}.png`, fullPage: true });
          const violations = await axe(page);
          if (violations.length) failures.push(`${p.name} (${lang}) axe:\n  ${violations.join("\n  ")}`);
          if (w.problems.length) failures.push(`${p.name} (${lang}):\n  ${w.problems.join("\n  ")}`);
          await page.close();
        }
        expect(failures, failures.join("\n")).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it("shows the real headline figures on the home page, formatted per language", async () => {
    const s = await getJson<Summary>("data/summary.json");
    expect(s.latest_list).toBe("2026-05-01");
    expect(s.active.agreements).toBe(1779);
    expect(s.ever.agreements).toBe(1880);
    const ctx = await browser.newContext();
    try {
      const { page: en } = await open(ctx, `${base}#/`);
      const stats = await en.locator(".stat-value").allTextContents();
      expect(stats).toContain("1,779");
      expect(stats.join(" ")).toContain("May 1, 2026");
      const { page: es } = await open(ctx, `${base}#/?lang=es`);
      const esStats = (await es.locator(".stat-value").allTextContents()).join(" ");
      expect(esStats).toMatch(/\b1 may\.? 2026/);
      expect(await es.locator("h1").textContent()).toBe("Acuerdos 287(g), lista por lista");
      // The timeline's table twin holds one row per month since January 2021.
      const tl = await getJson<TimelineFile>("data/timeline.json");
      expect(await en.locator("figure details.twin tbody tr").count()).toBe(tl.monthly.length);
      expect(tl.monthly[0]?.month).toBe("2021-01");
    } finally {
      await ctx.close();
    }
  });

  it("keeps the home page's JavaScript under 150 kB gzipped (Plot and the map files load elsewhere)", async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const scripts: Promise<{ url: string; gz: number }>[] = [];
      page.on("response", (r) => {
        if (r.url().endsWith(".js")) scripts.push(r.body().then((b) => ({ url: r.url(), gz: gzipSync(b).length })));
      });
      await page.goto(`${base}#/`);
      await settled(page);
      const loaded = await Promise.all(scripts);
      const total = loaded.reduce((a, s) => a + s.gz, 0);
      expect(total).toBeGreaterThan(5_000);
      expect(total, loaded.map((s) => `${s.url} ${s.gz}`).join("\n")).toBeLessThan(150_000);
      expect(loaded.some((s) => /PlotChart|plot/i.test(s.url))).toBe(false);
    } finally {
      await ctx.close();
    }
  });
});

describe("states and territories", () => {
  it("counts the states apart from DC and the territories on the home page, from the latest list", async () => {
    const s = await getJson<Summary>("data/summary.json");
    // Independently of summary.json: the places of the agreements listed on the latest list.
    const listed = await store.db
      .selectFrom("agreement_period as p")
      .innerJoin("agreement as g", "g.agreement_id", "p.agreement_id")
      .innerJoin("agency as a", "a.agency_id", "g.agency_id")
      .select("a.state")
      .distinct()
      .where("p.start", "<=", s.latest_list)
      .where((eb) => eb.or([eb("p.end", "is", null), eb("p.end", ">", s.latest_list)]))
      .execute();
    const codes = listed.map((r) => r.state);
    const territories = codes.filter(isTerritory).sort();
    expect(territories.length).toBeGreaterThan(0);
    expect(s.active.territories).toEqual(territories);
    expect(s.active.dc).toBe(codes.includes("DC"));
    expect(s.active.states).toBe(codes.length - territories.length - (s.active.dc ? 1 : 0));
    const ctx = await browser.newContext();
    try {
      const { page } = await open(ctx, `${base}#/`);
      const stat = page.locator(".stat").filter({ has: page.locator("dt", { hasText: /^States$/ }) });
      expect((await stat.locator(".stat-value").textContent())?.trim()).toBe(String(s.active.states));
      const note = (await stat.locator(".stat-note").textContent()) ?? "";
      if (territories.includes("GU")) expect(note).toContain("Guam");
      if (territories.includes("MP")) expect(note).toContain("the Northern Mariana Islands");
      expect(note).toMatch(/^(and DC, )?plus /);
    } finally {
      await ctx.close();
    }
  });

  for (const code of ["GU", "PR", "MP"]) {
    it(`opens the ${code} page without console errors, and draws a county map only where there are counties`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        for (const lang of LANGS) {
          const { page, w } = await open(ctx, base + withLang(`#/state/${code}`, lang));
          await page.screenshot({ path: `${SHOTS}/state-${code}-${lang}.png`, fullPage: true });
          expect(w.problems, `${code} (${lang})`).toEqual([]);
          // The county map is drawn when asked for (a phone fetches the outlines only then).
          const show = page.locator(".on-demand button");
          if (await show.count()) {
            await show.click();
            await page.waitForSelector("svg.map path.shape", { timeout: 60_000 });
          }
          const counties = await page.locator("svg.map path.shape").count();
          const gazetteer = countiesOf(code).length;
          if (gazetteer === 0) {
            expect(counties, `${code}: no county map without counties`).toBe(0);
            expect(await page.locator("svg.map").count()).toBe(0);
          } else {
            // Puerto Rico's municipios: every shape drawn with real coordinates.
            expect(counties).toBe(gazetteer);
            const bad = await page
              .locator("svg.map path.shape")
              .evaluateAll((ps) => ps.filter((p) => /NaN|Infinity/.test(p.getAttribute("d") ?? "")).length);
            expect(bad).toBe(0);
          }
          await page.close();
        }
      } finally {
        await ctx.close();
      }
    });
  }
});

describe("the claims page", () => {
  it("names the article's source and date, says which verdicts rest on a later correction, and never our tracker", async () => {
    const d = await getJson<ClaimsFile>("data/claims.json");
    const article = readClaimFile(path.join(ROOT, "data/claims", d.files[0] as string)).article;
    const ctx = await browser.newContext();
    try {
      const { page, w } = await open(ctx, `${base}#/claims`);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).toContain(article.publisher as string);
      expect(text).toContain("republished by Western Journal");
      expect(text).toContain("Claim made on Feb 11, 2026");
      expect(text).not.toMatch(/\bissue \d|g287 issue/i);
      // One note per claim whose figure rests on a correction ICE published after the claim date.
      expect(await page.locator("article.claim p.note").count()).toBe(
        d.claims.filter((c) => c.depends_on_later_correction).length,
      );
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("the map", () => {
  it("replays the record with the time slider, keeps the date in the address, and draws counties", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, w } = await open(ctx, `${base}#/map`);
      const total = () => page.locator(".map-total strong").textContent();
      // Same-document navigations and slider moves: wait for the figure to change, then read it.
      const totalIs = (t: string) =>
        page.waitForFunction((want) => document.querySelector(".map-total strong")?.textContent === want, t);
      expect(await total()).toBe("1,779");
      expect(await page.locator("svg.map a.shape-link").count()).toBeGreaterThanOrEqual(50);
      // Keyboard: Home on the slider goes to the first list, 2021-01-13: 150 agreements.
      await page.locator("#map-date").focus();
      await page.keyboard.press("Home");
      await page.waitForFunction(() => location.hash.includes("date=2021-01-13"));
      await totalIs("150");
      expect(await page.locator("#map-date").getAttribute("aria-valuetext")).toBe("Jan 13, 2021");
      // The table twin adds up to the same total, JEM and WSO only (74 and 76).
      const sum = async (col: number) =>
        (await page.locator(`details.twin tbody tr td:nth-child(${col})`).allTextContents()).reduce(
          (a, t) => a + Number(t.replace(/,/g, "")),
          0,
        );
      expect(await sum(2)).toBe(150);
      expect([await sum(3), await sum(4), await sum(5)]).toEqual([74, 0, 76]);
      await page.screenshot({ path: `${SHOTS}/map-slider-2021-01-13.png` });
      // Arrow keys step through lists; End comes back to the latest.
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => !location.hash.includes("date=2021-01-13"));
      await page.keyboard.press("End");
      await page.waitForFunction(() => !location.hash.includes("date="));
      await totalIs("1,779");

      // A permalink restores the date and the filters: 2024-12-01 had 135 agreements and no TFM.
      await page.goto(`${base}#/map?date=2024-12-01`);
      await totalIs("135");
      await page.goto(`${base}#/map?date=2024-12-01&model=TFM`);
      await totalIs("0");
      expect(await page.getByLabel("Model", { exact: true }).inputValue()).toBe("TFM");
      // The first TFM rows are on the list of 2025-02-19.
      const tl = await getJson<TimelineFile>("data/timeline.json");
      const before = tl.lists.filter((d) => d < "2025-02-19").at(-1);
      await page.goto(`${base}#/map?date=${before}&model=TFM&measure=count`);
      await page.waitForFunction(() => location.hash.includes("measure=count"));
      await totalIs("0");
      await page.goto(`${base}#/map?date=2025-02-19&model=TFM`);
      await page.waitForFunction(() => document.querySelector(".map-total strong")?.textContent !== "0");
      expect(Number((await total())?.replace(/,/g, ""))).toBeGreaterThan(0);

      // Counties, per capita: the county outlines load on demand and Connecticut is explained.
      await page.goto(`${base}#/map?level=county&measure=per_capita`);
      await page.waitForSelector("svg.map g.counties path", { timeout: 60_000 });
      expect(await page.locator("svg.map g.counties path").count()).toBeGreaterThan(3000);
      expect(await page.locator("p.note").first().textContent()).toMatch(
        /Connecticut.*9 planning regions.*8 former counties/,
      );
      await page.screenshot({ path: `${SHOTS}/map-counties-per-capita.png`, fullPage: true });
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("shows only the map and its controls in embed mode", async () => {
    const ctx = await browser.newContext({ viewport: { width: 900, height: 700 } });
    try {
      const { page, w } = await open(ctx, `${base}#/map?embed=1&date=2025-06-01`);
      expect(await page.locator("header.site-header").count()).toBe(0);
      expect(await page.locator("footer").count()).toBe(0);
      expect(await page.locator("svg.map").count()).toBe(1);
      expect(await page.locator("h1").textContent()).toContain("Jun 1, 2025");
      await page.screenshot({ path: `${SHOTS}/map-embed.png`, fullPage: true });
      const { page: home } = await open(ctx, `${base}#/?embed=1&lang=es`);
      expect(await home.locator("header.site-header").count()).toBe(0);
      expect(await home.locator("figure svg[role=img]").count()).toBe(1);
      expect([...(await axe(page)), ...(await axe(home))]).toEqual([]);
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("the agreements table", () => {
  it("filters, searches and sorts through the address, and downloads exactly the current view as CSV", async () => {
    const data = await getJson<AgreementsFile>("data/agreements.json");
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    try {
      const { page, w } = await open(ctx, `${base}#/agreements?listed=ever`);
      const count = async () => Number((await page.locator(".result-bar .count").textContent())?.replace(/\D/g, ""));
      expect(await count()).toBe(1880);
      await page.locator("#f-state").selectOption("TX");
      await page.locator("#f-model").selectOption("TFM");
      await page.waitForFunction(() => location.hash.includes("model=TFM") && location.hash.includes("state=TX"));
      const expected = data.rows.filter((r) => r.state === "TX" && r.model === "TFM");
      expect(expected.length).toBeGreaterThan(50);
      await expect.poll(count).toBe(expected.length);
      // Sort by signed date, newest first.
      await page.getByRole("button", { name: /^Signed/ }).click();
      await page.getByRole("button", { name: /^Signed/ }).click();
      await page.waitForFunction(() => location.hash.includes("dir=desc") && location.hash.includes("sort=signed_on"));
      expect(await page.locator("th[aria-sort=descending]").textContent()).toContain("Signed");

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download this view (CSV)" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("g287-agreements-tx-tfm-2026-05-01.csv");
      const file = await download.path();
      const rows = parse(fs.readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
      expect(rows.length).toBe(expected.length);
      expect(Object.keys(rows[0] ?? {})).toEqual(VIEW_COLUMNS);
      expect(rows.every((r) => r.state === "TX" && r.model === "TFM")).toBe(true);
      expect(new Set(rows.map((r) => r.agreement_id))).toEqual(new Set(expected.map((r) => r.agreement_id)));
      const signed = rows.map((r) => r.signed_on);
      expect(signed).toEqual([...signed].sort().reverse());

      // A permalink restores the filters; a search narrows them to matching agencies.
      await page.goto(`${base}#/agreements?listed=ever&state=AL&q=Etowah`);
      await expect.poll(count).toBeLessThan(10);
      expect(await page.locator("#f-state").inputValue()).toBe("AL");
      expect(await page.getByRole("searchbox", { name: "Search agencies, counties, states" }).inputValue()).toBe(
        "Etowah",
      );
      // Etowah the agency's name or its county (Southside Police Department is in Etowah County).
      const found = await page
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => `${tr.children[0]?.textContent} | ${tr.children[2]?.textContent}`));
      expect(found.length).toBeGreaterThan(1);
      for (const a of found) expect(a).toMatch(/Etowah/);
      await page.getByRole("button", { name: "Clear filters" }).click();
      await expect.poll(count).toBe(1880);
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("writes client-side CSV that neutralises formulas like the server's CSV", () => {
    const rows = [
      { a: '=HYPERLINK("http://x")', b: "+1", c: "-2", d: "@SUM(A1)", e: "plain, with comma", f: 'say "hi"', g: null },
    ];
    const cols = ["a", "b", "c", "d", "e", "f", "g"];
    expect(safeCell("=1+1")).toBe("'=1+1");
    expect(safeCell("\tx")).toBe("'\tx");
    expect(safeCell("Harris County")).toBe("Harris County");
    expect(parse(toCsv(cols, rows), { columns: true })).toEqual(parse(serverCsv(cols, rows), { columns: true }));
    expect(toCsv(cols, rows).split("\n")[1]).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),"plain, with comma","say ""hi""",`,
    );
  });
});

describe("an agency page", () => {
  it("shows the same agreements, MOA links, names, provenance and events as its data file and the API", async () => {
    const file = await getJson<AgencyFile>(`data/agency/${agency}.json`);
    const api = await getJson<{
      data: {
        agency: { name: string };
        agreements: {
          agreement_id: string;
          status: string;
          model: string;
          signed_on: string | null;
          moa_url: string | null;
        }[];
      };
    }>(`api/v1/agencies/${agency}`);
    expect(file.agreements.length).toBeGreaterThanOrEqual(3);
    expect(api.data.agency.name).toBe(file.agency.name);
    const byId = (
      xs: { agreement_id: string; status: string; model: string; signed_on: string | null; moa_url: string | null }[],
    ) => xs.map((x) => [x.agreement_id, x.status, x.model, x.signed_on, x.moa_url]).sort();
    expect(byId(file.agreements)).toEqual(byId(api.data.agreements));

    for (const lang of LANGS) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const { page, w } = await open(ctx, base + withLang(`#/agency/${agency}`, lang));
        expect(await page.locator("h1").textContent()).toBe(file.agency.name);
        const cards = await page
          .locator("article.agreement")
          .evaluateAll((as) => as.map((a) => a.getAttribute("data-agreement")));
        expect(cards.sort()).toEqual(file.agreements.map((g) => g.agreement_id).sort());
        const moas = await page
          .locator("article.agreement a[target=_blank]")
          .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        const expectedMoas = file.agreements
          .flatMap((g) => [g.moa_url, g.addendum_url])
          .filter((u): u is string => !!u && /^https?:/.test(u));
        expect(moas.sort()).toEqual(expectedMoas.sort());
        // Provenance: the first list and row behind each agreement.
        const text = (await page.locator("main").textContent()) ?? "";
        for (const g of file.agreements) {
          expect(g.first_source).not.toBeNull();
          expect(text).toContain(`${g.first_source?.list}`);
          expect(text).toContain(`${lang === "es" ? "fila" : "row"} ${g.first_source?.row}`);
        }
        expect(
          await page.locator("#names ~ .table-wrap tbody tr, section[aria-labelledby=names] tbody tr").count(),
        ).toBe(file.agency.names.length);
        expect(await page.locator("section[aria-labelledby=history] li.event").count()).toBe(file.events.length);
        // The periods chart (plain SVG, no Observable Plot: one bar per listed period) and its table twin.
        expect(await page.locator("figure .periods svg").count()).toBe(1);
        expect(await page.locator("figure .periods svg rect").count()).toBe(
          file.agreements.reduce((a, g) => a + g.periods.length, 0),
        );
        expect(await page.locator("figure details.twin tbody tr").count()).toBe(
          file.agreements.reduce((a, g) => a + g.periods.length, 0),
        );
        await page.screenshot({ path: `${SHOTS}/agency-check-${lang}.png`, fullPage: true });
        expect(w.problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  });

  it("says so when an agency does not exist, without a console error beyond the 404", async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const w = watch(page);
      await page.goto(`${base}#/agency/zz-no-such-agency`);
      await page.waitForSelector("main h1");
      expect(await page.locator("main h1").textContent()).toBe("Page not found");
      expect(w.problems.filter((p) => !p.includes("zz-no-such-agency") && !p.includes("404"))).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("keyboard", () => {
  it("reaches the skip link first, then the navigation, and opens a state from the map with Enter", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, w } = await open(ctx, `${base}#/map`);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
      // Tab through the map's controls to the first state and open it.
      let name = "";
      for (let i = 0; i < 40 && !name; i++) {
        await page.keyboard.press("Tab");
        name = await page.evaluate(() =>
          document.activeElement?.classList.contains("shape-link")
            ? (document.activeElement.getAttribute("aria-label") ?? "")
            : "",
        );
      }
      expect(name).toMatch(/^[A-Z][a-z]+.*: \d/);
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => location.hash.startsWith("#/state/"));
      await settled(page);
      expect(await page.locator("h1").textContent()).toMatch(/^287\(g\) in /);
      expect(w.problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("the static site", () => {
  it("works from `g287 site` output on a plain static file server, in both languages", async () => {
    const out = path.join(tmpDir("g287-site-"), "site");
    await renderSite(store, out, { webDist: dist, concurrency: 16 });
    const staticServer = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      let file = path.join(out, decodeURIComponent(url.pathname));
      if (!file.startsWith(out)) return void res.writeHead(403).end();
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
      if (!fs.existsSync(file)) return void res.writeHead(404).end("not found");
      const type =
        {
          ".html": "text/html",
          ".js": "text/javascript",
          ".css": "text/css",
          ".json": "application/json",
          ".csv": "text/csv",
        }[path.extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => staticServer.listen(0, "127.0.0.1", r));
    const site = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const failures: string[] = [];
      for (const lang of LANGS) {
        for (const p of pages(agency)) {
          const { page, w } = await open(ctx, site + withLang(p.hash, lang));
          if (w.problems.length) failures.push(`${p.name} (${lang}): ${w.problems.join("; ")}`);
          if (p.name === "home" && lang === "en") {
            expect(await page.locator(".stat-value").first().textContent()).toBe("1,779");
            await page.screenshot({ path: `${SHOTS}/static-home-en.png` });
          }
          await page.close();
        }
      }
      expect(failures, failures.join("\n")).toEqual([]);
    } finally {
      await ctx.close();
      await new Promise((r) => staticServer.close(r));
    }
  }, 600_000);
});
