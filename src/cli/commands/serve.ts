// `g287 serve`: the API, the Atom feed, the web app's data and the built web app over HTTP, from
// the ledger. Prints the URL; Ctrl-C (SIGINT) or SIGTERM closes it cleanly.
import { z } from "zod";
import { DEFAULT_WEB_DIST } from "../../server/app.js";
import { startServer } from "../../server/serve.js";
import type { Store } from "../../store/db.js";
import { check } from "../args.js";
import { type Globals, out, type RegisterCommands, withStore } from "../common.js";

const port = z.coerce
  .number()
  .int("expected a whole number")
  .min(0, "expected a port from 0 to 65535")
  .max(65535, "expected a port from 0 to 65535");

const host = z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "expected a host name or address such as 127.0.0.1");

export interface ServeOptions {
  port: number;
  host: string;
  web?: string;
}

export function serveOptions(o: { port: string; host: string; web?: string }): ServeOptions {
  return { port: check("--port", port, o.port), host: check("--host", host, o.host), web: o.web };
}

/** Serves the store until SIGINT or SIGTERM; `g287 serve` and `g287 start` both end here. */
export async function serveUntilStopped(store: Store, g: Globals, o: ServeOptions): Promise<void> {
  const { port: p, host: h } = o;
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(store, {
      port: p,
      host: h,
      webDist: o.web ?? DEFAULT_WEB_DIST,
      adminToken: process.env.G287_ADMIN_TOKEN || undefined,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE") throw new Error(`port ${p} on ${h} is in use: pass --port with another`);
    if (err.code === "EADDRNOTAVAIL") throw new Error(`cannot listen on ${h}: no such local address`);
    throw e;
  }
  out(g.json ? JSON.stringify({ url: running.url, db: store.file }) : `g287 serving ${store.file} at ${running.url}`);
  if (!g.quiet && !g.json) process.stderr.write("press Ctrl-C to stop\n");
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await running.close();
  if (!g.quiet && !g.json) process.stderr.write("stopped\n");
}

export const register: RegisterCommands = (program, globals) => {
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
    .action(async (o: { port: string; host: string; web?: string }) => {
      const g: Globals = globals();
      const opts = serveOptions(o);
      await withStore(g, (store) => serveUntilStopped(store, g, opts), { readonly: true });
    });
};
