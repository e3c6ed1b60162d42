// What every page gets: the route, the language (with its strings and formats), embed mode, and
// helpers that build links and update the query while keeping the language.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type I18n, type Lang, makeI18n } from "./i18n.js";
import { formatHash, navigate, type Route } from "./router.js";

export type Params = Record<string, string | number | null | undefined>;

export interface App extends I18n {
  route: Route;
  embed: boolean;
  /** The current path, as `/state/TX`. */
  path: string;
  /** A link to a page, keeping the language. */
  link(path: string, params?: Params): string;
  /** Updates the current page's query; `replace` for filters and sliders. */
  setQuery(params: Params, opts?: { replace?: boolean }): void;
  /** One query parameter, or the fallback. */
  q(name: string, fallback?: string): string;
}

export const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const a = useContext(AppContext);
  if (!a) throw new Error("useApp outside the app");
  return a;
}

const i18nCache = new Map<Lang, I18n>();

export function makeApp(route: Route): App {
  const lang: Lang = route.query.get("lang") === "es" ? "es" : "en";
  let i18n = i18nCache.get(lang);
  if (!i18n) {
    i18n = makeI18n(lang);
    i18nCache.set(lang, i18n);
  }
  const path = `/${route.parts.map(encodeURIComponent).join("/")}`;
  const keepLang = (p: Params): Params => ({ ...p, lang: lang === "es" ? "es" : null });
  return {
    ...i18n,
    route,
    embed: route.query.get("embed") === "1",
    path,
    link: (p, params = {}) => formatHash(p, keepLang(params)),
    setQuery(params, opts) {
      const merged: Params = {};
      route.query.forEach((v, k) => {
        merged[k] = v;
      });
      Object.assign(merged, params);
      navigate(formatHash(path, merged), opts);
    },
    q: (name, fallback = "") => route.query.get(name) ?? fallback,
  };
}
