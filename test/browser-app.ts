// The web app served over a ledger and opened in Debian chromium (playwright-core): the pieces the
// browser tests and bench/web-phone.ts share. No vitest here, so the benchmark can import it.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import type { Page } from "playwright-core";
import { createApp } from "../src/server/app.js";
import type { Store } from "../src/store/db.js";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export interface AppPage {
  name: string;
  hash: string;
}

/**
 * The app's pages by route: home, the map (and `more` right after it), agreements, an agency, the
 * given states, changes, claims and methodology.
 */
export function appPages(agency: string, states: string[], more: AppPage[] = []): AppPage[] {
  return [
    { name: "home", hash: "#/" },
    { name: "map", hash: "#/map" },
    ...more,
    { name: "agreements", hash: "#/agreements" },
    { name: "agency", hash: `#/agency/${agency}` },
    ...states.map((s) => ({ name: `state-${s}`, hash: `#/state/${s}` })),
    { name: "changes", hash: "#/changes" },
    { name: "claims", hash: "#/claims" },
    { name: "methodology", hash: "#/methodology" },
  ];
}

/** A route in a language: English is the default and takes no parameter. */
export const withLang = (hash: string, lang: string) =>
  lang === "en" ? hash : `${hash}${hash.includes("?") ? "&" : "?"}lang=${lang}`;

/** The agency with the most agreements (ties by id): several cards, MOAs and events to show. */
export async function topAgency(store: Store): Promise<string> {
  const top = await store.db
    .selectFrom("agreement")
    .select(["agency_id", store.db.fn.countAll<number>().as("n")])
    .groupBy("agency_id")
    .orderBy("n", "desc")
    .orderBy("agency_id")
    .executeTakeFirstOrThrow();
  return top.agency_id;
}

/** Tampa Police Department (long MOA file names, hard on a phone), else the top agency. */
export async function phoneAgency(store: Store): Promise<string> {
  const tampa = await store.db
    .selectFrom("agency")
    .select("agency_id")
    .where("agency_id", "=", "fl-tampa-police-department")
    .executeTakeFirst();
  return tampa?.agency_id ?? topAgency(store);
}

export interface Served {
  /** The root URL, with its trailing slash. */
  base: string;
  close(): Promise<void>;
}

function listening(server: http.Server): Served {
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** `g287 serve` in-process on a free loopback port: the API, the data files and the built app. */
export async function serveApp(store: Store, webDist: string): Promise<Served> {
  const app = createApp({ store, webDist });
  const server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as http.Server));
  });
  return listening(server);
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".csv": "text/csv",
};

/** A plain static file server over a folder (`g287 site` output): no API, no compression. */
export async function serveFolder(root: string): Promise<Served> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return void res.writeHead(404).end("not found");
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    res.writeHead(200, { "content-type": type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return listening(server);
}

// Browser globals, for the callback that runs inside the page (this file runs in Node).
declare const document: { querySelector(s: string): unknown };

/** Waits until the page has its heading and nothing is still loading (maps drawn included). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !!document.querySelector("main h1") &&
      !document.querySelector(".loading") &&
      !document.querySelector(".map-placeholder") &&
      !document.querySelector(".error"),
    null,
    { timeout: 60_000 },
  );
}

/**
 * Problems a page reports as they come: console errors, uncaught exceptions, HTTP errors and (unless
 * `failedRequests: false`, for pages that navigate while their own requests may still be in flight) failed
 * requests.
 */
export function watch(page: Page, opts: { failedRequests?: boolean } = {}): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  if (opts.failedRequests !== false)
    page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}
