// "Am I covered?" in a real browser (Debian chromium through playwright-core), on the real ledger,
// at phone (390×844, touch) and desktop (1280×900) sizes, in English and Spanish: answers for a ZIP
// code, a town and a county in Florida, Texas and Maryland (a ban) checked against /api/v1/lookup
// and the roster; the box typed and submitted; a geolocation stub. Screenshots go to
// /tmp/g287-shots/, or to the folder in G287_SCREENSHOTS (docs/screenshots/ for the committed ones).
import { describe, expect, it } from "vitest";
import { browserSuite, LANGS, withLang } from "./browser.js";
import { lookupChecks, lookupShots, QUERIES, SIZES, shown, sorted } from "./lookup-page.js";

declare const location: { hash: string };

const web = browserSuite();
const { api, compare, onPage } = lookupChecks(web);
const shots = lookupShots();

describe("Am I covered?", () => {
  for (const size of SIZES)
    for (const lang of LANGS)
      it(`answers a ZIP code, a town and a county in FL, TX and MD as the API does (${size.name}, ${lang})`, async () => {
        await onPage({ size, lang }, null, async (page, problems) => {
          for (const { q, state, county } of QUERIES) {
            await page.goto(`${web.base}${withLang(`#/?q=${encodeURIComponent(q)}`, lang)}`);
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
          await page.goto(`${web.base}${withLang(`#/?q=${encodeURIComponent("Qqqqzz")}`, lang)}`);
          const none = await shown(page);
          expect(none.none).toContain("Qqqqzz");
          // The box: typed and submitted with Enter.
          await page.goto(`${web.base}${withLang("#/", lang)}`);
          await page.fill("#lookup-q", "33602");
          await page.press("#lookup-q", "Enter");
          const typed = await shown(page);
          compare(typed, await api("q=33602"), `typed 33602 (${size.name}, ${lang})`);
          expect(await page.evaluate(() => location.hash)).toContain("q=33602");
          if (size.name === "phone") {
            await page
              .locator(".lookup-answer h3")
              .evaluate((h) => (h as unknown as { scrollIntoView(): void }).scrollIntoView());
            await page.screenshot({ path: `${shots}/home-lookup-${lang}.png` });
          }
          expect(problems).toEqual([]);
        });
      }, 180_000);

  it("answers the browser's location (a geolocation stub) as the API answers that point, in both languages", async () => {
    const point = { latitude: 27.9506, longitude: -82.4572 };
    for (const lang of LANGS)
      await onPage(
        { size: SIZES[0], lang, extra: { geolocation: point, permissions: ["geolocation"] } },
        "#/",
        async (page, problems) => {
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
        },
      );
  }, 120_000);
});
