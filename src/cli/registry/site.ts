// `g287 site OUT/`: the whole site as static files.
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  program
    .command("site")
    .description("write the whole site (web app, data files, API lists as JSON and CSV, feed) to a folder")
    .argument("<out>", "folder to write; replaced as a whole when done")
    .option("--web <dir>", "the built web app (default: web/dist of this install; `npm run build:web`)")
    .option("--base-url <url>", "the site's public URL, for absolute links in the feed (default: relative links)")
    .action(lazy(async () => (await import("../commands/site.js")).site));
};
