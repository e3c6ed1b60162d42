// The agreements table and an agency page in a real browser (Debian chromium through
// playwright-core) on the real ledger: filters, search and sort kept in the address, the CSV of
// exactly the current view (formula-safe), and an agency page against its data file and the API,
// in English and Spanish. Screenshots go to /tmp/g287-shots/.
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { safeCell, toCsv } from "../src/domain/csv.js";
import { type AgencyFile, type AgreementsFile, VIEW_COLUMNS } from "../src/domain/index.js";
import { browserSuite, getJson, LANGS, open, shotsDir, topAgency, watch, withLang, withPage } from "./browser.js";

declare const location: { hash: string };

const web = browserSuite();
let agency: string;

beforeAll(async () => {
  agency = await topAgency(web.store);
});

describe("the agreements table", () => {
  it("filters, searches and sorts through the address, and downloads exactly the current view as CSV", async () => {
    const data = await getJson<AgreementsFile>(web, "data/agreements.json");
    const ctx = await web.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    try {
      const { page, problems } = await open(ctx, `${web.base}#/agreements?listed=ever`);
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
      await page.goto(`${web.base}#/agreements?listed=ever&state=AL&q=Etowah`);
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
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("writes CSV that neutralises formulas (the domain's, for the app's downloads and the server's exports alike)", () => {
    const rows = [
      { a: '=HYPERLINK("http://x")', b: "+1", c: "-2", d: "@SUM(A1)", e: "plain, with comma", f: 'say "hi"', g: null },
    ];
    const cols = ["a", "b", "c", "d", "e", "f", "g"];
    expect(safeCell("=1+1")).toBe("'=1+1");
    expect(safeCell("\tx")).toBe("'\tx");
    expect(safeCell("Harris County")).toBe("Harris County");
    expect(parse(toCsv(cols, rows), { columns: true })).toEqual([
      {
        a: `'=HYPERLINK("http://x")`,
        b: "'+1",
        c: "'-2",
        d: "'@SUM(A1)",
        e: "plain, with comma",
        f: 'say "hi"',
        g: "",
      },
    ]);
    expect(toCsv(cols, rows).split("\n")[1]).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),"plain, with comma","say ""hi""",`,
    );
  });
});

describe("an agency page", () => {
  it("shows the same agreements, MOA links, names, provenance and events as its data file and the API", async () => {
    const file = await getJson<AgencyFile>(web, `data/agency/${agency}.json`);
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
    }>(web, `api/v1/agencies/${agency}`);
    expect(file.agreements.length).toBeGreaterThanOrEqual(3);
    expect(api.data.agency.name).toBe(file.agency.name);
    const byId = (
      xs: { agreement_id: string; status: string; model: string; signed_on: string | null; moa_url: string | null }[],
    ) => xs.map((x) => [x.agreement_id, x.status, x.model, x.signed_on, x.moa_url]).sort();
    expect(byId(file.agreements)).toEqual(byId(api.data.agreements));

    for (const lang of LANGS) {
      const ctx = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const { page, problems } = await open(ctx, web.base + withLang(`#/agency/${agency}`, lang));
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
        await page.screenshot({ path: `${shotsDir()}/agency-check-${lang}.png`, fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  });

  it("says so when an agency does not exist, without a console error beyond the 404", async () => {
    await withPage(web.browser, {}, async (page) => {
      const problems = watch(page);
      await page.goto(`${web.base}#/agency/zz-no-such-agency`);
      await page.waitForSelector("main h1");
      expect(await page.locator("main h1").textContent()).toBe("Page not found");
      expect(problems.filter((p) => !p.includes("zz-no-such-agency") && !p.includes("404"))).toEqual([]);
    });
  });
});
