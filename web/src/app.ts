// What every page gets: the route, the language (with its strings and formats), embed mode, and
// helpers that build links and update the query while keeping the language.
import { createContext } from "preact";
import { useContext, useEffect } from "preact/hooks";
import { keyedText, type MsgRef, renderMsg } from "../../src/analysis/messages.js";
import { type I18n, type Key, type Lang, makeI18n } from "./i18n/index.js";
import { formatHash, langOf, navigate, type Route } from "./router.js";

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
  /**
   * An analysis sentence in the page's language: from its message key when the data carries one,
   * else read back from its English text; a sentence no key knows stays as written.
   */
  msg(text: string | null | undefined, ref?: MsgRef | null): string;
}

export const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const a = useContext(AppContext);
  if (!a) throw new Error("useApp outside the app");
  return a;
}

const i18nCache = new Map<Lang, I18n>();

export function makeApp(route: Route): App {
  const lang: Lang = langOf(route);
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
    msg(text, ref) {
      if (!text && !ref) return "";
      const m = ref ?? keyedText(text ?? "");
      return renderMsg(m, lang, { num: (n) => i18n.num(n), date: (d) => i18n.date(d) });
    },
  };
}

/** Names that pages know only once their data is in (an agency's name), by path. */
const pageNames = new Map<string, string>();

/** The tab's title: the page's own name where it has one, else its section, then the site. */
export function pageTitle(app: App, section: string): string {
  const named = pageNames.get(app.path);
  let head: string;
  if (named) head = named;
  else if (section === "") head = app.t("home.title");
  else if (section === "state" && app.route.parts[1])
    head = app.t("state.title", { name: app.stateName(app.route.parts[1].toUpperCase()) });
  else if (section in TITLE_KEYS) head = app.t(TITLE_KEYS[section] as Key);
  else head = app.t("common.not_found");
  return `${head} · ${app.t("site.name")}`;
}

const TITLE_KEYS: Record<string, Key> = {
  map: "map.title",
  agreements: "agreements.title_now",
  agency: "nav.agreements",
  changes: "changes.title",
  claims: "claims.title",
  methodology: "method.title",
  states: "states.title",
  models: "models.title",
  funnel: "funnel.title",
  coverage: "coverage.title",
};

/** A page that learns its name from its data sets the tab's title with it. */
export function useTitle(name: string | null | undefined): void {
  const app = useApp();
  useEffect(() => {
    if (!name) return;
    pageNames.set(app.path, name);
    document.title = pageTitle(app, app.route.parts[0] ?? "");
  }, [name, app.path, app.lang]);
}
