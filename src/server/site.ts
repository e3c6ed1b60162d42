// `g287 site OUT/`: the whole site as static files, rendered in-process through app.request() so
// the files are byte for byte what `g287 serve` answers, except that index.html carries its CSP in
// a meta tag and `_headers` gives hosts that read it (Netlify, Cloudflare Pages) the headers
// `serve` sends. Written to a temporary folder beside OUT, then swapped in, so a reader never sees
// half a site.
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../store/db.js";
import { staticResources } from "./api/index.js";
import { createApp, DEFAULT_WEB_DIST } from "./app.js";
import { entryDir, entryHtml, GO_JS, META_LANGS, sitemapXml, sitePages, withHomeMeta } from "./meta.js";
import { dataPaths } from "./pages/index.js";
import { APP_CSP, DATA_CSP } from "./security.js";
import { listFiles } from "./static.js";

export interface SiteOptions {
  /** The built web app; default web/dist. */
  webDist?: string;
  /** The site's public URL, for absolute links in the feed; default: links relative to the feed. */
  baseUrl?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  progress?: (done: number, total: number) => void;
}

export interface SiteSummary {
  out: string;
  /** `share`: the entry pages, share cards, sitemap, robots.txt and go.js of meta.ts. */
  files: { web: number; data: number; api: number; feeds: number; share: number; total: number };
  bytes: number;
}

interface Job {
  url: string;
  file: string;
  group: keyof Omit<SiteSummary["files"], "total" | "share">;
}

export class SiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SiteError";
  }
}

/** Every file of the site: where it is asked for, and where it is written. */
async function plan(store: Store, webDist: string): Promise<Job[]> {
  const jobs: Job[] = listFiles(webDist).map((p) => ({ url: p, file: p.slice(1), group: "web" }));
  for (const p of await dataPaths(store)) jobs.push({ url: `/${p}`, file: p, group: "data" });
  for (const r of staticResources()) {
    const name = r.path.slice(1);
    const all = r.kind === "list" ? "?limit=all" : "";
    jobs.push({ url: `/api/v1/${name}.json${all}`, file: `api/v1/${name}.json`, group: "api" });
    jobs.push({ url: `/api/v1/${name}.csv`, file: `api/v1/${name}.csv`, group: "api" });
  }
  jobs.push({ url: "/api/openapi.json", file: "api/openapi.json", group: "api" });
  jobs.push({ url: "/feeds/changes.atom", file: "feeds/changes.atom", group: "feeds" });
  return jobs;
}

/** The page's own CSP, first in <head> so it governs every element after it. */
export function withCspMeta(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${APP_CSP}">`;
  if (html.includes('http-equiv="Content-Security-Policy"')) return html;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) throw new SiteError("index.html has no <head>: cannot add its Content-Security-Policy");
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n    ${meta}${html.slice(at)}`;
}

/**
 * `_headers` (Netlify and Cloudflare Pages): what `serve` sends. Data paths match two rules and
 * get both policies; both are enforced, so they get the stricter data one.
 */
export const HEADERS_FILE = `/*
  Content-Security-Policy: ${APP_CSP}
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
${["/api/*", "/feeds/*", "/data/*"]
  .map(
    (p) => `${p}
  Content-Security-Policy: ${DATA_CSP}
  Access-Control-Allow-Origin: *
`,
  )
  .join("")}`;

export async function renderSite(store: Store, out: string, o: SiteOptions = {}): Promise<SiteSummary> {
  const webDist = path.resolve(o.webDist ?? DEFAULT_WEB_DIST);
  if (!fs.existsSync(path.join(webDist, "index.html"))) {
    throw new SiteError(`no built web app at ${webDist}: run \`npm run build:web\` first (or pass --web DIR)`);
  }
  const target = path.resolve(out);
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) throw new SiteError(`folder ${parent} does not exist`);
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) throw new SiteError(`${target} is not a folder`);

  // Version read once: the whole site is one ledger version even if an ingest lands meanwhile.
  const app = createApp({
    store,
    webDist,
    feedBase: o.baseUrl ? o.baseUrl.replace(/\/?$/, "/") : "../",
    versionTtlMs: 24 * 3600 * 1000,
  });
  const jobs = await plan(store, webDist);
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  const files = { web: 0, data: 0, api: 0, feeds: 0, share: 0, total: 0 };
  let bytes = 0;
  let done = 0;
  try {
    const seen = new Set<string>();
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < jobs.length && !failed) {
        const job = jobs[next++] as Job;
        if (seen.has(job.file)) continue;
        seen.add(job.file);
        const res = await app.request(job.url);
        if (res.status !== 200) {
          const text = (await res.text()).slice(0, 300);
          throw new SiteError(`${job.url}: HTTP ${res.status} ${text}`);
        }
        const body = new Uint8Array(await res.arrayBuffer());
        const dest = path.join(tmp, job.file);
        if (!dest.startsWith(tmp + path.sep)) throw new SiteError(`${job.file}: outside the site folder`);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, body);
        files[job.group]++;
        files.total++;
        bytes += body.length;
        o.progress?.(++done, jobs.length);
      }
    };
    // Every worker stops at the first failure; all settle before the folder is cleaned up.
    const results = await Promise.allSettled(
      Array.from({ length: o.concurrency ?? 8 }, () =>
        worker().catch((e) => {
          failed = true;
          throw e;
        }),
      ),
    );
    const err = results.find((r) => r.status === "rejected");
    if (err) throw (err as PromiseRejectedResult).reason;
    // A static host sends no CSP of its own: the page states it, and _headers asks for it.
    const index = path.join(tmp, "index.html");
    const page = fs.readFileSync(index);
    // Pages worth sharing (meta.ts): tags on every page, an entry file per page and language, cards, sitemap.
    const read = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(tmp, "data", f), "utf8")) as T;
    const cards = new Map<string, Buffer>();
    const pages = sitePages(
      {
        summary: read("summary.json"),
        states: read("states.json"),
        agencies: read("agencies.json"),
        agreements: read("agreements.json"),
      },
      cards,
    );
    const home = pages.find((p) => p.route === "") as (typeof pages)[number];
    const withMeta = Buffer.from(withCspMeta(withHomeMeta(page.toString("utf8"), home, o.baseUrl)));
    fs.writeFileSync(index, withMeta);
    const extra: [string, string | Buffer][] = [
      ["go.js", GO_JS],
      ["sitemap.xml", sitemapXml(pages, o.baseUrl, read<{ latest_list: string }>("summary.json").latest_list)],
      [
        "robots.txt",
        `User-agent: *\nAllow: /\n${o.baseUrl ? `Sitemap: ${new URL("sitemap.xml", o.baseUrl.replace(/\/?$/, "/"))}\n` : ""}`,
      ],
      ...cards,
    ];
    for (const p of pages)
      for (const l of META_LANGS) {
        if (p.route === "" && l === "en") continue; // the app's own index.html
        extra.push([`${entryDir(p.route, l)}index.html`, entryHtml(p, l, o.baseUrl, APP_CSP)]);
      }
    for (const [f, body] of extra) {
      const dest = path.join(tmp, f);
      if (!dest.startsWith(tmp + path.sep)) throw new SiteError(`${f}: outside the site folder`);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, body);
      bytes += Buffer.byteLength(body);
      files.share++;
      files.total++;
    }
    const headers = Buffer.from(HEADERS_FILE);
    fs.writeFileSync(path.join(tmp, "_headers"), headers);
    bytes += withMeta.length - page.length + headers.length;
    files.web++;
    files.total++;
    // Swap: the old site moves aside, the new one takes its name, the old one goes.
    const old = fs.existsSync(target) ? `${tmp}-old` : null;
    if (old) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { out: target, files, bytes };
}
