// Hash routes (`#/state/TX?lang=es`), so a static host needs no rewrites. All page state lives in
// the hash's query: a copied address restores the page, its filters and its language.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** Path segments: `#/agency/tx-x` → ["agency", "tx-x"]; home → []. */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const [path = "", qs = ""] = h.split("?", 2) as [string?, string?];
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, query: new URLSearchParams(qs) };
}

/** `#/path?query`, with empty parameters dropped and keys in a fixed order, so permalinks are stable. */
export function formatHash(path: string, params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(params).sort()) {
    const v = params[k];
    if (v === null || v === undefined || v === "") continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return `#${path.startsWith("/") ? path : `/${path}`}${s ? `?${s}` : ""}`;
}

const CHANGE = "g287:route";

const LANG_KEY = "g287:lang";

/**
 * `?lang=es#/state/TX` (a link from outside, or a static entry page) is moved inside the hash, so
 * the hash is the one place the app reads and changes; the search part is dropped from the address.
 */
export function liftLangIntoHash(): void {
  const search = new URLSearchParams(location.search);
  const lang = search.get("lang");
  if (!lang) return;
  search.delete("lang");
  const r = parseHash(location.hash);
  if (!r.query.has("lang")) r.query.set("lang", lang);
  const qs = r.query.toString();
  const hash = `#/${r.parts.map(encodeURIComponent).join("/")}${qs ? `?${qs}` : ""}`;
  const rest = search.toString();
  history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${hash}`);
}

/** The language asked for in the address, else the one remembered from the last visit, else English. */
export function langOf(route: Route): "en" | "es" {
  const asked = route.query.get("lang");
  if (asked === "es" || asked === "en") {
    remember(asked);
    return asked;
  }
  return recalled() ?? "en";
}

function remember(lang: string): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Storage can be blocked (private windows, embeds): the address still carries the language.
  }
}

function recalled(): "en" | "es" | null {
  try {
    const v = localStorage.getItem(LANG_KEY);
    return v === "es" || v === "en" ? v : null;
  } catch {
    return null;
  }
}

if (typeof location !== "undefined") liftLangIntoHash();

/** Moves to a hash. `replace` is for filters and sliders: they update the address without piling up history. */
export function navigate(hash: string, opts: { replace?: boolean } = {}): void {
  if (hash === location.hash) return;
  if (opts.replace) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
  window.dispatchEvent(new Event(CHANGE));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", on);
    window.addEventListener("popstate", on);
    window.addEventListener(CHANGE, on);
    return () => {
      window.removeEventListener("hashchange", on);
      window.removeEventListener("popstate", on);
      window.removeEventListener(CHANGE, on);
    };
  }, []);
  return route;
}
