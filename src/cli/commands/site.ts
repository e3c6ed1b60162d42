// `g287 site OUT/`: the whole web app with every page's data as static JSON and CSV, the API's
// lists and the Atom feed, for any static host. Rendered by the server app in-process.
import { UsageError } from "../../errors.js";
import { toJson } from "../../export/json.js";
import { DEFAULT_WEB_DIST } from "../../server/app.js";
import { renderSite, SiteError } from "../../server/site.js";
import type { Ctx } from "../context.js";
import { readStore } from "../store.js";

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function site(c: Ctx, outDir: string, o: { web?: string; baseUrl?: string }): Promise<void> {
  const { g } = c;
  if (o.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.baseUrl))
    throw new UsageError(`--base-url ${JSON.stringify(o.baseUrl)}: expected an http(s) URL`);
  await readStore(c, async (store) => {
    const tty = !g.quiet && !g.json && c.io.stderr.isTTY;
    let s: Awaited<ReturnType<typeof renderSite>>;
    try {
      s = await renderSite(store, outDir, {
        webDist: o.web ?? DEFAULT_WEB_DIST,
        baseUrl: o.baseUrl,
        progress: tty
          ? (done, total) => {
              if (done % 200 === 0 || done === total) c.err(`\rrendering ${done}/${total}`);
              if (done === total) c.err("\n");
            }
          : undefined,
      });
    } catch (e) {
      if (e instanceof SiteError) throw new Error(`site: ${e.message}`);
      throw e;
    }
    if (g.json) return c.out(toJson(s));
    if (g.quiet) return;
    const f = s.files;
    c.out(
      `wrote ${f.total} files (${mb(s.bytes)}) to ${s.out}: ${f.web} web app, ${f.data} data, ${f.api} API, ${f.feeds} feed, ${f.share} for sharing (entry pages, cards, sitemap)`,
    );
  });
}
