// Every page of the web app in a real browser (Debian chromium through playwright-core) on the real
// ledger, in English and Spanish: no console errors, the right language, no serious axe violations;
// the home page's figures and script weight; states apart from DC and the territories, and the
// territories' pages; the claims page. Screenshots go to /tmp/g287-shots/.
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClaimFile } from "../src/analysis/claim-file.js";
import { countiesOf } from "../src/context/geography.js";
import type { ClaimsFile, Summary, TimelineFile } from "../src/domain/index.js";
import { isTerritory } from "../src/domain/state.js";
import {
  type AppPage,
  axe,
  browserSuite,
  everyPage,
  getJson,
  LANGS,
  open,
  settled,
  shotsDir,
  topAgency,
  withLang,
  withPage,
} from "./browser.js";
import { ROOT } from "./helpers.js";

// Browser globals, for the callbacks that run inside the page (this file itself runs in Node).
declare const document: { documentElement: { lang: string } };

const web = browserSuite();
const shots = shotsDir();
let agency: string;

beforeAll(async () => {
  agency = await topAgency(web.store);
});

describe("every page, in English and Spanish", () => {
  // One test per page and language: each page is screenshot and scanned by axe.
  for (const lang of LANGS) {
    describe(lang, () => {
      let ctx: BrowserContext;
      beforeAll(async () => {
        ctx = await web.browser.newContext({
          viewport: { width: 1280, height: 900 },
          locale: lang === "es" ? "es-US" : "en-US",
        });
      });
      afterAll(() => ctx?.close());
      for (const { name } of everyPage("")) {
        it(`opens ${name} in ${lang} with no console errors, the right language, and no serious axe violations`, async () => {
          const p = everyPage(agency).find((x) => x.name === name) as AppPage;
          const { page, problems } = await open(ctx, web.base + withLang(p.hash, lang));
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
          const nav = await page.locator("nav[aria-label] a").allTextContents();
          expect(nav[0]).toBe(lang === "es" ? "Inicio" : "Home");
          // Links inside the app keep the language.
          const hrefs = await page
            .locator("main a[href^='#/']")
            .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
          for (const h of hrefs) expect(h?.includes("lang=es") ?? false, h ?? "").toBe(lang === "es");
          await page.screenshot({ path: `${shots}/${name}-${lang}.png`, fullPage: true });
          expect(await axe(page), "axe").toEqual([]);
          expect(problems).toEqual([]);
          await page.close();
        });
      }
    });
  }

  it("shows the real headline figures on the home page, formatted per language", async () => {
    const s = await getJson<Summary>(web, "data/summary.json");
    expect(s.latest_list).toBe("2026-05-01");
    expect(s.active.agreements).toBe(1779);
    expect(s.ever.agreements).toBe(1880);
    const ctx = await web.browser.newContext();
    try {
      const { page: en } = await open(ctx, `${web.base}#/`);
      const stats = await en.locator(".stat-value").allTextContents();
      expect(stats).toContain("1,779");
      expect(stats.join(" ")).toContain("May 1, 2026");
      const { page: es } = await open(ctx, `${web.base}#/?lang=es`);
      const esStats = (await es.locator(".stat-value").allTextContents()).join(" ");
      expect(esStats).toMatch(/\b1 may\.? 2026/);
      expect(await es.locator("h1").textContent()).toBe("Acuerdos 287(g), lista por lista");
      // The timeline's table twin holds one row per month since January 2021.
      const tl = await getJson<TimelineFile>(web, "data/timeline.json");
      expect(await en.locator("figure details.twin tbody tr").count()).toBe(tl.monthly.length);
      expect(tl.monthly[0]?.month).toBe("2021-01");
    } finally {
      await ctx.close();
    }
  });

  it("keeps the home page's JavaScript under 150 kB gzipped (Plot and the map files load elsewhere)", async () => {
    await withPage(web.browser, {}, async (page) => {
      const scripts: Promise<{ url: string; gz: number }>[] = [];
      page.on("response", (r) => {
        if (r.url().endsWith(".js")) scripts.push(r.body().then((b) => ({ url: r.url(), gz: gzipSync(b).length })));
      });
      await page.goto(`${web.base}#/`);
      await settled(page);
      const loaded = await Promise.all(scripts);
      const total = loaded.reduce((a, s) => a + s.gz, 0);
      expect(total).toBeGreaterThan(5_000);
      expect(total, loaded.map((s) => `${s.url} ${s.gz}`).join("\n")).toBeLessThan(150_000);
      expect(loaded.some((s) => /PlotChart|plot/i.test(s.url))).toBe(false);
    });
  });
});

describe("states and territories", () => {
  it("counts the states apart from DC and the territories on the home page, from the latest list", async () => {
    const s = await getJson<Summary>(web, "data/summary.json");
    // Independently of summary.json: the places of the agreements listed on the latest list.
    const listed = await web.store.db
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
    const ctx = await web.browser.newContext();
    try {
      const { page } = await open(ctx, `${web.base}#/`);
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
      const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        for (const lang of LANGS) {
          const { page, problems } = await open(ctx, web.base + withLang(`#/state/${code}`, lang));
          await page.screenshot({ path: `${shots}/state-${code}-${lang}.png`, fullPage: true });
          expect(problems, `${code} (${lang})`).toEqual([]);
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
    const d = await getJson<ClaimsFile>(web, "data/claims.json");
    const article = readClaimFile(path.join(ROOT, "data/claims", d.files[0] as string)).article;
    const ctx = await web.browser.newContext();
    try {
      const { page, problems } = await open(ctx, `${web.base}#/claims`);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).toContain(article.publisher as string);
      expect(text).toContain("republished by Western Journal");
      expect(text).toContain("Claim made on Feb 11, 2026");
      expect(text).not.toMatch(/\bissue \d|g287 issue/i);
      // One note per claim whose figure rests on a correction ICE published after the claim date.
      expect(await page.locator("article.claim p.note").count()).toBe(
        d.claims.filter((c) => c.depends_on_later_correction).length,
      );
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
