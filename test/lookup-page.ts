// "Am I covered?" as the browser tests see it: phone and desktop sizes, the places asked about,
// what the page shows (agency ids by group, listed flags, verdict, laws), compared with
// /api/v1/lookup and with the roster of the latest list, computed apart from the lookup.
import path from "node:path";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { beforeAll, expect } from "vitest";
import { latestListDate } from "../src/analysis/population.js";
import { roster } from "../src/analysis/queries.js";
import { type BrowserApp, shotsDir, watch, withLang, withPage } from "./browser.js";
import { ROOT } from "./helpers.js";

// Browser globals, for callbacks that run inside the page.
declare const document: {
  querySelector(s: string): { textContent: string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>;
  documentElement: { scrollWidth: number; clientWidth: number };
};

/** Screenshots: /tmp/g287-shots/, or the folder in G287_SCREENSHOTS (docs/screenshots/ for the committed ones). */
export const lookupShots = () =>
  shotsDir(process.env.G287_SCREENSHOTS ? path.resolve(ROOT, process.env.G287_SCREENSHOTS) : undefined);

export const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  { name: "desktop", viewport: { width: 1280, height: 900 }, hasTouch: false, isMobile: false },
] as const;

/** A ZIP code, a town and a county in Florida, Texas and Maryland (a ban since 2025). */
export const QUERIES = (
  [
    // [what is typed, state, county GEOID]
    ["33602", "FL", "12057"],
    ["Tampa, FL", "FL", "12057"],
    ["Hillsborough County, FL", "FL", "12057"],
    ["77573", "TX", "48167"],
    ["Stephenville, TX", "TX", "48143"],
    ["Harris County, TX", "TX", "48201"],
    ["21701", "MD", "24021"],
    ["Frederick, MD", "MD", "24021"],
    ["Frederick County, MD", "MD", "24021"],
  ] as const
).map(([q, state, county]) => ({ q, state, county }));

export interface ApiAgency {
  id: string;
  listed: boolean;
  agreements: { id: string; standing: string }[];
}
export interface ApiAnswer {
  state: string;
  county: { geoid: string; name: string } | null;
  covered: boolean;
  county_agencies: ApiAgency[];
  city_agencies: ApiAgency[];
  statewide_agencies: ApiAgency[];
  other_in_county: ApiAgency[];
  laws: { kind: string }[];
}

/** What the page shows: agency ids by group, the listed flags, the verdict and the laws. */
export async function shown(page: Page) {
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

export const sorted = (l: ApiAgency[]) => l.map((a) => a.id).sort();

export const panelAgencies = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll(".map-panel li[data-agency]"))
      .map((e) => e.getAttribute("data-agency") as string)
      .sort(),
  );

export type Size = (typeof SIZES)[number];

/**
 * The lookup's checks on a served app: the API's answer, a page compared with it, the agencies
 * listed in a county, and a browser context at a size and in a language. Registers a beforeAll
 * that reads the roster and builds the lookup indexes once, before any page waits on them.
 */
export function lookupChecks(web: BrowserApp) {
  let listed = new Set<string>();
  let latest = "";

  async function api(q: string): Promise<ApiAnswer> {
    const r = await fetch(`${web.base}api/v1/lookup.json?${q}`);
    expect(r.status, q).toBe(200);
    return ((await r.json()) as { data: ApiAnswer }).data;
  }

  beforeAll(async () => {
    latest = (await latestListDate(web.store.db)) as string;
    listed = new Set((await roster(web.store.db, { asOf: latest })).map((r) => r.agreement_id as string));
    await api("q=33602");
  }, 180_000);

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

  /** The agencies with an agreement on the list in force in one county, from the roster. */
  async function listedIn(fips: string): Promise<string[]> {
    const rows = await roster(web.store.db, { asOf: latest });
    return [
      ...new Set(rows.filter((r) => r.county_fips === fips && !r.statewide).map((r) => r.agency_id as string)),
    ].sort();
  }

  /** A browser context's options for a size and a language. */
  const contextOptions = (size: Size, lang: string, extra: object = {}): BrowserContextOptions => ({
    viewport: size.viewport,
    hasTouch: size.hasTouch,
    isMobile: size.isMobile,
    locale: lang === "es" ? "es-US" : "en-US",
    ...extra,
  });

  /** A browser context at a size and in a language (closing it is the caller's). */
  const context = (size: Size, lang: string, extra: object = {}): Promise<BrowserContext> =>
    web.browser.newContext(contextOptions(size, lang, extra));

  /**
   * A fresh page at `size` in `lang`, watched for problems, opened at `hash` (in that language; null:
   * blank) and given to `check`; its context is closed whatever happens.
   */
  function onPage(
    at: { size: Size; lang: string; extra?: object },
    hash: string | null,
    check: (page: Page, problems: string[]) => Promise<void>,
  ): Promise<void> {
    return withPage(web.browser, contextOptions(at.size, at.lang, at.extra), async (page) => {
      const problems = watch(page, { failedRequests: false });
      if (hash !== null) await page.goto(`${web.base}${withLang(hash, at.lang)}`);
      await check(page, problems);
    });
  }

  return { api, compare, listedIn, context, onPage };
}
