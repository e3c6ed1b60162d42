// Runs the app over HTTP with @hono/node-server, and closes it cleanly: stop accepting, let
// requests in flight finish, then close idle keep-alive connections.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Store } from "../store/db.js";
import { type AppOptions, createApp } from "./app.js";

export interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startServer(
  store: Store,
  o: { port: number; host: string } & Omit<AppOptions, "store">,
): Promise<Running> {
  const app = createApp({ ...o, store });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, (info: AddressInfo) => {
      const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}/`,
        port: info.port,
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
