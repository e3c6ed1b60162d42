// The server app: the API under /api/v1 (with its OpenAPI document), the Atom feed, the web app's
// data files under /data, and the built web app. `g287 serve` runs it over HTTP; `g287 site`
// renders it in-process with app.request(), so both give the same bytes.
import { fileURLToPath } from "node:url";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { getPath } from "hono/utils/url";
import { UsageError } from "../errors.js";
import type { Store } from "../store/db.js";
import { alertRoutes } from "./alert-routes.js";
import { RESOURCES } from "./api/index.js";
import { consistentAnswer } from "./cache.js";
import { registerDataFile, registerDataNotFound } from "./data-file.js";
import { changesFeed, FEED_DEFAULT_LIMIT, FEED_TYPES } from "./feeds.js";
import { ApiError, errorResponse, renderJson } from "./http.js";
import { DATA_FILES } from "./pages/index.js";
import { p } from "./params.js";
import {
  API_CACHE_CONTROL,
  API_PREFIX,
  apiDeps,
  ctxFor,
  register,
  responseKey,
  sourceOf,
  validationError,
} from "./resource.js";
import { type Rendered, rendered, send } from "./respond.js";
import { requireAdmin, securityHeaders } from "./security.js";
import { webHandler } from "./static.js";

export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));
const FEED_CACHE_CONTROL = "public, max-age=300";

export interface AppOptions {
  store: Store;
  /** Bearer token for write endpoints (G287_ADMIN_TOKEN); without one, every write is refused. */
  adminToken?: string;
  /** The built web app (default web/dist); null serves the API alone. */
  webDist?: string | null;
  /**
   * The site root as links in the feed should name it: an absolute URL, or a path relative to
   * /feeds/ (the static site uses "../"). Default: the origin of each request.
   */
  feedBase?: string;
  /** How long a read of the ledger version is trusted (ms); 0 re-reads on every request. */
  versionTtlMs?: number;
}

/**
 * Routing sees `/api/v1/agreements.csv` as `/api/v1/agreements`: the suffix only picks the
 * format (see formatOf), so every route has its .json and .csv twins without a second route.
 */
function routingPath(req: Request): string {
  const p = getPath(req);
  if (p.startsWith(`${API_PREFIX}/`)) {
    if (p.endsWith(".json")) return p.slice(0, -5);
    if (p.endsWith(".csv")) return p.slice(0, -4);
  }
  return p;
}

const isDataPath = (p: string) => p.startsWith("/api/") || p.startsWith("/feeds/") || p.startsWith("/data/");

export function createApp(opts: AppOptions): OpenAPIHono {
  const { db } = opts.store;
  const deps = apiDeps(db, { versionTtlMs: opts.versionTtlMs });
  const app = new OpenAPIHono({ getPath: routingPath });

  app.use("*", securityHeaders);
  // Every write under /api needs the admin token; there are no write routes yet beyond what
  // alerts will add, so an authorised write that matches nothing is a 404.
  app.on(["POST", "PUT", "PATCH", "DELETE"], "/api/*", requireAdmin(opts.adminToken));

  app.get("/healthz", (c) => c.text("ok\n", 200, { "cache-control": "no-store" }));

  // The fast path: a request already answered for this ledger version is served from the cache
  // before routing and validation (only answers that passed validation are ever cached). Bodies
  // that are not the API's carry their own cache-control.
  app.on(["GET", "HEAD"], ["/api/v1/*", "/feeds/*", "/data/*"], async (c, next) => {
    const hit = deps.responses.peek(await deps.version.current(), responseKey(c));
    if (!hit) return next();
    return send(c.req, hit, API_CACHE_CONTROL);
  });

  for (const r of RESOURCES) register(app, deps, r);

  // ---- the Atom feed
  const feedQuery = z.strictObject({
    state: p.state(),
    agency: p.agency(),
    model: p.model(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, "expected a number from 1 to 1000")
      .refine((s) => Number(s) >= 1 && Number(s) <= 1000, "expected a number from 1 to 1000")
      .optional()
      .openapi({ description: `entries, newest first (default ${FEED_DEFAULT_LIMIT})` }),
  });
  app.openapi(
    createRoute({
      method: "get",
      path: "/feeds/changes.atom",
      operationId: "changes_feed",
      tags: ["feeds"],
      summary: "Changes as an Atom feed",
      description: `Entries for ${FEED_TYPES.join(", ")} events, newest first. Each links to its agency page in the web app (\`/#/agency/{id}\`) and names the list it came from. Lists quarantined are in every feed, whatever the filter.`,
      request: { query: feedQuery },
      responses: {
        200: { description: "an Atom feed", content: { "application/atom+xml": { schema: z.string() } } },
        304: { description: "not modified" },
        400: { description: "a bad parameter" },
      },
    }),
    (async (c: Context) => {
      const q = (c.req as unknown as { valid(t: "query"): z.infer<typeof feedQuery> }).valid("query");
      const r = await consistentAnswer(deps.version, deps.responses, responseKey(c), async (version) => {
        const source = await sourceOf(deps, version);
        const base = opts.feedBase ?? `${new URL(c.req.url).origin}/`;
        const search = new URL(c.req.url).search;
        const body = await changesFeed(
          ctxFor(deps, version, source),
          { state: q.state, agency: q.agency, model: q.model, limit: q.limit ? Number(q.limit) : FEED_DEFAULT_LIMIT },
          base,
          `${base}feeds/changes.atom${search}`,
        );
        return rendered(body, "application/atom+xml; charset=utf-8", { "cache-control": FEED_CACHE_CONTROL });
      });
      return send(c.req, r, FEED_CACHE_CONTROL);
    }) as never,
    ((result: { success: boolean; error?: z.ZodError }) =>
      result.success || !result.error
        ? undefined
        : errorResponse(validationError(result.error, Object.keys(feedQuery.shape)))) as never,
  );

  // ---- the OpenAPI document, built once
  let openapi: Rendered | null = null;
  app.get("/api/openapi.json", (c) => {
    openapi ??= renderJson(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "g287 API",
          version: "1",
          description:
            "A public ledger of ICE 287(g) agreements: every list ICE published, replayed into a stable, sourced history. Every list resource has a JSON and a CSV twin, keyset pages, ETags and one error shape.",
          license: { name: "MIT" },
        },
        servers: [{ url: "/" }],
      }),
    );
    return send(c.req, openapi, API_CACHE_CONTROL);
  });

  // ---- change-alert subscriptions (admin only: POST, GET and DELETE /api/v1/subscriptions)
  app.route(API_PREFIX, alertRoutes(opts.store, opts.adminToken));

  // ---- the web app's data files, one module per page (pages/), served like the API's resources
  for (const f of DATA_FILES) registerDataFile(app, deps, f);
  registerDataNotFound(app);

  // ---- the built web app
  const web = webHandler(opts.webDist === undefined ? DEFAULT_WEB_DIST : (opts.webDist ?? undefined));
  app.get("*", async (c, next) => {
    if (isDataPath(c.req.path)) return next();
    return web(c) ?? next();
  });

  app.notFound((c) => {
    const p = c.req.path;
    if (isDataPath(p) || c.req.method !== "GET") {
      return errorResponse(
        new ApiError(
          404,
          "not_found",
          p.startsWith(API_PREFIX) ? `${p}: no such resource (the list is at /api/openapi.json)` : `${p}: not found`,
        ),
      );
    }
    return c.html('<!doctype html><title>Not found</title><p>Not found. <a href="/">g287</a></p>\n', 404, {
      "cache-control": "no-store",
    });
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(err);
    // The analysis functions check their own options (a date range, an empty ledger) and say what is wrong.
    if (err instanceof UsageError) return errorResponse(new ApiError(400, "bad_request", err.message));
    if (err instanceof HTTPException && err.status < 500) {
      return errorResponse(new ApiError(err.status as 400, "bad_request", err.message || "bad request"));
    }
    // Logged here, never sent: a response names no file, line or stack.
    process.stderr.write(`g287 serve: ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? String(err)}\n`);
    return errorResponse(new ApiError(500, "internal", "internal error; the server log has the details"));
  });

  return app;
}
