// Which IP addresses an outbound request may reach: only public unicast ones. Everything a
// request could use to reach this machine, its network or a cloud metadata service is refused,
// including the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4).
import { BlockList, isIP } from "node:net";

const V4: [string, number, string][] = [
  ["0.0.0.0", 8, "unspecified (0.0.0.0/8)"],
  ["10.0.0.0", 8, "private (10.0.0.0/8)"],
  ["100.64.0.0", 10, "carrier-grade NAT (100.64.0.0/10)"],
  ["127.0.0.0", 8, "loopback (127.0.0.0/8)"],
  ["169.254.0.0", 16, "link-local (169.254.0.0/16, cloud metadata)"],
  ["172.16.0.0", 12, "private (172.16.0.0/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"],
  ["192.0.2.0", 24, "documentation (192.0.2.0/24)"],
  ["192.88.99.0", 24, "6to4 relay (192.88.99.0/24)"],
  ["192.168.0.0", 16, "private (192.168.0.0/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18.0.0/15)"],
  ["198.51.100.0", 24, "documentation (198.51.100.0/24)"],
  ["203.0.113.0", 24, "documentation (203.0.113.0/24)"],
  ["224.0.0.0", 4, "multicast (224.0.0.0/4)"],
  ["240.0.0.0", 4, "reserved (240.0.0.0/4, broadcast)"],
];
const V4_LISTS = V4.map(([net, bits, why]) => {
  const b = new BlockList();
  b.addSubnet(net, bits, "ipv4");
  return { b, why };
});

/** An IPv6 address as eight 16-bit groups, or null; accepts `::`, a dotted-quad tail and a %zone. */
export function parseIPv6(raw: string): number[] | null {
  let s = raw.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIP(s) !== 6) return null;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? (s.split("::") as [string, string]) : [s, null];
  const part = (x: string) => (x ? x.split(":").map((h) => Number.parseInt(h, 16)) : []);
  const h = part(head);
  const t = tail === null ? [] : part(tail);
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4From = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

function v4Problem(ip: string): string | null {
  for (const { b, why } of V4_LISTS) if (b.check(ip, "ipv4")) return why;
  return null;
}

function v6Problem(g: number[]): string | null {
  const [a, b, c, d, e, f, x, y] = g as [number, number, number, number, number, number, number, number];
  const zeroTo = (n: number) => g.slice(0, n).every((v) => v === 0);
  if (zeroTo(8)) return "unspecified (::)";
  if (zeroTo(7) && y === 1) return "loopback (::1)";
  if (zeroTo(5) && f === 0xffff) return `IPv4-mapped IPv6 (::ffff:${v4From(x, y)})`;
  if (zeroTo(6)) return `IPv4-compatible IPv6 (::${v4From(x, y)})`;
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) {
    const inner = v4Problem(v4From(x, y));
    return inner ? `NAT64 form of a refused IPv4 address (${v4From(x, y)}: ${inner})` : null;
  }
  if (a === 0x64 && b === 0xff9b && c === 1) return "local-use NAT64 (64:ff9b:1::/48)";
  if (a === 0x2002) {
    const inner = v4Problem(v4From(b, c));
    return inner ? `6to4 form of a refused IPv4 address (${v4From(b, c)}: ${inner})` : null;
  }
  if (a === 0x2001 && b === 0) return "Teredo (2001::/32)";
  if (a === 0x2001 && b === 0xdb8) return "documentation (2001:db8::/32)";
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return "discard-only (100::/64)";
  if ((a & 0xfe00) === 0xfc00) return "unique-local (fc00::/7, includes cloud metadata fd00:ec2::254)";
  if ((a & 0xffc0) === 0xfe80) return "link-local (fe80::/10)";
  if ((a & 0xffc0) === 0xfec0) return "site-local (fec0::/10)";
  if ((a & 0xff00) === 0xff00) return "multicast (ff00::/8)";
  return null;
}

/** Why an outbound request must not go to this address, or null when it is public. */
export function addressProblem(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, "");
  const v = isIP(bare.replace(/%.*$/, ""));
  if (v === 4) return v4Problem(bare);
  if (v === 6) {
    const g = parseIPv6(bare);
    return g ? v6Problem(g) : "not a valid IPv6 address";
  }
  return "not an IP address";
}

/** Loopback in either family (127/8, ::1, or their mapped forms): what the test mode may allow. */
export function isLoopback(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  const g = parseIPv6(bare);
  if (!g) return false;
  if (g.slice(0, 7).every((v) => v === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((v) => v === 0) && g[5] === 0xffff && g[6] !== undefined && g[6] >> 8 === 127;
}

/** True for any address an outbound request must not reach (kept for the webhook tests' name). */
export function isPrivateAddress(ip: string): boolean {
  return isIP(ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "")) !== 0 && addressProblem(ip) !== null;
}
