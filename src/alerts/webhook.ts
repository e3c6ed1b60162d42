// Webhook delivery: a JSON POST signed with HMAC-SHA256 over the raw body, retried with
// exponential backoff on network errors, timeouts, 408, 429 and 5xx.
//
// SSRF: a webhook makes this server send requests to a URL someone else chose. Only http and
// https are accepted, credentials in the URL are refused, redirects are never followed (a 3xx is
// a failure), and creating a subscription needs the admin token. That still lets an admin point
// a webhook at loopback or the private network (the tests do). On a shared host set
// G287_WEBHOOK_DENY_PRIVATE=1: the host name is resolved before each POST and refused if any
// address is loopback, private, link-local (cloud metadata 169.254.169.254) or unspecified. A DNS
// answer that changes between that check and the connection (rebinding) is not caught; for full
// protection send webhooks through an egress proxy or firewall.
import { createHmac, timingSafeEqual } from "node:crypto";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

export const SIGNATURE_HEADER = "X-G287-Signature";
export const TIMESTAMP_HEADER = "X-G287-Timestamp";
export const DELIVERY_HEADER = "X-G287-Delivery";

export function webhookUrlProblem(raw: string): string | null {
  if (raw.length > 2048) return "the URL is longer than 2048 characters";
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "not an absolute URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    return `only http:// and https:// webhooks are allowed, not ${u.protocol}`;
  if (u.username || u.password) return "credentials in the URL are not allowed (the secret signs every request)";
  return null;
}

/** `sha256=<hex>`: the value of X-G287-Signature for this body. */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** For receivers (and the tests): checks a signature header in constant time. */
export function verifySignature(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv6");

export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return false;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1] as string, "ipv4");
  return PRIVATE.check(ip, v === 4 ? "ipv4" : "ipv6");
}

async function privateTargetProblem(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const addrs = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  const bad = addrs.find((a) => isPrivateAddress(a.address));
  return bad ? `${host} resolves to ${bad.address}, a private address (G287_WEBHOOK_DENY_PRIVATE is set)` : null;
}

export interface WebhookOptions {
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Tries within one send run (default 3). */
  attempts?: number;
  /** First backoff delay; doubled after each failure, plus up to 25% jitter (default 1 s). */
  backoffMs?: number;
  denyPrivate?: boolean;
  userAgent?: string;
}

export type WebhookResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; error: string; attempts: number; retryable: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs one delivery. `body` is called per attempt so each carries its own timestamp; the
 * delivery id stays the same, so a receiver can drop a repeat (delivery is at-least-once).
 */
export async function postWebhook(
  url: string,
  secret: string,
  deliveryId: string,
  body: (sentAt: Date) => string,
  opts: WebhookOptions = {},
): Promise<WebhookResult> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const backoff = opts.backoffMs ?? 1000;
  const problem = webhookUrlProblem(url);
  if (problem) return { ok: false, error: problem, attempts: 0, retryable: false };
  let last: WebhookResult = { ok: false, error: "not attempted", attempts: 0, retryable: true };
  for (let n = 1; n <= attempts; n++) {
    if (n > 1) await sleep(backoff * 2 ** (n - 2) * (1 + Math.random() * 0.25));
    last = await postOnce(url, secret, deliveryId, body, opts, n);
    if (last.ok || !last.retryable) return last;
  }
  return last;
}

async function postOnce(
  url: string,
  secret: string,
  deliveryId: string,
  body: (sentAt: Date) => string,
  opts: WebhookOptions,
  attempt: number,
): Promise<WebhookResult> {
  try {
    if (opts.denyPrivate) {
      const p = await privateTargetProblem(url);
      if (p) return { ok: false, error: p, attempts: attempt, retryable: false };
    }
    const now = new Date();
    const text = body(now);
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": opts.userAgent ?? "g287-alerts/1",
        [DELIVERY_HEADER]: deliveryId,
        [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
        [SIGNATURE_HEADER]: sign(secret, text),
      },
      body: text,
    });
    // The reply body is not needed; drop it so the connection is freed.
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, attempts: attempt };
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    const why = res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : "";
    return { ok: false, error: `HTTP ${res.status}${why}`, attempts: attempt, retryable };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const msg =
      err.name === "TimeoutError"
        ? `timed out after ${opts.timeoutMs ?? 10_000} ms`
        : `${err.message}${err.cause?.code ? ` (${err.cause.code})` : ""}`;
    return { ok: false, error: msg, attempts: attempt, retryable: true };
  }
}
