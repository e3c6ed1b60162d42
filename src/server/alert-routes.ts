// Admin endpoints for change alerts: POST, GET and DELETE /subscriptions, all behind the Bearer
// admin token (compared in constant time). Mounted under /api/v1. Secrets are never echoed.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { SubscriptionError, subscribe, unsubscribe } from "../alerts/admin.js";
import { getSubscription, listSubscriptions, publicView } from "../alerts/subscriptions.js";
import { alertDb } from "../alerts/tables.js";
import { listEnvelope } from "../export/json.js";
import type { Store } from "../store/db.js";
import { ApiError, errorResponse } from "./http.js";
import { requireAdmin } from "./security.js";

const json = (v: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(`${JSON.stringify(v, null, 2)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });

export function alertRoutes(store: Store, adminToken: string | undefined): Hono {
  const app = new Hono();
  app.use("/subscriptions", requireAdmin(adminToken));
  app.use("/subscriptions/*", requireAdmin(adminToken));
  app.onError((e) => {
    if (e instanceof ApiError) return errorResponse(e);
    return errorResponse(new ApiError(500, "internal", "the request could not be completed"));
  });

  app.post(
    "/subscriptions",
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => errorResponse(new ApiError(400, "body_too_large", "the request body is larger than 16 KiB")),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new ApiError(400, "invalid_json", "the body must be a JSON object (Content-Type: application/json)");
      }
      try {
        const sub = await subscribe(store, body);
        return json({ data: publicView(sub) }, 201, { location: `subscriptions/${sub.id}` });
      } catch (e) {
        if (e instanceof SubscriptionError) throw new ApiError(400, "invalid_subscription", e.message);
        throw e;
      }
    },
  );

  app.get("/subscriptions", async (c) => {
    const all = c.req.query("all") === "1" || c.req.query("all") === "true";
    const subs = await listSubscriptions(alertDb(store.db), { all });
    return json(listEnvelope(subs.map(publicView)));
  });

  app.get("/subscriptions/:id", async (c) => {
    const sub = await getSubscription(alertDb(store.db), c.req.param("id"));
    if (!sub) throw new ApiError(404, "not_found", "no such subscription");
    return json({ data: publicView(sub) });
  });

  app.delete("/subscriptions/:id", async (c) => {
    const r = await unsubscribe(store, c.req.param("id"));
    if (!r) throw new ApiError(404, "not_found", "no such subscription");
    return json({ data: publicView(r.subscription), cancelled: r.cancelled });
  });

  return app;
}
