// Maps you can tap, in a real browser (Debian chromium through playwright-core) on the real ledger:
// a county opened by Enter (desktop, one roving tab stop, a thick focus ring) and by tap (phone), on
// the map and the state page, with the agencies listed there; the skip button past ~3,000 counties;
// an agency page on a phone. Screenshots go to /tmp/g287-shots/ (or G287_SCREENSHOTS).
import { describe, expect, it } from "vitest";
import { browserSuite, LANGS, withLang } from "./browser.js";
import { lookupChecks, lookupShots, panelAgencies, SIZES, shown } from "./lookup-page.js";

// Browser globals, for callbacks that run inside the page.
declare const document: {
  querySelector(s: string): { textContent: string | null; id: string; className: string } | null;
  activeElement: { id: string; className: string; getAttribute(n: string): string | null } | null;
};
declare function getComputedStyle(e: unknown): { strokeWidth: string };

const web = browserSuite();
const { listedIn, onPage } = lookupChecks(web);
const shots = lookupShots();

describe("maps you can tap", () => {
  // axe and the keyboard over ~3,000 county shapes, in two languages: minutes on a busy machine.
  it("opens a county by Enter (desktop) with its listed agencies; the skip button passes the map", async () => {
    for (const lang of LANGS)
      await onPage({ size: SIZES[1], lang }, "#/map?level=county", async (page, problems) => {
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
        await page.goto(`${web.base}${withLang("#/map?level=county", lang)}`);
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
      });
  }, 300_000);

  it("opens a county by tap on a phone, on the map and on the state page", async () => {
    for (const lang of LANGS)
      await onPage({ size: SIZES[0], lang }, "#/map?level=county", async (page, problems) => {
        const shape = page.locator('.map .counties [data-id="48201"]');
        await shape.waitFor({ timeout: 60_000 });
        await shape.tap();
        await page.waitForSelector(".map-panel");
        expect(await page.locator("#map-panel-title").textContent()).toContain("Harris County");
        expect(await panelAgencies(page)).toEqual(await listedIn("48201"));
        await page.locator(".map-panel").scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${shots}/map-${lang}.png` });
        // Tapping it again closes the panel.
        await shape.tap();
        await page.waitForSelector(".map-panel", { state: "detached" });
        // The state page's county map opens the same panel.
        await page.goto(`${web.base}${withLang("#/state/FL", lang)}`);
        // The state page draws its county map when asked (the outlines are heavy on a phone).
        await page.locator(".on-demand button").first().tap();
        const fl = page.locator('.map .counties [data-id="12057"]');
        await fl.waitFor({ timeout: 60_000 });
        await fl.tap();
        await page.waitForSelector(".map-panel");
        expect(await panelAgencies(page)).toEqual(await listedIn("12057"));
        expect(problems).toEqual([]);
      });
  }, 120_000);

  it("screenshots an agency page on a phone in both languages", async () => {
    for (const lang of LANGS)
      await onPage({ size: SIZES[0], lang }, "#/agency/fl-hillsborough-county-sheriffs-office", async (page) => {
        await page.waitForFunction(() => !!document.querySelector("main h1") && !document.querySelector(".loading"));
        await page.screenshot({ path: `${shots}/agency-${lang}.png` });
      });
  }, 60_000);
});
