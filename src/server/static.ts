// Serves the built web app (web/dist): its files, and index.html for any other extension-less
// path so client routes load. Hashed assets are cached for a year; index.html is revalidated;
// text files go brotli- or gzip-compressed when the client takes it.
import fs from "node:fs";
import path from "node:path";
import type { Context } from "hono";
import { etagOf, sendBody } from "./cache.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".atom": "application/atom+xml; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".geojson": "application/geo+json",
  ".topojson": "application/json; charset=utf-8",
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

interface Cached {
  mtimeMs: number;
  size: number;
  body: Uint8Array;
  type: string;
  etag: string;
}

/** Every file under a folder, as URL paths (`/assets/x.js`), sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, `${rel}/${e.name}`);
      else if (e.isFile()) out.push(`${rel}/${e.name}`);
    }
  };
  if (fs.existsSync(root)) walk(root, "");
  return out.sort();
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>g287</title></head>
<body>
<h1>g287</h1>
<p>The web app is not built yet. Build it with <code>npm run build:web</code> (Vite writes it to <code>web/dist</code>), then restart <code>g287 serve</code>.</p>
<p>The API works without it: <a href="/api/v1/status">/api/v1/status</a>, <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/feeds/changes.atom">/feeds/changes.atom</a>.</p>
</body></html>
`;

export function webHandler(root: string | undefined) {
  const cache = new Map<string, Cached>();
  const resolved = root ? path.resolve(root) : undefined;

  const read = (abs: string): Cached | null => {
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const hit = cache.get(abs);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = fs.readFileSync(abs);
    const c = { mtimeMs: st.mtimeMs, size: st.size, body, type: contentType(abs), etag: etagOf(body) };
    cache.set(abs, c);
    return c;
  };

  return (c: Context): Response | null => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return null;
    if (!resolved || !fs.existsSync(path.join(resolved, "index.html"))) {
      if (c.req.path !== "/" && c.req.path !== "/index.html") return null;
      return new Response(NOT_BUILT, {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    }
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path);
    } catch {
      return null;
    }
    if (rel.includes("\0")) return null;
    let abs = path.resolve(resolved, `.${path.posix.normalize(rel)}`);
    // Never outside the web root, whatever the path says.
    if (abs !== resolved && !abs.startsWith(resolved + path.sep)) return null;
    let file = rel.endsWith("/") ? read(path.join(abs, "index.html")) : read(abs);
    if (!file) {
      // A client route such as /agency/x gets the app; a missing file such as /x.js is a 404.
      if (path.posix.extname(rel)) return null;
      abs = path.join(resolved, "index.html");
      file = read(abs);
      if (!file) return null;
    }
    const immutable = rel.startsWith("/assets/");
    const cacheControl = immutable ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate";
    // Compressed once per file version (the twins live beside the cache entry), brotli or gzip.
    return sendBody(c.req, file, { "cache-control": cacheControl });
  };
}
