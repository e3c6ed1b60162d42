// `g287 serve`: the API, the feed and the web app over HTTP.
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  program
    .command("serve")
    .description("serve the API (/api/v1), the Atom feed (/feeds/changes.atom) and the web app from the ledger")
    .option("--port <n>", "port to listen on (0 picks a free one)", "8287")
    .option("--host <addr>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option("--web <dir>", "the built web app to serve (default: web/dist of this install)")
    .addHelpText(
      "after",
      "\nWrite endpoints need G287_ADMIN_TOKEN set on the server and `Authorization: Bearer <token>` on the request.",
    )
    .action(lazy(async () => (await import("../commands/serve.js")).serve));
};
