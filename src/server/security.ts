// Response headers every answer carries, and the admin check for write endpoints: a Bearer token
// compared in constant time, so response timing does not leak how much of a guess was right.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "./http.js";

/**
 * The web app runs only its own scripts. Styles may be inline because Observable Plot writes a
 * <style> into each chart; images may be data: URIs (Plot's legends). No frame-ancestors rule, so
 * newsrooms can iframe the embed mode (`?embed=1`).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Data (JSON, CSV, Atom) is never a document that runs anything. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Paths that only ever answer with data; everything else is the web app. */
function isDataPath(path: string): boolean {
  return path.startsWith("/api/") || path.startsWith("/feeds/") || path.startsWith("/data/");
}

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  const type = h.get("content-type") ?? "";
  const path = c.req.path;
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  // The policy follows the path, not the content type: a 304 for index.html has no content type,
  // and Chromium applies the 304's policy to its cached page (a sandboxed, blank app on revisit).
  if (!h.has("content-security-policy"))
    h.set("content-security-policy", isDataPath(path) || (type && !type.startsWith("text/html")) ? DATA_CSP : APP_CSP);
  // The data is public: any site may fetch it (read-only; no credentials are honoured).
  if (isDataPath(path)) {
    h.set("access-control-allow-origin", "*");
    h.set("access-control-expose-headers", "ETag, Link");
  }
};

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** Compares two secrets in time that depends only on their hashes' (fixed) length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Guards write endpoints: `Authorization: Bearer <G287_ADMIN_TOKEN>`. Without a configured token
 * every write is refused, so a server started without one is read-only.
 */
export function requireAdmin(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!token || !m || !sameSecret(m[1] as string, token)) {
      const res = errorResponse(
        new ApiError(
          401,
          "unauthorized",
          token
            ? "a valid admin token is required (Authorization: Bearer …)"
            : "writes are disabled: the server has no G287_ADMIN_TOKEN",
        ),
      );
      res.headers.set("www-authenticate", 'Bearer realm="g287"');
      return res;
    }
    await next();
  };
}
