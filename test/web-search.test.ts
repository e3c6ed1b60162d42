// The header search and the lookup's accessibility in a real browser (Debian chromium through
// playwright-core) on the real ledger: a county, a town, an agency and a state found by keyboard
// (arrows, Enter, Escape) and by tap, in both languages; no serious axe violations with an answer,
// the search list or a county panel open.
import { describe, expect, it } from "vitest";
import { axe, browserSuite, LANGS, withLang } from "./browser.js";
import { lookupChecks, SIZES, shown } from "./lookup-page.js";

declare const location: { hash: string };

const web = browserSuite();
const { onPage } = lookupChecks(web);

describe("the header search", () => {
  it("finds a county, a town, an agency and a state by keyboard (arrows, Enter, Escape), in both languages", async () => {
    for (const lang of LANGS)
      await onPage({ size: SIZES[1], lang }, "#/", async (page, problems) => {
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
      });
  }, 120_000);

  it("opens a result by tap on a phone", async () => {
    await onPage({ size: SIZES[0], lang: "es" }, "#/", async (page) => {
      await page.waitForSelector("#site-search");
      await page.tap("#site-search");
      await page.keyboard.type("stephenville");
      await page.waitForSelector("#site-search-list li[data-kind='city']");
      await page.locator("#site-search-list li[data-kind='city']").first().tap();
      const s = await shown(page);
      expect(s.county).toBe("48143");
      expect(await page.evaluate(() => location.hash)).toContain("lang=es");
    });
  }, 60_000);
});

describe("accessibility", () => {
  // axe and the keyboard over ~3,000 county shapes, in two languages: minutes on a busy machine.
  it("has no serious axe violations with an answer, the search list open, or a county panel open", async () => {
    for (const lang of LANGS)
      await onPage({ size: SIZES[1], lang }, `#/?q=${encodeURIComponent("Tampa, FL")}`, async (page) => {
        await shown(page);
        await page.locator(".lookup-other summary").click();
        expect(await axe(page), `home (${lang})`).toEqual([]);
        await page.focus("#site-search");
        await page.keyboard.type("harris");
        await page.waitForSelector("#site-search-list li[data-kind]");
        await page.keyboard.press("ArrowDown");
        expect(await axe(page), `search (${lang})`).toEqual([]);
        await page.goto(`${web.base}${withLang("#/map?level=county", lang)}`);
        const shape = page.locator('.map .counties [data-id="12057"]');
        await shape.waitFor({ timeout: 60_000 });
        await shape.click();
        await page.waitForSelector(".map-panel");
        expect(await axe(page), `county map (${lang})`).toEqual([]);
      });
  }, 300_000);
});
