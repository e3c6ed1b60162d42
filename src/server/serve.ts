// Runs the app over HTTP with @hono/node-server, and closes it cleanly: stop accepting, let
// requests in flight finish, then close idle keep-alive connections. Links the server writes
// (the Atom feed's) name G287_PUBLIC_URL, else the address it listens on: never a request's Host
// header, which any client sets and which a shared response cache would then hand to everyone.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { publicBase } from "../alerts/compose.js";
import type { Store } from "../store/db.js";
import { type AppOptions, createApp } from "./app.js";

export interface Running {
  url: string;
  port: number;
  /** The site root the feed's links start with. */
  feedBase: string;
  close(): Promise<void>;
}

/** The URL clients reach a listening address at; an unspecified address is reached as localhost. */
export function listeningUrl(info: Pick<AddressInfo, "address" | "family" | "port">): string {
  const any = info.address === "0.0.0.0" || info.address === "::";
  const host = any ? "localhost" : info.family === "IPv6" ? `[${info.address}]` : info.address;
  return `http://${host}:${info.port}/`;
}

export function startServer(
  store: Store,
  o: { port: number; host: string; publicUrl?: string | null } & Omit<AppOptions, "store">,
): Promise<Running> {
  const opts: AppOptions = { ...o, store };
  const app = createApp(opts);
  const configured = publicBase(o.publicUrl === undefined ? process.env.G287_PUBLIC_URL : o.publicUrl);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, (info: AddressInfo) => {
      const url = listeningUrl(info);
      // Set before the first request can be read: the app reads it per request.
      opts.feedBase ??= configured ? `${configured}/` : url;
      resolve({
        url,
        port: info.port,
        feedBase: opts.feedBase,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            const s = server as unknown as { closeIdleConnections?: () => void };
            s.closeIdleConnections?.();
          }),
      });
    });
    server.once("error", reject);
  });
}
