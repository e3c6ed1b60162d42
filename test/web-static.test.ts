// The static site (`g287 site` output, rendered once here) on a plain static file server, in a real
// browser (Debian chromium through playwright-core): every page in both languages without errors,
// and "Am I covered?" answering from the site's files as the API answers.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSite } from "../src/server/site.js";
import {
  browserSuite,
  everyPage,
  LANGS,
  open,
  type Served,
  serveFolder,
  shotsDir,
  topAgency,
  watch,
  withLang,
} from "./browser.js";
import { tmpDir } from "./helpers.js";
import { lookupChecks, SIZES, shown } from "./lookup-page.js";

const web = browserSuite();
const { api, compare, context } = lookupChecks(web);
const shots = shotsDir();
let agency: string;
let out: string;
let site: Served;

beforeAll(async () => {
  agency = await topAgency(web.store);
  out = path.join(tmpDir("g287-site-"), "site");
  await renderSite(web.store, out, { webDist: web.dist, concurrency: 16 });
  site = await serveFolder(out);
}, 600_000);

afterAll(() => site?.close());

describe("the static site", () => {
  it("works from `g287 site` output on a plain static file server, in both languages", async () => {
    const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const failures: string[] = [];
      for (const lang of LANGS) {
        for (const p of everyPage(agency)) {
          const { page, problems } = await open(ctx, site.base + withLang(p.hash, lang));
          if (problems.length) failures.push(`${p.name} (${lang}): ${problems.join("; ")}`);
          if (p.name === "home" && lang === "en") {
            expect(await page.locator(".stat-value").first().textContent()).toBe("1,779");
            await page.screenshot({ path: `${shots}/static-home-en.png` });
          }
          await page.close();
        }
      }
      expect(failures, failures.join("\n")).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 600_000);

  it("answers a lookup from `g287 site` output on a plain file server, as the API does", async () => {
    expect(fs.existsSync(path.join(out, "data/lookup/FL.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "data/lookup/places-t.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "data/search.json"))).toBe(true);
    const ctx = await context(SIZES[0], "en", {
      geolocation: { latitude: 27.9506, longitude: -82.4572 },
      permissions: ["geolocation"],
    });
    try {
      const page = await ctx.newPage();
      const problems = watch(page, { failedRequests: false });
      for (const q of ["33602", "Frederick County, MD"]) {
        await page.goto(`${site.base}#/?q=${encodeURIComponent(q)}`);
        compare(await shown(page), await api(`q=${encodeURIComponent(q)}`), `static ${q}`);
      }
      await page.goto(`${site.base}#/`);
      await page.tap(".lookup-locate");
      compare(await shown(page), await api("lat=27.9506&lon=-82.4572"), "static geolocation");
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
