// Where an outbound request may go: http(s) only, to a host on the caller's allow-list, at an
// address that is public once the name is resolved. The resolved address is what the connection
// then uses (see fetch.ts), so a second DNS answer cannot swap in a private one.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { addressProblem, isLoopback } from "./address.js";

/** Loopback `host:port` pairs the test mode allows, or "any" loopback port (G287_ALLOW_LOOPBACK=1). */
export type LoopbackAllowance = readonly string[] | "any";

export interface OutboundPolicy {
  /**
   * Host names a request, or a redirect, may go to: `www.ice.gov`, or `.ice.gov` for any name under
   * it; `host:port` to pin the port too. Undefined: a redirect must stay on the host first asked.
   */
  allowHosts?: readonly string[];
  /** Test mode: loopback is allowed for these `host:port` pairs only. Default: $G287_ALLOW_LOOPBACK. */
  allowLoopback?: LoopbackAllowance;
  /** The resolver, for tests: every address a name has. Default: dns.lookup with `all: true`. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

/**
 * A request refused before it was sent: the scheme, the host or the address is not allowed
 * (`refused`), or the name has no address now (`unresolved`, which a later try may pass).
 */
export class PolicyError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly kind: "refused" | "unresolved" = "refused",
  ) {
    super(reason);
    this.name = "PolicyError";
  }
}

/**
 * `G287_ALLOW_LOOPBACK`: unset or empty allows nothing; `1` allows loopback on any port (the test
 * suite's fake servers); `127.0.0.1:8080,localhost:9000` allows exactly those. Never private,
 * link-local or metadata addresses: only loopback.
 */
export function loopbackFromEnv(env: NodeJS.ProcessEnv = process.env): LoopbackAllowance {
  const v = (env.G287_ALLOW_LOOPBACK ?? "").trim();
  if (!v || v === "0") return [];
  if (v === "1") return "any";
  return v
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** `host:port` with the scheme's default port filled in and IPv6 brackets kept. */
export function hostPort(u: URL): string {
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  return `${u.hostname.toLowerCase()}:${port}`;
}

function hostAllowed(u: URL, allow: readonly string[]): boolean {
  const host = u.hostname.toLowerCase();
  const hp = hostPort(u);
  return allow.some((raw) => {
    const a = raw.toLowerCase();
    if (/:\d+$/.test(a) && !a.endsWith("]")) return a === hp || (a.startsWith(".") && hp.endsWith(a));
    return a.startsWith(".") ? host.endsWith(a) || host === a.slice(1) : host === a;
  });
}

/** `raw` as an absolute URL, or null. */
export function absoluteUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

export const isHttp = (u: URL) => u.protocol === "http:" || u.protocol === "https:";

/** The checks that need no DNS: a URL, http or https, no credentials, an allowed host. */
export function urlProblem(raw: string, allowHosts?: readonly string[]): string | null {
  const u = absoluteUrl(raw);
  if (!u) return "not a valid absolute URL";
  if (!isHttp(u)) return `only http and https are allowed, not ${u.protocol.replace(/:$/, "")}`;
  if (u.username || u.password) return "credentials in the URL are not allowed";
  if (allowHosts && !hostAllowed(u, allowHosts))
    return `host ${u.host} is not on the allow-list (${allowHosts.join(", ") || "empty"})`;
  return null;
}

export interface Resolved {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and checks every address it has (any of them could be the one used).
 * Returns the address to connect to, or throws PolicyError naming the address and why.
 */
export async function resolveAllowed(raw: string, policy: OutboundPolicy = {}): Promise<Resolved> {
  const u = new URL(raw);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const loopback = policy.allowLoopback ?? loopbackFromEnv();
  const loopbackOk = loopback === "any" || loopback.includes(hostPort(u));
  let addrs: { address: string; family: number }[];
  if (isIP(host)) addrs = [{ address: host, family: isIP(host) }];
  else {
    try {
      addrs = await (policy.resolve ?? ((h) => dnsLookup(h, { all: true, verbatim: true })))(host);
    } catch (e) {
      throw new PolicyError(
        raw,
        `cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        "unresolved",
      );
    }
    if (!addrs.length) throw new PolicyError(raw, `cannot resolve ${host}: no addresses`, "unresolved");
  }
  for (const a of addrs) {
    const why = addressProblem(a.address);
    if (why && !(loopbackOk && isLoopback(a.address)))
      throw new PolicyError(raw, `${host === a.address ? host : `${host} resolves to ${a.address}, which`} is ${why}`);
  }
  const first = addrs[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Every check, for a URL about to be requested: syntax, scheme, host list, then addresses. */
export async function checkTarget(raw: string, policy: OutboundPolicy = {}): Promise<Resolved> {
  const p = urlProblem(raw, policy.allowHosts);
  if (p) throw new PolicyError(raw, p);
  return resolveAllowed(raw, policy);
}
