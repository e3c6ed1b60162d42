// The map in a real browser (Debian chromium through playwright-core) on the real ledger: the time
// slider by keyboard, dates and filters kept in the address, counties per capita, embed mode, and
// a state opened from the map with Enter after the skip link. Screenshots go to /tmp/g287-shots/.
import { describe, expect, it } from "vitest";
import type { TimelineFile } from "../src/domain/index.js";
import { axe, browserSuite, getJson, open, settled, shotsDir } from "./browser.js";

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
};
declare const location: { hash: string };

const web = browserSuite();
const shots = shotsDir();

describe("the map", () => {
  it("replays the record with the time slider, keeps the date in the address, and draws counties", async () => {
    const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, problems } = await open(ctx, `${web.base}#/map`);
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
      await page.screenshot({ path: `${shots}/map-slider-2021-01-13.png` });
      // Arrow keys step through lists; End comes back to the latest.
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => !location.hash.includes("date=2021-01-13"));
      await page.keyboard.press("End");
      await page.waitForFunction(() => !location.hash.includes("date="));
      await totalIs("1,779");

      // A permalink restores the date and the filters: 2024-12-01 had 135 agreements and no TFM.
      await page.goto(`${web.base}#/map?date=2024-12-01`);
      await totalIs("135");
      await page.goto(`${web.base}#/map?date=2024-12-01&model=TFM`);
      await totalIs("0");
      expect(await page.getByLabel("Model", { exact: true }).inputValue()).toBe("TFM");
      // The first TFM rows are on the list of 2025-02-19.
      const tl = await getJson<TimelineFile>(web, "data/timeline.json");
      const before = tl.lists.filter((d) => d < "2025-02-19").at(-1);
      await page.goto(`${web.base}#/map?date=${before}&model=TFM&measure=count`);
      await page.waitForFunction(() => location.hash.includes("measure=count"));
      await totalIs("0");
      await page.goto(`${web.base}#/map?date=2025-02-19&model=TFM`);
      await page.waitForFunction(() => document.querySelector(".map-total strong")?.textContent !== "0");
      expect(Number((await total())?.replace(/,/g, ""))).toBeGreaterThan(0);

      // Counties, per capita: the county outlines load on demand and Connecticut is explained.
      await page.goto(`${web.base}#/map?level=county&measure=per_capita`);
      await page.waitForSelector("svg.map g.counties path", { timeout: 60_000 });
      expect(await page.locator("svg.map g.counties path").count()).toBeGreaterThan(3000);
      expect(await page.locator("p.note").first().textContent()).toMatch(
        /Connecticut.*9 planning regions.*8 former counties/,
      );
      await page.screenshot({ path: `${shots}/map-counties-per-capita.png`, fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("shows only the map and its controls in embed mode", async () => {
    const ctx = await web.browser.newContext({ viewport: { width: 900, height: 700 } });
    try {
      const { page, problems } = await open(ctx, `${web.base}#/map?embed=1&date=2025-06-01`);
      expect(await page.locator("header.site-header").count()).toBe(0);
      expect(await page.locator("footer").count()).toBe(0);
      expect(await page.locator("svg.map").count()).toBe(1);
      expect(await page.locator("h1").textContent()).toContain("Jun 1, 2025");
      await page.screenshot({ path: `${shots}/map-embed.png`, fullPage: true });
      const { page: home } = await open(ctx, `${web.base}#/?embed=1&lang=es`);
      expect(await home.locator("header.site-header").count()).toBe(0);
      expect(await home.locator("figure svg[role=img]").count()).toBe(1);
      expect([...(await axe(page)), ...(await axe(home))]).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe("keyboard", () => {
  it("reaches the skip link first, then the navigation, and opens a state from the map with Enter", async () => {
    const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, problems } = await open(ctx, `${web.base}#/map`);
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
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
