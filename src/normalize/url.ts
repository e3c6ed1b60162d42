// MOA links. ICE's hyperlinks include Outlook SafeLinks wrappers (whose `data` parameter carries a
// staff e-mail address), a `chrome-extension://…/https:/www.ice.gov/…` PDF-viewer wrapper,
// malformed `https:/`, `http:` and raw spaces. Only the real target is kept.

export interface UrlResult {
  url: string | null;
  /** Names of the rules that changed the link, in the order applied. */
  rules: string[];
}

const MAX_URL = 2048;

const URL_CACHE = new Map<string, UrlResult>();

export function cleanUrl(raw: unknown): UrlResult {
  if (typeof raw !== "string") return { url: null, rules: [] };
  const hit = URL_CACHE.get(raw);
  if (hit) return hit;
  let out: UrlResult;
  try {
    out = computeUrl(raw);
  } catch {
    // Total by contract: whatever the URL parser makes of a cell, it is at worst no link.
    out = { url: null, rules: ["not_a_url"] };
  }
  if (URL_CACHE.size >= 100_000) URL_CACHE.clear();
  URL_CACHE.set(raw, out);
  return out;
}

export const SAFELINKS = /^\s*https?:\/*[^/?#]*safelinks\.protection\.outlook\.com/i;

function computeUrl(raw: string): UrlResult {
  const rules: string[] = [];
  let s = raw.trim();
  if (!s) return { url: null, rules };
  for (let depth = 0; depth < 3; depth++) {
    const inner = unwrap(s);
    if (!inner) break;
    rules.push(inner.rule);
    s = inner.url;
  }
  // A wrapper we could not open still carries the e-mail address: never keep it as a link.
  if (SAFELINKS.test(s)) return { url: null, rules: [...rules, "safelinks_without_target"] };
  // `https:/www.ice.gov` (one slash) appears in ICE's cells and inside the chrome-extension wrapper.
  const fixed = s.replace(/^(https?):\/(?!\/)/i, "$1://");
  if (fixed !== s) rules.push("single_slash_scheme");
  s = fixed;
  if (/^http:\/\/(www\.)?ice\.gov\//i.test(s)) {
    s = s.replace(/^http:/i, "https:");
    rules.push("ice_https");
  }
  let u: URL;
  try {
    u = new URL(s.replace(/ /g, "%20"));
  } catch {
    return { url: null, rules: [...rules, "not_a_url"] };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { url: null, rules: [...rules, "not_http"] };
  if (s.includes(" ")) rules.push("encoded_spaces");
  const out = u.toString();
  return out.length > MAX_URL ? { url: null, rules: [...rules, "too_long"] } : { url: out, rules };
}

function unwrap(s: string): { url: string; rule: string } | null {
  // SafeLinks: https://gcc02.safelinks.protection.outlook.com/?url=<encoded>&data=<email…>&…
  if (SAFELINKS.test(s)) {
    try {
      const target = new URL(s).searchParams.get("url");
      if (target) return { url: target, rule: "unwrap_safelinks" };
    } catch {
      return null;
    }
  }
  // Google and other redirectors that carry the target in `url` or `q`.
  if (/^https?:\/\/(www\.)?google\.[a-z.]+\/url\?/i.test(s)) {
    try {
      const p = new URL(s).searchParams;
      const target = p.get("url") ?? p.get("q");
      if (target) return { url: target, rule: "unwrap_redirect" };
    } catch {
      return null;
    }
  }
  // chrome-extension://<id>/https:/www.ice.gov/…  (Acrobat's viewer wrapper)
  const ext = /^chrome-extension:\/\/[a-z]+\/(https?:\/.*)$/i.exec(s);
  if (ext?.[1]) return { url: ext[1], rule: "unwrap_chrome_extension" };
  // Wayback: https://web.archive.org/web/20210113002027/https://www.ice.gov/…
  const wb = /^https?:\/\/web\.archive\.org\/web\/\d+[a-z_]*\/(https?:\/.*)$/i.exec(s);
  if (wb?.[1]) return { url: wb[1], rule: "unwrap_wayback" };
  return null;
}
