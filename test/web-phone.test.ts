// The site on a phone (issue 11 items 4, 5 and 9), in Debian chromium through playwright-core on the
// real ledger: no page scrolls sideways at 360 and 390 px in English and Spanish; every response
// compressed (brotli or gzip) with ETags and 304s, data files and built assets included; the
// changes page loads one month or one state at a time; the agency page carries no Observable
// Plot; embeds post their height and their code fits the content; and the byte and time budgets
// on an emulated phone on Fast 3G (bench/web-phone.ts). Screenshots go to /tmp/g287-phone-shots/.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BUDGET,
  BUDGET_PAGES,
  CPU_SLOWDOWN,
  measurePage,
  type PhoneFigure,
  phoneLine,
  phonePages,
} from "../bench/web-phone.js";
import type { ChangesIndex, ChangesMonthFile, ChangesStateFile } from "../src/domain/changes-files.js";
import type { ChangesFile } from "../src/domain/files.js";
import { dataPaths } from "../src/server/pages/index.js";
import type { Store } from "../src/store/db.js";
import { browserSuite, inContext, LANGS, phoneAgency, settled, shotsDir, withLang, withPage } from "./browser.js";
import { ROOT } from "./helpers.js";

// Browser globals, for the callbacks that run inside the page (this file itself runs in Node).
interface El {
  textContent: string | null;
  classList: { contains(c: string): boolean };
  getBoundingClientRect(): { height: number; right: number; width: number };
  getAttribute(n: string): string | null;
  tagName: string;
  className: string;
}
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector(s: string): El | null;
  querySelectorAll(s: string): El[];
  getElementById(id: string): El | null;
};
declare const window: { innerWidth: number; addEventListener(t: string, f: (e: { data: unknown }) => void): void };

const SHOTS = shotsDir("/tmp/g287-phone-shots");
const VIEWPORTS = [
  { width: 360, height: 800 },
  { width: 390, height: 844 },
] as const;

const web = browserSuite();
let store: Store;
let base: string;
let browser: Browser;
/** Tampa Police Department (long MOA file names), else the agency with the most agreements. */
let agency: string;

beforeAll(async () => {
  ({ store, base, browser } = web);
  agency = await phoneAgency(store);
});

describe("phone layout", () => {
  for (const vp of VIEWPORTS) {
    for (const lang of LANGS) {
      it(`no page scrolls sideways at ${vp.width}×${vp.height} in ${lang}`, async () => {
        await inContext(browser, { viewport: vp, isMobile: true, hasTouch: true }, async (ctx) => {
          const wide: string[] = [];
          const pages = phonePages(agency);
          expect(pages.map((p) => p.name)).toEqual(
            expect.arrayContaining(["home", "map", "agreements", "agency", "state-MD", "state-TX", "changes"]),
          );
          for (const p of pages) {
            const page = await ctx.newPage();
            await page.goto(base + withLang(p.hash, lang));
            await settled(page);
            const sw = await page.evaluate(() => document.documentElement.scrollWidth);
            if (sw > vp.width) {
              // Name what sticks out, so a failure says where to look.
              const culprits = await page.evaluate(
                (w) =>
                  Array.from(document.querySelectorAll("body *"))
                    .filter((e) => e.getBoundingClientRect().right > w + 1 && e.getBoundingClientRect().width > 0)
                    .slice(0, 5)
                    .map((e) => `${e.tagName}.${e.className}`),
                vp.width,
              );
              wide.push(`${p.name}: scrollWidth ${sw} (${culprits.join(", ")})`);
              await page.screenshot({ path: `${SHOTS}/${p.name}-${lang}-${vp.width}.png`, fullPage: true });
            }
            await page.close();
          }
          expect(wide, wide.join("\n")).toEqual([]);
        });
      }, 300_000);
    }
  }

  it("wraps the long MOA file names on the Tampa Police Department page, and tables scroll in their own box", async () => {
    await withPage(browser, { viewport: { width: 360, height: 800 } }, async (page) => {
      await page.goto(`${base}#/agency/${agency}`);
      await settled(page);
      await page.screenshot({ path: `${SHOTS}/agency-360.png`, fullPage: true });
      // Every box in main ends inside the viewport, except what sits in a table's scroll box.
      const out = await page.evaluate(() =>
        Array.from(document.querySelectorAll("main *"))
          .filter((e) => {
            let p = e as unknown as { parentElement: El | null; classList: El["classList"] } | null;
            while (p) {
              if (p.classList?.contains("table-wrap")) return false;
              p = p.parentElement as never;
            }
            return e.getBoundingClientRect().right > window.innerWidth + 1;
          })
          .map((e) => `${e.tagName}.${e.className}`),
      );
      expect(out).toEqual([]);
      const wraps = await page.evaluate(() =>
        Array.from(document.querySelectorAll(".table-wrap")).map((e) => {
          const s = getComputedStyle(e as never);
          return `${s.overflowX} ${s.position}`;
        }),
      );
      expect(wraps.length).toBeGreaterThan(0);
      for (const w of wraps) expect(w).toBe("auto relative");
    });
  });
});

declare function getComputedStyle(e: never): { overflowX: string; position: string };

describe("compressed responses", () => {
  /** A request with the bytes as sent: fetch() would decode them. */
  const get = (p: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(`${base}${p}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on("error", reject);
    });

  async function assets(): Promise<string[]> {
    const html = (await get("")).body.toString("utf8");
    const found = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
    expect(found.some((f) => f.endsWith(".js"))).toBe(true);
    expect(found.some((f) => f.endsWith(".css"))).toBe(true);
    return found;
  }

  it("sends data files and built assets as brotli or gzip, each with its own ETag, and a 304 on any of them", async () => {
    const paths = ["data/changes.json", "data/summary.json", "data/agreements.json", ...(await assets())];
    for (const p of paths) {
      const plain = await get(p, { "accept-encoding": "identity" });
      expect(plain.status, p).toBe(200);
      expect(plain.headers["content-encoding"], p).toBeUndefined();
      const bytes = plain.body;
      const tag = plain.headers.etag as string;
      expect(tag, p).toMatch(/^"[^"]+"$/);
      for (const [ask, enc, decode] of [
        ["gzip", "gzip", gunzipSync],
        ["gzip, deflate, br", "br", brotliDecompressSync],
      ] as const) {
        const r = await get(p, { "accept-encoding": ask });
        expect(r.headers["content-encoding"], `${p} ${ask}`).toBe(enc);
        expect(r.headers.vary, p).toBe("accept-encoding");
        const wire = r.body;
        expect(decode(wire).equals(bytes), `${p} ${enc} decodes to the same bytes`).toBe(true);
        expect(wire.length, p).toBeLessThan(bytes.length);
        const etag = r.headers.etag as string;
        expect(etag, p).toBe(`${tag.slice(0, -1)}-${enc === "gzip" ? "gz" : "br"}"`);
        // Either validator is current: the plain one and the encoded one.
        for (const t of [tag, etag]) {
          const again = await get(p, { "accept-encoding": ask, "if-none-match": t });
          expect(again.status, `${p} If-None-Match ${t}`).toBe(304);
          expect(again.headers.etag).toBe(etag);
        }
      }
      expect((await get(p, { "if-none-match": '"stale"' })).status).toBe(200);
    }
    // changes.json, 2.4 MB as it is, crosses a phone network at a small fraction of that.
    const br = (await get("data/changes.json", { "accept-encoding": "br" })).body.length;
    const size = (await get("data/changes.json")).body.length;
    expect(br).toBeLessThan(size / 10);
  });
});

describe("the changes page, one month or one state at a time", () => {
  it("loads the index and the latest month only, then one state's file, never the whole log", async () => {
    const whole = (await (await fetch(`${base}data/changes.json`)).json()) as ChangesFile;
    const wholeGz = gzipSync(JSON.stringify(whole)).length;
    // The latest month with a list that changed something, from the whole file.
    const latestMonth = (whole.lists[0] as { date: string }).date.slice(0, 7);
    await withPage(browser, { viewport: { width: 360, height: 800 } }, async (page) => {
      const got: { path: string; bytes: Promise<number> }[] = [];
      page.on("response", (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith("/data/changes"))
          got.push({ path: u.pathname, bytes: r.body().then((b) => gzipSync(b).length) });
      });
      await page.goto(`${base}#/changes`);
      await settled(page);
      await page.waitForSelector("article.list-entry");
      expect(got.map((g) => g.path).sort()).toEqual([
        "/data/changes/index.json",
        `/data/changes/month/${latestMonth}.json`,
      ]);
      let loaded = (await Promise.all(got.map((g) => g.bytes))).reduce((a, b) => a + b, 0);
      expect(loaded, "one month is a small part of the whole log").toBeLessThan(wholeGz / 5);
      // Every list shown is of that month, and every list of that month that changed something is in its file.
      const month = (await (await fetch(`${base}data/changes/month/${latestMonth}.json`)).json()) as ChangesMonthFile;
      expect(month.lists.map((l) => `${l.date} ${l.file}`)).toEqual(
        whole.lists.filter((l) => l.date.startsWith(latestMonth)).map((l) => `${l.date} ${l.file}`),
      );

      // One state: its own file, its events only, and the matching feed.
      got.length = 0;
      const txLoaded = page.waitForResponse((r) => r.url().endsWith("/data/changes/state/TX.json"));
      await page.locator("form.controls select").nth(0).selectOption("TX");
      await txLoaded;
      await settled(page);
      expect(got.map((g) => g.path)).toEqual(["/data/changes/state/TX.json"]);
      loaded = (await Promise.all(got.map((g) => g.bytes))).reduce((a, b) => a + b, 0);
      expect(loaded).toBeLessThan(wholeGz / 3);
      const tx = (await (await fetch(`${base}data/changes/state/TX.json`)).json()) as ChangesStateFile;
      const txEvents = whole.lists.flatMap((l) => l.events.filter((e) => e.state === "TX"));
      expect(tx.lists.flatMap((l) => l.events.map((e) => e.seq)).sort((a, b) => a - b)).toEqual(
        txEvents.map((e) => e.seq).sort((a, b) => a - b),
      );
      expect(await page.locator("a[type='application/atom+xml']").getAttribute("href")).toBe(
        "feeds/changes.atom?state=TX",
      );
      await page.locator("form.controls select").nth(2).selectOption("TFM");
      await page.waitForFunction(() =>
        (document.querySelector("a[type='application/atom+xml']")?.getAttribute("href") ?? "").includes("model=TFM"),
      );
      expect(await page.locator("a[type='application/atom+xml']").getAttribute("href")).toBe(
        "feeds/changes.atom?state=TX&model=TFM",
      );
      const feed = await fetch(`${base}feeds/changes.atom?state=TX&model=TFM`);
      expect(feed.status).toBe(200);
      await page.screenshot({ path: `${SHOTS}/changes-TX-360.png`, fullPage: true });
      // The index lists every month and state that has a file.
      const idx = (await (await fetch(`${base}data/changes/index.json`)).json()) as ChangesIndex;
      expect(idx.months[0]?.month).toBe(latestMonth);
      expect(idx.states.map((s) => s.state)).toContain("TX");
      expect(idx.months.reduce((a, m) => a + m.lists, 0)).toBe(whole.lists.length);
      // `g287 site` writes every path dataPaths names (test/site.test.ts): the split files are among them.
      const paths = await dataPaths(store);
      expect(paths).toContain("data/changes/index.json");
      for (const m of idx.months) expect(paths).toContain(`data/changes/month/${m.month}.json`);
      for (const st of idx.states) expect(paths).toContain(`data/changes/state/${st.state}.json`);
    });
  });
});

describe("the agency page", () => {
  it("loads no Observable Plot code, and draws its periods chart as SVG", async () => {
    // The signatures are Plot's own: present in the package, so finding none in the page means something.
    const plotSrc = ["plot.js", "style.js"]
      .map((f) => fs.readFileSync(path.join(ROOT, "node_modules/@observablehq/plot/src", f), "utf8"))
      .join("\n");
    const SIGNATURES = ["plot-d6a7b5", "invalid mark; missing render function"];
    for (const s of SIGNATURES) expect(plotSrc).toContain(s);
    await withPage(browser, { viewport: { width: 360, height: 800 } }, async (page) => {
      const scripts: Promise<{ url: string; text: string }>[] = [];
      page.on("response", (r) => {
        if (r.url().endsWith(".js")) scripts.push(r.text().then((text) => ({ url: r.url(), text })));
      });
      await page.goto(`${base}#/agency/${agency}`);
      await settled(page);
      const loaded = await Promise.all(scripts);
      expect(loaded.length).toBeGreaterThan(1);
      for (const s of loaded)
        for (const sig of SIGNATURES) expect(s.text.includes(sig), `${s.url}: ${sig}`).toBe(false);
      const gz = loaded.reduce((a, s) => a + gzipSync(s.text).length, 0);
      expect(gz, "Plot alone is about 110 kB gzipped").toBeLessThan(80_000);
      expect(await page.locator(".periods svg rect").count()).toBeGreaterThan(0);
    });
  });
});

describe("embeds size themselves", () => {
  for (const hash of ["#/", "#/map", "#/state/TX"]) {
    it(`${hash}: the embed code fits the content, and the iframe follows the height the embed posts`, async () => {
      await withPage(browser, { viewport: { width: 390, height: 844 } }, async (page, ctx) => {
        await page.goto(base + hash);
        await settled(page);
        await page.locator("details.embed summary").first().click();
        await page.waitForFunction(
          () => !!document.querySelector("details.embed textarea")?.getAttribute("data-height"),
          null,
          { timeout: 60_000 },
        );
        // The height is measured in a hidden frame that keeps posting while the page settles (data,
        // then the chart's layout): read the code once the measurement has held for a second.
        let last = "";
        let since = Date.now();
        for (const until = Date.now() + 30_000; Date.now() < until; ) {
          const h = (await page.locator("details.embed textarea").first().getAttribute("data-height")) ?? "";
          if (h !== last) {
            last = h;
            since = Date.now();
          } else if (Date.now() - since >= 1000) break;
          await page.waitForTimeout(100);
        }
        const code = await page.locator("details.embed textarea").first().inputValue();
        const codeHeight = Number(/height="(\d+)"/.exec(code)?.[1]);
        expect(code).toContain('addEventListener("message"');
        expect(code).toContain("g287:height");
        // The host: another origin, with the code pasted at the width it was measured for.
        const host = await ctx.newPage();
        const width = await page.evaluate(
          () => document.querySelector("details.embed")?.getBoundingClientRect().width ?? 0,
        );
        // A listener of the test's own, first, records every height message the embed posts.
        const spy = `<script>window.heard=[];addEventListener("message",function(e){if(e.data&&e.data.type==="g287:height")window.heard.push(e.data.height)})</script>`;
        await host.setContent(
          `<!doctype html><body style="margin:0">${spy}<div style="width:${Math.round(width)}px">${code}</div></body>`,
        );
        const frame = host.frameLocator("iframe");
        await frame.locator("main h1").waitFor({ timeout: 60_000 });
        await host.waitForFunction(() => !!document.querySelector("iframe"));
        const inner = host.frames()[1];
        if (!inner) throw new Error("no iframe");
        await settled(inner as unknown as Page);
        await host.waitForTimeout(500);
        const messages = await host.evaluate(() => (window as unknown as { heard: number[] }).heard);
        const content = await inner.evaluate(() => document.getElementById("app")?.getBoundingClientRect().height ?? 0);
        const iframe = await host.evaluate(() => document.querySelector("iframe")?.getBoundingClientRect().height ?? 0);
        expect(messages.length, "the embed posted its height").toBeGreaterThan(0);
        expect(Math.abs(iframe - content), `iframe ${iframe} vs content ${content}`).toBeLessThanOrEqual(2);
        // The code was measured at this width: it already fits before any message.
        expect(Math.abs(codeHeight - content), `code ${codeHeight} vs content ${content}`).toBeLessThanOrEqual(24);
        // The title appears once to the eye.
        const titles = await inner.evaluate(() =>
          Array.from(document.querySelectorAll("h1, figcaption"))
            .filter((e) => !e.classList.contains("sr-only"))
            .map((e) => (e.textContent ?? "").trim()),
        );
        expect(new Set(titles).size, titles.join(" | ")).toBe(titles.length);
        await host.screenshot({ path: `${SHOTS}/embed-${hash.replace(/\W+/g, "_")}.png`, fullPage: true });
        await host.close();
      });
    });
  }
});

describe("budgets on an emulated phone on Fast 3G", () => {
  it(`keeps JS under ${BUDGET.js_bytes / 1000} kB and data under ${BUDGET.data_bytes / 1000} kB on the wire, and draws content in time`, async () => {
    const figures: PhoneFigure[] = [];
    // Warm the server's caches first: the budget is about the page, not the first build of a file.
    for (const p of phonePages(agency)) await measurePage(browser, base, p, { cpu: 1 });
    for (const p of phonePages(agency)) figures.push(await measurePage(browser, base, p));
    for (const f of figures) console.log(phoneLine(f));
    const over: string[] = [];
    for (const f of figures) {
      if (BUDGET_PAGES.has(f.name)) {
        if (f.js_bytes > BUDGET.js_bytes) over.push(`${f.name}: JS ${f.js_bytes}`);
        if (f.data_bytes > BUDGET.data_bytes) over.push(`${f.name}: data ${f.data_bytes}`);
      }
      // Compressed on the wire: every script and data file came brotli- or gzip-encoded.
      for (const r of f.requests)
        if ((r.path.endsWith(".js") || r.path.startsWith("/data/")) && r.bytes > 1500 && !r.encoding)
          over.push(`${f.name}: ${r.path} uncompressed`);
      // The budget is 2.5 s with the CPU slowed 4×, as `npm run bench` reports it. Here the test
      // shares two cores with other work, so it asserts a bound four times looser; the bench line
      // above prints the real figure against the real budget.
      if (f.content_ms > BUDGET.content_ms * 4) over.push(`${f.name}: content at ${f.content_ms} ms`);
    }
    expect(CPU_SLOWDOWN).toBe(4);
    expect(over, over.join("\n")).toEqual([]);
    // The state page fetches no county outlines until the map is asked for.
    const st = figures.find((f) => f.name === "state-TX");
    expect(st?.requests.some((r) => r.path.includes("counties-10m"))).toBe(false);
  }, 600_000);
});
