// The browser tests' shared setup: per test file, the real ledger and the app built once per run
// (global setup), served in-process, and Chromium launched; plus the checks every browser test uses
// (a page opened and settled, axe-core, a data file fetched). Fails loudly without Chromium.
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { Store } from "../src/store/db.js";
import { appPages, CHROMIUM, type Served, serveApp, settled, watch } from "./browser-app.js";
import { builtWeb, openArchive, ROOT } from "./helpers.js";

export {
  type AppPage,
  phoneAgency,
  type Served,
  serveFolder,
  settled,
  topAgency,
  watch,
  withLang,
} from "./browser-app.js";

export const LANGS = ["en", "es"] as const;

/** Every page of the app, with the county map and four states and territories among them. */
export const everyPage = (agency: string) =>
  appPages(agency, ["TX", "CT", "GU", "PR"], [{ name: "map-county", hash: "#/map?level=county" }]);

export interface BrowserApp {
  store: Store;
  /** The built web app. */
  dist: string;
  /** The served app's root URL, with its trailing slash. */
  base: string;
  browser: Browser;
}

/**
 * Registers the file's beforeAll and afterAll: the returned object is filled in before the first
 * test runs, and everything is closed after the last.
 */
export function browserSuite(): BrowserApp {
  const app = {} as BrowserApp;
  let served: Served | undefined;
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian chromium (apt-get install -y chromium)`);
    app.dist = builtWeb();
    app.store = await openArchive();
    served = await serveApp(app.store, app.dist);
    app.base = served.base;
    app.browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 240_000);
  afterAll(async () => {
    await app.browser?.close();
    await served?.close();
    await app.store?.close();
  });
  return app;
}

/** `fn` in a new browser context (`options` as newContext takes them), closed after whatever happens. */
export async function inContext<T>(
  browser: Browser,
  options: BrowserContextOptions,
  fn: (ctx: BrowserContext) => Promise<T>,
): Promise<T> {
  const ctx = await browser.newContext(options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** `fn` on the first page of a new browser context, as inContext. */
export function withPage<T>(
  browser: Browser,
  options: BrowserContextOptions,
  fn: (page: Page, ctx: BrowserContext) => Promise<T>,
): Promise<T> {
  return inContext(browser, options, async (ctx) => fn(await ctx.newPage(), ctx));
}

/** A folder for screenshots, made if missing. */
export function shotsDir(dir = "/tmp/g287-shots"): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Opens a page and waits for it to settle; a failure says what the page reported meanwhile. */
export async function open(ctx: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(url);
  try {
    await settled(page);
  } catch (e) {
    throw new Error(`${url} did not settle: ${(e as Error).message.split("\n")[0]}\n  ${problems.join("\n  ")}`);
  }
  return { page, problems };
}

const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page, as short lines. */
export async function axe(page: Page): Promise<string[]> {
  // Evaluated, not injected as a <script>: the app's CSP allows only its own scripts.
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")})`,
    );
}

/** A JSON file or API answer from the served app, which must answer 200. */
export async function getJson<T>(app: BrowserApp, p: string): Promise<T> {
  const r = await fetch(`${app.base}${p}`);
  expect(r.status, p).toBe(200);
  return (await r.json()) as T;
}
