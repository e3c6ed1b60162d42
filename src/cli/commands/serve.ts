// `g287 serve`: the API, the Atom feed, the web app's data and the built web app over HTTP, from
// the ledger. Prints the URL; Ctrl-C (SIGINT) or SIGTERM closes it cleanly.
import { z } from "zod";
import { DEFAULT_WEB_DIST } from "../../server/app.js";
import { startServer } from "../../server/serve.js";
import type { Store } from "../../store/db.js";
import { check } from "../args.js";
import type { Ctx } from "../context.js";
import { readStore } from "../store.js";

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
export async function serveUntilStopped(c: Ctx, store: Store, o: ServeOptions): Promise<void> {
  const { g } = c;
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
  c.out(g.json ? JSON.stringify({ url: running.url, db: store.file }) : `g287 serving ${store.file} at ${running.url}`);
  if (!g.quiet && !g.json) c.err("press Ctrl-C to stop\n");
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
  if (!g.quiet && !g.json) c.err("stopped\n");
}

export async function serve(c: Ctx, o: { port: string; host: string; web?: string }): Promise<void> {
  const opts = serveOptions(o);
  await readStore(c, (store) => serveUntilStopped(c, store, opts));
}
