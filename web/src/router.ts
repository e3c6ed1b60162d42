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
