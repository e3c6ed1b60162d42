// `g287 site OUT/`: the whole web app with every page's data as static JSON and CSV, the API's
// lists and the Atom feed, for any static host. Rendered by the server app in-process.

import { UsageError } from "../../errors.js";
import { toJson } from "../../export/json.js";
import { DEFAULT_WEB_DIST } from "../../server/app.js";
import { renderSite, SiteError } from "../../server/site.js";
import { type Globals, out, type RegisterCommands, withStore } from "../common.js";

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const register: RegisterCommands = (program, globals) => {
  program
    .command("site")
    .description("write the whole site (web app, data files, API lists as JSON and CSV, feed) to a folder")
    .argument("<out>", "folder to write; replaced as a whole when done")
    .option("--web <dir>", "the built web app (default: web/dist of this install; `npm run build:web`)")
    .option("--base-url <url>", "the site's public URL, for absolute links in the feed (default: relative links)")
    .action(async (outDir: string, o: { web?: string; baseUrl?: string }) => {
      const g: Globals = globals();
      if (o.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.baseUrl))
        throw new UsageError(`--base-url ${JSON.stringify(o.baseUrl)}: expected an http(s) URL`);
      await withStore(
        g,
        async (store) => {
          const tty = !g.quiet && !g.json && process.stderr.isTTY;
          let s: Awaited<ReturnType<typeof renderSite>>;
          try {
            s = await renderSite(store, outDir, {
              webDist: o.web ?? DEFAULT_WEB_DIST,
              baseUrl: o.baseUrl,
              progress: tty
                ? (done, total) => {
                    if (done % 200 === 0 || done === total) process.stderr.write(`\rrendering ${done}/${total}`);
                    if (done === total) process.stderr.write("\n");
                  }
                : undefined,
            });
          } catch (e) {
            if (e instanceof SiteError) throw new Error(`site: ${e.message}`);
            throw e;
          }
          if (g.json) return out(toJson(s));
          if (g.quiet) return;
          const f = s.files;
          out(
            `wrote ${f.total} files (${mb(s.bytes)}) to ${s.out}: ${f.web} web app, ${f.data} data, ${f.api} API, ${f.feeds} feed, ${f.share} for sharing (entry pages, cards, sitemap)`,
          );
        },
        { readonly: true },
      );
    });
};
