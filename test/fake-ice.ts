// A local HTTP server that imitates ICE's 287(g) page and downloads for the sync tests: routes can
// serve bytes with validators (ETag, Last-Modified → 304), an HTML block page with status 200, an
// error status, a reply that comes too late, a body cut off mid-way, or a sequence of replies.
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Wait this long before sending anything. */
  delayMs?: number;
  /** Declare the full length, send this many bytes, then drop the connection. */
  cutAt?: number;
  etag?: string;
  lastModified?: string;
  /** No Content-Length: the body goes out in 16 KB chunks, so only its streamed size tells. */
  chunked?: boolean;
}

export interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
}

export class FakeIce {
  private server: http.Server;
  private routes = new Map<string, Reply | Reply[]>();
  readonly seen: Seen[] = [];
  port = 0;

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  url(p: string): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  /** A reply, or a sequence of replies (the last one repeats). */
  set(p: string, reply: Reply | Reply[]): void {
    this.routes.set(p, Array.isArray(reply) ? [...reply] : reply);
  }

  clear(): void {
    this.routes.clear();
    this.seen.length = 0;
  }

  requests(p: string): Seen[] {
    return this.seen.filter((s) => s.path === p);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    this.seen.push({ path: p, headers: req.headers });
    const route = this.routes.get(p);
    const r: Reply | undefined = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    if (!r) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const send = () => {
      if (r.etag && req.headers["if-none-match"] === r.etag) return res.writeHead(304, { etag: r.etag }).end();
      if (r.lastModified && !r.etag && req.headers["if-modified-since"] === r.lastModified)
        return res.writeHead(304, { "last-modified": r.lastModified }).end();
      const body = typeof r.body === "string" ? Buffer.from(r.body) : Buffer.from(r.body ?? new Uint8Array());
      const headers: Record<string, string> = { ...r.headers };
      if (!r.chunked) headers["content-length"] = String(body.length);
      if (r.etag) headers.etag = r.etag;
      if (r.lastModified) headers["last-modified"] = r.lastModified;
      res.writeHead(r.status ?? 200, headers);
      if (r.cutAt !== undefined) {
        res.write(body.subarray(0, r.cutAt), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      if (r.chunked) {
        const write = (at: number) => {
          if (at >= body.length || res.destroyed) return res.end();
          res.write(body.subarray(at, at + 16_384), () => setImmediate(write, at + 16_384));
        };
        return write(0);
      }
      res.end(body);
    };
    if (r.delayMs) {
      const t = setTimeout(send, r.delayMs);
      res.on("close", () => clearTimeout(t));
    } else send();
  }
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A workbook reply with validators, as ICE's CDN serves it. */
export function workbook(bytes: Uint8Array, o: { lastModified?: string; etag?: boolean } = {}): Reply {
  return {
    body: bytes,
    headers: { "content-type": XLSX_TYPE },
    etag: o.etag === false ? undefined : `"${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}"`,
    lastModified: o.lastModified,
  };
}

/** ICE's page: headings, prose, and the two download links where ICE last put them. */
export function icePage(links: { participating?: string; pending?: string; title?: string; style?: "name" | "text" }) {
  const a = (href: string, label: string) =>
    links.style === "text"
      ? `<p>${label}</p><p><a href="${href.replace(/&/g, "&amp;")}" class="usa-link">Download (XLSX)</a></p>`
      : `<p><a href="${href.replace(/&/g, "&amp;")}">${label}</a> (Excel)</p>`;
  return `<!DOCTYPE html><html lang="en"><head><title>${links.title ?? "Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act | ICE"}</title>
<link rel="stylesheet" href="/themes/ice.css"></head><body>
<nav><a href="/">Home</a> <a href="/identify-and-arrest">Identify and Arrest</a></nav>
<main><h1>Delegation of Immigration Authority Section 287(g)</h1>
<p>ICE has 287(g) agreements with law enforcement agencies in many states.</p>
<h2>Participating Agencies</h2>
${links.participating ? a(links.participating, "Participating Agencies") : "<p>Check back soon.</p>"}
<h2>Pending Agencies</h2>
${links.pending ? a(links.pending, "Pending Agencies") : ""}
<p><a href="/doclib/about/offices/ero/287g/moa/sample.pdf">Sample MOA</a> <a href="mailto:287g@ice.dhs.gov">Contact</a></p>
</main></body></html>`;
}

export const BLOCK_PAGE = `<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;ice&#46;gov&#47;doclib" on this server.<p>
Reference&#32;&#35;18&#46;5c0f3417&#46;1775000000&#46;1a2b3c</p></body></html>`;

/** sha256 of every file under a folder (names and bytes), or "absent". */
export function hashDir(dir: string): string {
  if (!fs.existsSync(dir)) return "absent";
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const rel = path.relative(dir, full);
      if (fs.statSync(full).isDirectory()) walk(full);
      else h.update(`${rel}\0`).update(fs.readFileSync(full)).update("\0");
    }
  };
  walk(dir);
  return h.digest("hex");
}
