// Local stand-ins for what g287 talks to, in this process on loopback: a plain HTTP server, a
// webhook receiver that checks every HMAC, and an SMTP sink that reads the two MIME parts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Change } from "../src/alerts/changes.js";
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from "../src/alerts/webhook.js";

export interface Server {
  port: number;
  host: string;
  url: (p: string) => string;
  hits: string[];
  close: () => Promise<void>;
}

/** A loopback server; `route` answers each path. */
export async function server(
  route: (p: string, res: http.ServerResponse, req: http.IncomingMessage) => void,
): Promise<Server> {
  const hits: string[] = [];
  const s = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    hits.push(p);
    route(p, res, req);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

export interface Hit {
  path: string;
  delivery: string;
  body: string;
  json: {
    delivery_id: string;
    subscription_id: string;
    sent_at: string;
    alert: Change & { summary: string; source: string; links: { agency: string | null; state: string | null } };
  };
  verified: boolean;
  status: number;
}

/** A webhook receiver: checks each request's HMAC with the secret of its path. */
export async function receiver(
  secrets: Record<string, string>,
  reply: (path: string, n: number) => number = () => 204,
) {
  const hits: Hit[] = [];
  const counts = new Map<string, number>();
  let onRequest: ((p: string) => void) | null = null;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", () => {
      const p = req.url ?? "";
      const n = (counts.get(p) ?? 0) + 1;
      counts.set(p, n);
      const status = reply(p, n);
      hits.push({
        path: p,
        delivery: String(req.headers[DELIVERY_HEADER.toLowerCase()]),
        body: raw,
        json: JSON.parse(raw),
        verified: verifySignature(secrets[p] ?? "", raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string),
        status,
      });
      onRequest?.(p);
      if (status === 0) return; // never answer: the sender is killed meanwhile
      res.writeHead(status).end(status < 300 ? "" : "nope");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (p: string) => `${base}${p}`,
    hits,
    at: (p: string) => hits.filter((h) => h.path === p),
    keys: (p: string) =>
      hits
        .filter((h) => h.path === p && h.status < 300)
        .map((h) => h.json.alert.key)
        .sort(),
    onRequest(fn: (p: string) => void) {
      onRequest = fn;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Mail {
  to: string[];
  subject: string;
  headers: string;
  text: string;
  html: string;
}

function decodePart(part: string): { type: string; content: string } {
  const [head = "", ...rest] = part.split(/\r?\n\r?\n/);
  const raw = rest.join("\n\n");
  const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? "";
  const enc = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  let content = raw;
  if (enc === "base64") content = Buffer.from(raw.replace(/\s+/g, ""), "base64").toString("utf8");
  else if (enc === "quoted-printable")
    content = Buffer.from(
      raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  return { type, content };
}

/** An SMTP sink in this process (no auth, no TLS), with a tiny MIME reader for the two parts. */
export async function smtpSink() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        raw += d;
      });
      stream.on("end", () => {
        const [headers = ""] = raw.split(/\r?\n\r?\n/);
        const boundary = /boundary="?([^"\r\n;]+)"?/i.exec(headers)?.[1] as string;
        const parts = raw.split(`--${boundary}`).slice(1, -1).map(decodePart);
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "",
          headers,
          text: parts.find((p) => p.type === "text/plain")?.content ?? "",
          html: parts.find((p) => p.type === "text/html")?.content ?? "",
        });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
