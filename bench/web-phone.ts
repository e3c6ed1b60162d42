// Every page on an emulated mid-range phone on Fast 3G (Chromium through playwright-core's CDP
// session: 1.6 Mbps down, 750 kbps up, 150 ms round trip, CPU slowed 4×): bytes on the wire of
// JavaScript and data per page, and the time until the page's content is drawn, against the budgets
// of issue 11. `npm run bench` calls benchWebPhone(); `npx tsx bench/web-phone.ts [ledger.db]` runs
// it alone; test/web-phone.test.ts uses measurePage() on its own server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { viteBuild } from "../scripts/vite-build.js";
import { openStore } from "../src/store/db.js";
import { type AppPage, appPages, CHROMIUM, phoneAgency, type Served, serveApp } from "../test/browser-app.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Chrome DevTools' "Fast 3G", in bytes per second and milliseconds. */
export const FAST_3G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1_000_000) / 8,
  uploadThroughput: (750 * 1_000) / 8,
};
/** A mid-range phone runs scripts about four times slower than a desktop. */
export const CPU_SLOWDOWN = 4;

export const BUDGET = {
  /** Content drawn, from navigation start, on every page. */
  content_ms: 2500,
  /** Bytes on the wire (compressed), for the pages named in BUDGET_PAGES. */
  js_bytes: 150_000,
  data_bytes: 300_000,
};
/** The pages the byte budgets apply to (issue 11: Home, Map of states, Agency, State). */
export const BUDGET_PAGES = new Set(["home", "map", "agency", "state-MD", "state-TX"]);

export type PhonePage = AppPage;

/** The pages measured: every page, with Maryland and Texas for the state page. */
export const phonePages = (agency: string): PhonePage[] => appPages(agency, ["MD", "TX"]);

export interface PhoneFigure {
  name: string;
  url: string;
  /** Compressed bytes received for scripts, data (JSON under data/ and the map outlines) and everything. */
  js_bytes: number;
  data_bytes: number;
  total_bytes: number;
  /** Every response: path, bytes on the wire, Content-Encoding. */
  requests: { path: string; bytes: number; encoding: string | null }[];
  content_ms: number;
  budgeted: boolean;
  within_budget: boolean;
}

// Browser globals for the callbacks evaluated in the page (this file runs in Node).
declare const document: { querySelector(s: string): unknown };
declare const performance: { now(): number };

/** Opens one page cold (a new context: empty cache) under the phone's network and CPU, and measures it. */
export async function measurePage(
  browser: Browser,
  base: string,
  p: PhonePage,
  opts: { cpu?: number; timeoutMs?: number } = {},
): Promise<PhoneFigure> {
  const ctx = await browser.newContext({
    viewport: { width: 360, height: 800 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", FAST_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: opts.cpu ?? CPU_SLOWDOWN });
    const responses = new Map<string, { url: string; encoding: string | null }>();
    const sizes = new Map<string, number>();
    cdp.on("Network.responseReceived", (e) => {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      responses.set(e.requestId, { url: e.response.url, encoding: h["content-encoding"] ?? null });
    });
    // encodedDataLength: what came over the wire for the response, headers included.
    cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
    const url = base + p.hash;
    await page.goto(url);
    await page.waitForFunction(
      () =>
        !!document.querySelector("main h1") &&
        !document.querySelector(".loading") &&
        !document.querySelector(".map-placeholder"),
      null,
      { timeout: opts.timeoutMs ?? 60_000, polling: 50 },
    );
    const content_ms = Math.round(await page.evaluate(() => performance.now()));
    // Requests still in flight when the content is drawn are counted once they land.
    await page.waitForLoadState("networkidle").catch(() => {});
    const requests = [...responses.entries()].map(([id, r]) => ({
      path: new URL(r.url).pathname,
      bytes: sizes.get(id) ?? 0,
      encoding: r.encoding,
    }));
    const sum = (f: (r: { path: string }) => boolean) => requests.filter(f).reduce((a, r) => a + r.bytes, 0);
    const js_bytes = sum((r) => r.path.endsWith(".js"));
    const data_bytes = sum((r) => r.path.startsWith("/data/") || r.path.endsWith(".json"));
    const budgeted = BUDGET_PAGES.has(p.name);
    const within_budget =
      content_ms < BUDGET.content_ms && (!budgeted || (js_bytes <= BUDGET.js_bytes && data_bytes <= BUDGET.data_bytes));
    return {
      name: p.name,
      url,
      js_bytes,
      data_bytes,
      total_bytes: sum(() => true),
      requests,
      content_ms,
      budgeted,
      within_budget,
    };
  } finally {
    await ctx.close();
  }
}

export const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export function phoneLine(f: PhoneFigure): string {
  const bytes = f.budgeted
    ? `JS ${kB(f.js_bytes)} / ${kB(BUDGET.js_bytes)}, data ${kB(f.data_bytes)} / ${kB(BUDGET.data_bytes)}`
    : `JS ${kB(f.js_bytes)}, data ${kB(f.data_bytes)} (no byte budget)`;
  return `web phone ${f.name.padEnd(12)} content in ${(f.content_ms / 1000).toFixed(2)} s / ${(BUDGET.content_ms / 1000).toFixed(1)} s; ${bytes}; ${f.within_budget ? "within budget" : "OVER BUDGET"}`;
}

function buildWeb(dist: string): void {
  viteBuild(dist, [], "error");
}

export interface WebPhone {
  skipped?: string;
  network?: typeof FAST_3G;
  cpu_slowdown?: number;
  budget?: typeof BUDGET;
  load_average_1m?: number;
  pages?: Omit<PhoneFigure, "requests">[];
  all_within_budget?: boolean;
}

/**
 * Builds the app, serves it over the ledger `db` and measures every page. Never fails the bench
 * for want of a browser: without Chromium it prints why it skipped and returns that reason.
 */
export async function benchWebPhone(db: string): Promise<WebPhone> {
  if (!fs.existsSync(CHROMIUM)) {
    const skipped = `no Chromium at ${CHROMIUM} (install Debian chromium, or set CHROMIUM)`;
    console.log(`web phone: skipped: ${skipped}`);
    return { skipped };
  }
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), "g287-web-phone-"));
  const store = await openStore(db, { readonly: true });
  let server: Served | null = null;
  let browser: Browser | null = null;
  try {
    buildWeb(dist);
    const agency = await phoneAgency(store);
    server = await serveApp(store, dist);
    const base = server.base;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM });
    } catch (e) {
      const skipped = `Chromium at ${CHROMIUM} would not start: ${(e as Error).message.split("\n")[0]}`;
      console.log(`web phone: skipped: ${skipped}`);
      return { skipped };
    }
    // One warm-up load, so the server's first-request costs (building the files) are not timed.
    await measurePage(browser, base, { name: "warm-up", hash: "#/" }, { cpu: 1 });
    for (const p of phonePages(agency)) await measurePage(browser, base, p, { cpu: 1 });
    const pages: Omit<PhoneFigure, "requests">[] = [];
    for (const p of phonePages(agency)) {
      const { requests: _r, ...f } = await measurePage(browser, base, p);
      console.log(phoneLine({ ...f, requests: [] }));
      pages.push(f);
    }
    return {
      network: FAST_3G,
      cpu_slowdown: CPU_SLOWDOWN,
      budget: BUDGET,
      load_average_1m: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
      pages,
      all_within_budget: pages.every((p) => p.within_budget),
    };
  } finally {
    await browser?.close();
    await server?.close();
    await store.close();
    fs.rmSync(dist, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const db = process.argv[2] ?? process.env.G287_DB ?? path.join(ROOT, "g287.db");
  if (!fs.existsSync(db)) {
    console.error(`web-phone: no ledger at ${db}: pass one (npx tsx bench/web-phone.ts path/to/g287.db)`);
    process.exit(1);
  }
  await benchWebPhone(db);
}
