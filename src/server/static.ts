// The built web app (web/dist): its files, and index.html for any other extension-less path so
// client routes load. Hashed assets are cached for a year; index.html is revalidated. Each file is
// read once per version on disk and sent through the one response path (respond.ts).
//
// Not @hono/node-server's serveStatic with Hono's etag middleware, by measurement: that pair reads
// the file and hashes its bytes on every request, sends it uncompressed, and answers 304s itself
// beside respond.ts. In-process on the 107 kB app bundle it took 6.9 ms a request (11 ms with
// Accept-Encoding: br, still uncompressed) against 1.2 ms for a cached brotli body here, and 57-64
// ms against 3.8 ms on the 842 kB county map (app.request, medians of 300, on 2 busy cores).
import fs from "node:fs";
import path from "node:path";
import type { Context } from "hono";
import { getMimeType, mimes } from "hono/utils/mime";
import { type Rendered, rendered, send } from "./respond.js";

// Hono's table, with the charset on JSON and the types it lacks.
const TYPES: Record<string, string> = {
  ...mimes,
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  topojson: "application/json; charset=utf-8",
  geojson: "application/geo+json",
  atom: "application/atom+xml; charset=utf-8",
  svg: "image/svg+xml",
};

export function contentType(file: string): string {
  return getMimeType(file, TYPES) ?? "application/octet-stream";
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

interface Cached {
  mtimeMs: number;
  size: number;
  file: Rendered;
}

export function webHandler(root: string | undefined) {
  const cache = new Map<string, Cached>();
  const resolved = root ? path.resolve(root) : undefined;

  /** A file as a body, read again only when its size or time on disk changes. */
  const read = (abs: string): Rendered | null => {
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const hit = cache.get(abs);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.file;
    const file = rendered(fs.readFileSync(abs), contentType(abs));
    cache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, file });
    return file;
  };

  return (c: Context): Response | Promise<Response> | null => {
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
    const abs = path.resolve(resolved, `.${path.posix.normalize(rel)}`);
    // Never outside the web root, whatever the path says.
    if (abs !== resolved && !abs.startsWith(resolved + path.sep)) return null;
    const cacheControl = rel.startsWith("/assets/")
      ? "public, max-age=31536000, immutable"
      : "public, max-age=0, must-revalidate";
    let file = read(rel.endsWith("/") ? path.join(abs, "index.html") : abs);
    if (!file) {
      // A client route such as /agency/x gets the app; a missing file such as /x.js is a 404.
      if (path.posix.extname(rel)) return null;
      file = read(path.join(resolved, "index.html"));
      if (!file) return null;
    }
    return send(c.req, file, cacheControl);
  };
}
