import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { keyedText, messageKeys, renderMsg } from "../src/analysis/messages.js";
import type { AgencyFile, AgreementsFile, ClaimsFile, StateFile, StatesFile } from "../src/domain/files.js";
import { frame as enFrame } from "../web/src/i18n/en/frame.js";
import { pages as enPages } from "../web/src/i18n/en/pages.js";
import { values as enValues } from "../web/src/i18n/en/values.js";
import { frame as esFrame } from "../web/src/i18n/es/frame.js";
import { pages as esPages } from "../web/src/i18n/es/pages.js";
import { values as esValues } from "../web/src/i18n/es/values.js";
import { browserSuite, getJson as fetchJson, settled, withPage } from "./browser.js";

declare const document: {
  documentElement: { lang: string };
  querySelector(s: string): unknown;
  querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getAttribute(n: string): string | null }>;
  body: { cloneNode(deep: boolean): FakeNode };
  title: string;
};
interface FakeNode {
  querySelectorAll(s: string): ArrayLike<{ remove(): void }>;
  innerText?: string;
  textContent: string | null;
}
declare const location: { hash: string; search: string };

const EN = { ...enFrame, ...enValues, ...enPages };
const ES = { ...esFrame, ...esValues, ...esPages };

/** Words that must not appear in Spanish text (whole words, case-sensitive where capitalised). */
const ENGLISH_ONLY = [
  "listed",
  "agreements",
  "Agreements",
  "removed",
  "quarantined",
  "mass drop",
  "every row of",
  "missing",
  "since",
  "Read on",
  "lists",
  "Loading",
  "Show",
  "Download",
  "State law",
  "per 100,000",
  "computed from",
  "counties have",
];

const web = browserSuite();
let base: string;
let browser: Browser;
/** The app's message keys: a key printed as-is is a missing translation. */
const i18nKeys = new Set([...Object.keys(EN), ...messageKeys("en")]);
const getJson = <T>(p: string) => fetchJson<T>(web, p);

beforeAll(() => {
  ({ base, browser } = web);
});

/**
 * The page's visible text, every <details> opened, without the parts marked as English (curated
 * quotes and citations), file names (agreements.csv) and identifiers (rule codes like missing_slash).
 */
async function spanishText(page: Page): Promise<string> {
  const text = await page.evaluate(() => {
    const all = (s: string) =>
      Array.from(
        document.querySelectorAll(s) as unknown as ArrayLike<{
          open?: boolean;
          style: { display: string };
        }>,
      );
    for (const d of all("details")) d.open = true;
    const hidden = all('[lang="en"]');
    const before = hidden.map((h) => h.style.display);
    for (const h of hidden) h.style.display = "none";
    // innerText, not textContent: it follows the layout, so table cells stay apart ("80 2.6 82").
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is exactly what is wanted here
    const t = (document as unknown as { body: { innerText: string } }).body.innerText;
    hidden.forEach((h, i) => {
      h.style.display = before[i] ?? "";
    });
    return t;
  });
  return text.replace(/[\w.-]+\.(csv|json|atom|xlsx|pdf)\b/g, " ").replace(/\S*_\S*/g, " ");
}

describe("the app's messages", () => {
  it("has every key in both languages, each file with the same keys, and no Spanish message left empty", () => {
    const pairs = [
      [enFrame, esFrame],
      [enValues, esValues],
      [enPages, esPages],
    ] as const;
    for (const [en, es] of pairs) expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(EN).length).toBe(
      Object.keys(enFrame).length + Object.keys(enValues).length + Object.keys(enPages).length,
    );
    expect(Object.keys(EN).length).toBeGreaterThan(500);
    // A message is empty in Spanish only where it is in English too ("claims.op.none").
    expect(Object.entries(ES).filter(([k, v]) => !v.trim() && EN[k as keyof typeof EN].trim())).toEqual([]);
  });
});

describe("analysis sentences as message keys", () => {
  it("has every key in both languages and renders the ledger's reasons in Spanish", () => {
    expect(messageKeys("es").sort()).toEqual(messageKeys("en").sort());
    const m = keyedText("mass drop: 308 usable rows against 445 on the last applied list (69.2%, threshold 70%)");
    expect(m.key).toBe("quarantine.mass_drop");
    expect(m.params).toEqual({ rows: 308, last: 445, share: 69.2, threshold: 70 });
    expect(renderMsg(m, "es")).toBe(
      "caída masiva: 308 filas utilizables frente a 445 en la última lista aplicada (69.2 %, umbral 70 %)",
    );
    const held = keyedText(
      "every row of NY (14) is missing: its missing agreements are held as unconfirmed; the rest of the list applies",
    );
    expect(held.key).toBe("hold.state_held");
    expect(renderMsg(held, "es")).toBe(
      "faltan todas las filas de NY (14): sus acuerdos ausentes quedan retenidos como no confirmados; el resto de la lista se aplica",
    );
    // A sentence no key knows stays itself.
    expect(keyedText("something new").key).toBe("text");
    expect(renderMsg(keyedText("something new"), "es")).toBe("something new");
  });
});

describe("the language", () => {
  it("is read from ?lang before or inside the hash, remembered, and set on <html lang>", async () => {
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      // Before the hash: moved inside it, so later links keep it.
      await page.goto(`${base}?lang=es#/state/TX`);
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
      expect(await page.locator("main h1").textContent()).toContain("Texas");
      expect(await page.evaluate(() => location.search)).toBe("");
      expect(await page.evaluate(() => location.hash)).toContain("lang=es");
      expect(await page.title()).toMatch(/El 287\(g\) en Texas|287\(g\) en Texas/);
      // Remembered: a bare link opens in Spanish.
      await page.goto(`${base}#/models`);
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
      expect(await page.locator("main h1").textContent()).toBe("Los tres modelos");
      // The switch goes back to English, which is remembered in turn.
      await page.locator(".lang-switch").click();
      await page.waitForFunction(() => document.documentElement.lang === "en");
      await page.goto(`${base}#/funnel`);
      await settled(page);
      expect(await page.locator("main h1").textContent()).toBe("From application to agreement");
      // Inside the hash.
      await page.goto(`${base}#/coverage?lang=es`);
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
      expect(await page.locator("main h1").textContent()).toBe("Residentes cubiertos");
    });
  }, 180_000);
});

describe("every page in Spanish", () => {
  it("shows no untranslated key, no English-only phrase and one number format", async () => {
    const agreements = await getJson<AgreementsFile>("data/agreements.json");
    const removed = agreements.rows.find((r) => r.agreement_id.startsWith("md-frederick-county-sheriffs-office/"));
    expect(removed, "Frederick County, MD is in the record").toBeTruthy();
    const top = [...agreements.rows].sort((a, b) => (a.agency_id < b.agency_id ? -1 : 1))[0]?.agency_id as string;
    const hashes = [
      "#/",
      "#/map",
      "#/agreements",
      "#/agreements?listed=ever",
      "#/states",
      "#/models",
      "#/funnel",
      "#/coverage",
      "#/changes",
      "#/claims",
      "#/methodology",
      "#/state/TX",
      "#/state/MD",
      "#/state/FL",
      `#/agency/${removed?.agency_id}`,
      `#/agency/${top}`,
    ];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "es-US" });
    const failures: string[] = [];
    try {
      for (const h of hashes) {
        const page = await ctx.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${base}${h}${h.includes("?") ? "&" : "?"}lang=es`);
        await settled(page);
        // Sections that load their own data (the law near an end date) get a moment to appear.
        await page.waitForLoadState("networkidle");
        expect(await page.evaluate(() => document.documentElement.lang), h).toBe("es");
        const text = await spanishText(page);
        const keys = [...text.matchAll(/\b[a-z_]+(?:\.[A-Za-z_]+)+\b/g)]
          .map((m) => m[0])
          .filter((k) => i18nKeys.has(k));
        if (keys.length) failures.push(`${h}: untranslated keys ${[...new Set(keys)].join(", ")}`);
        for (const w of ENGLISH_ONLY) {
          const re = new RegExp(`(^|[^\\p{L}])${w.replace(/[()]/g, "\\$&")}([^\\p{L}]|$)`, "u");
          const hit = re.exec(text);
          if (hit)
            failures.push(`${h}: English "${w}" in …${text.slice(Math.max(0, hit.index - 60), hit.index + 60)}…`);
        }
        // es-US groups thousands with a comma: "1.560" or "100.000" would be the other convention.
        const dotted = /(^|[^\d.,])\d{1,3}(\.\d{3})+(?![\d.,])/.exec(text);
        if (dotted) failures.push(`${h}: number grouped with dots "${dotted[0]}"`);
        if (errors.length) failures.push(`${h}: ${errors.join("; ")}`);
        await page.close();
      }
    } finally {
      await ctx.close();
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

describe("new pages and views", () => {
  it("opens Agreements on the agreements listed now, with every agreement ever one click away", async () => {
    const data = await getJson<AgreementsFile>("data/agreements.json");
    // Independently of the page: listed on the latest list, from the periods.
    const now = data.rows.filter((r) =>
      r.periods.some(([s, e]) => s <= data.latest_list && (e === null || e > data.latest_list)),
    ).length;
    expect(now).toBeLessThan(data.rows.length);
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${base}#/agreements`);
      await settled(page);
      const count = async () => Number((await page.locator(".result-bar .count").textContent())?.replace(/\D/g, ""));
      expect(await count()).toBe(now);
      await page.locator(".view-switch a").click();
      await page.waitForFunction(() => location.hash.includes("listed=ever"));
      await expect.poll(count).toBe(data.rows.length);
    });
  }, 120_000);

  it("lists every state with its counts and a trend that ends on the listed-now count", async () => {
    const states = await getJson<StatesFile>("data/states.json");
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${base}#/states`);
      await settled(page);
      const rows = await page.locator("main > .table-wrap tbody tr").evaluateAll((trs) =>
        trs.map((tr) => ({
          href: tr.querySelector("a")?.getAttribute("href") ?? "",
          cells: Array.from(tr.querySelectorAll("td")).map(
            (td) => (td as { textContent: string | null }).textContent ?? "",
          ),
        })),
      );
      expect(rows.length).toBe(states.rows.length);
      for (const s of states.rows) {
        const r = rows.find((x) => x.href === `#/state/${s.state}`);
        expect(r, s.state).toBeTruthy();
        expect(Number(r?.cells[1]?.replace(/\D/g, "")), s.state).toBe(s.active);
        expect(Number(r?.cells[3]?.replace(/\D/g, "")), s.state).toBe(s.ever);
        // The sparkline's last point is the latest list: the state's listed-now count.
        expect(
          r?.cells[5]?.trim().endsWith(`→ ${s.active.toLocaleString("en-US")}`),
          `${s.state}: ${r?.cells[5]}`,
        ).toBe(true);
      }
    });
  }, 120_000);

  it("shows the funnel and coverage figures of the API", async () => {
    const funnel = await getJson<{
      data: { applications: { ever_pending: { count: number }; dropped: { count: number } } };
    }>("api/v1/funnel.json");
    const coverage = await getJson<{ national: { covered: number } }>("api/v1/coverage.json");
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${base}#/funnel`);
      await settled(page);
      const twin = await page.locator("figure .twin table tbody tr").allTextContents();
      expect(twin[0]).toContain(funnel.data.applications.ever_pending.count.toLocaleString("en-US"));
      expect(twin.find((t) => t.startsWith("Dropped"))).toContain(String(funnel.data.applications.dropped.count));
      await page.goto(`${base}#/coverage`);
      await settled(page);
      expect(await page.locator(".stat-value").first().textContent()).toBe(
        coverage.national.covered.toLocaleString("en-US"),
      );
      await page.goto(`${base}#/models?lang=es`);
      await settled(page);
      expect(await page.locator("main h2").count()).toBe(3);
    });
  }, 120_000);

  it("names the state law in force around a removed agreement's end date, without calling it the cause", async () => {
    const agency = await getJson<AgencyFile>("data/agency/md-frederick-county-sheriffs-office.json");
    const md = await getJson<StateFile>("data/state/MD.json");
    const ended = agency.agreements.find((g) => g.status === "removed" && g.ended_on);
    expect(ended).toBeTruthy();
    const ban = md.policies.find((p) => p.kind === "ban" && !p.proposed);
    expect(ban?.effective).toBeTruthy();
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${base}#/agency/md-frederick-county-sheriffs-office`);
      await settled(page);
      const note = page.locator(".law-near-end");
      await note.waitFor();
      const text = (await note.textContent()) ?? "";
      expect(text).toContain("Ban");
      expect(text).toContain(ban?.citation as string);
      expect(text).toContain("not why");
      // The page's own date formats: the ban's effective date and the end date as the page prints them.
      const fmt = (iso: string) =>
        new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
      expect(text).toContain(fmt(ban?.effective as string));
      expect(text).toContain(fmt(ended?.ended_on as string));
      expect(await page.title()).toContain(agency.agency.name);
    });
  }, 120_000);
});

describe("claim readings in Spanish", () => {
  it("has a Spanish name for every reading in the page data and the API, and the Spanish page shows them", async () => {
    const claims = await getJson<ClaimsFile>("data/claims.json");
    const readings = claims.claims.flatMap((c) => c.readings);
    expect(readings.length).toBeGreaterThan(0);
    expect(readings.filter((r) => !r.name_es || r.name_es === r.name).map((r) => r.name)).toEqual([]);
    const api = await getJson<{ rows: { readings: { name: string; name_es: string | null }[] }[] }>(
      "api/v1/claims?limit=all",
    );
    expect(api.rows.flatMap((c) => c.readings).map((r) => [r.name, r.name_es])).toEqual(
      readings.map((r) => [r.name, r.name_es]),
    );
    await withPage(browser, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${base}#/claims?lang=es`);
      await settled(page);
      const cells = await page.locator("table td:first-child").allTextContents();
      for (const r of readings) expect(cells, r.name).toContain(r.name_es);
      for (const r of readings) expect(cells, r.name).not.toContain(r.name);
      // A reason we wrote ourselves (cannot_check) is Spanish too.
      const text = await spanishText(page);
      for (const r of readings.filter((x) => x.reason_es)) expect(text).toContain(r.reason_es);
      // English pages keep the English names.
      await page.goto(`${base}#/claims?lang=en`);
      await page.waitForFunction(() => document.documentElement.lang === "en");
      await settled(page);
      const en = await page.locator("table td:first-child").allTextContents();
      for (const r of readings) expect(en).toContain(r.name);
    });
  }, 120_000);
});
