// Webhook delivery: a JSON POST signed with HMAC-SHA256 over the raw body, retried with
// exponential backoff on network errors, timeouts, 408, 429 and 5xx.
//
// SSRF: a webhook makes this server send requests to a URL someone else chose. Only http and
// https are accepted, credentials in the URL are refused, redirects are never followed (a 3xx is
// a failure), and creating a subscription needs the admin token. The target's addresses are
// checked at subscribe and before every POST (src/net/policy.ts): loopback, private, link-local,
// CGNAT, NAT64 and metadata addresses are refused, and the POST connects to the address checked,
// so a DNS answer that changes in between (rebinding) is not used. A refused target is final.
// Only G287_ALLOW_LOOPBACK (the test suite) lets loopback through.
import { createHmac, timingSafeEqual } from "node:crypto";
import { FetchError, fetchUrl } from "../net/fetch.js";
import {
  absoluteUrl,
  checkTarget,
  isHttp,
  type LoopbackAllowance,
  type OutboundPolicy,
  PolicyError,
} from "../net/policy.js";

export { isPrivateAddress } from "../net/address.js";

export const SIGNATURE_HEADER = "X-G287-Signature";
export const TIMESTAMP_HEADER = "X-G287-Timestamp";
export const DELIVERY_HEADER = "X-G287-Delivery";

export function webhookUrlProblem(raw: string): string | null {
  if (raw.length > 2048) return "the URL is longer than 2048 characters";
  const u = absoluteUrl(raw);
  if (!u) return "not an absolute URL";
  if (!isHttp(u)) return `only http:// and https:// webhooks are allowed, not ${u.protocol}`;
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

/**
 * Why a webhook may not be sent to this URL, or null: the checks of webhookUrlProblem, then the
 * host's addresses (refused when any is loopback, private, link-local, metadata and the like).
 * Run at subscribe and again before every POST, which then connects to the address checked.
 * A name that does not resolve yet is allowed at subscribe: it is checked again when sent.
 */
export async function webhookTargetProblem(
  url: string,
  o: { allowLoopback?: LoopbackAllowance; atSubscribe?: boolean; resolve?: OutboundPolicy["resolve"] } = {},
): Promise<string | null> {
  const p = webhookUrlProblem(url);
  if (p) return p;
  try {
    await checkTarget(url, { allowLoopback: o.allowLoopback, resolve: o.resolve });
    return null;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    if (o.atSubscribe && e.kind === "unresolved") return null;
    return e.reason;
  }
}

export interface WebhookOptions {
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Tries within one send run (default 3). */
  attempts?: number;
  /** First backoff delay; doubled after each failure, plus up to 25% jitter (default 1 s). */
  backoffMs?: number;
  /** Refuse loopback too, whatever the test mode says (the old G287_WEBHOOK_DENY_PRIVATE=1). */
  denyPrivate?: boolean;
  /** Test mode: loopback host:port pairs allowed (default $G287_ALLOW_LOOPBACK). */
  allowLoopback?: LoopbackAllowance;
  userAgent?: string;
}

/** `refused`: the target is not allowed at all (policy), so no later run should try it again. */
export type WebhookResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; error: string; attempts: number; retryable: boolean; refused?: boolean };

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
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = new Date();
  const text = body(now);
  try {
    const res = await fetchUrl(url, {
      method: "POST",
      body: text,
      maxRedirects: 0,
      accept: "",
      maxBytes: 64 * 1024,
      http: {
        connectTimeoutMs: timeoutMs,
        readTimeoutMs: timeoutMs,
        totalTimeoutMs: timeoutMs,
        retries: 0,
        backoffBaseMs: 0,
        backoffMaxMs: 0,
        userAgent: opts.userAgent ?? "g287-alerts/1",
      },
      // Any public host: the admin chose it. Redirects are not followed, so no second host.
      policy: { allowHosts: undefined, allowLoopback: opts.denyPrivate ? [] : opts.allowLoopback },
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        [DELIVERY_HEADER]: deliveryId,
        [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
        [SIGNATURE_HEADER]: sign(secret, text),
      },
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, attempts: attempt };
    return { ok: false, error: `HTTP ${res.status} (redirects are not followed)`, attempts: attempt, retryable: false };
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    if (e.failure === "refused")
      return { ok: false, error: e.message, attempts: attempt, retryable: false, refused: true };
    if (e.failure === "http") {
      const status = e.status ?? 0;
      const retryable = status >= 500 || status === 408 || status === 429;
      return { ok: false, error: `HTTP ${status}`, attempts: attempt, retryable };
    }
    if (e.failure === "deadline" || e.failure === "timeout")
      return { ok: false, error: `timed out after ${timeoutMs} ms`, attempts: attempt, retryable: true };
    return { ok: false, error: e.message, attempts: attempt, retryable: true };
  }
}
