// The app shell: reads the hash route, picks the language, loads the page's module on demand
// (each page is its own chunk), and draws the header, navigation and footer unless embedded.
import "./style.css";
import type { Summary } from "@domain";
import type { ComponentType } from "preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { AppContext, makeApp, pageTitle, useApp } from "./app.js";
import { SearchBox } from "./components/SearchBox.js";
import { ErrorBox, Loading } from "./components/ui.js";
import { useData } from "./data.js";
import { postHeights } from "./embed.js";
import type { Key } from "./i18n/index.js";
import { prefetch } from "./prefetch.js";
import { formatHash, parseHash, useRoute } from "./router.js";

type PageModule = { default: ComponentType };

const PAGES: Record<string, () => Promise<PageModule>> = {
  "": () => import("./pages/Home.js"),
  map: () => import("./pages/MapPage.js"),
  agreements: () => import("./pages/Agreements.js"),
  agency: () => import("./pages/Agency.js"),
  state: () => import("./pages/State.js"),
  changes: () => import("./pages/Changes.js"),
  claims: () => import("./pages/Claims.js"),
  methodology: () => import("./pages/Methodology.js"),
  states: () => import("./pages/States.js"),
  models: () => import("./pages/Models.js"),
  funnel: () => import("./pages/Funnel.js"),
  coverage: () => import("./pages/Coverage.js"),
};

const NAV: [string, Key][] = [
  ["/", "nav.home"],
  ["/map", "nav.map"],
  ["/agreements", "nav.agreements"],
  ["/states", "nav.states"],
  ["/changes", "nav.changes"],
  ["/claims", "nav.claims"],
  ["/methodology", "nav.methodology"],
];

function NotFound() {
  const app = useApp();
  return (
    <>
      <h1 tabIndex={-1}>{app.t("common.not_found")}</h1>
      <p>{app.t("common.not_found_text")}</p>
      <p>
        <a href={app.link("/")}>{app.t("common.back_home")}</a>
      </p>
    </>
  );
}

function Page({ name }: { name: string }) {
  const [mod, setMod] = useState<{ name: string; C: ComponentType } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const loader = PAGES[name];
    if (!loader) return;
    let live = true;
    setError(null);
    loader().then(
      (m) => live && setMod({ name, C: m.default }),
      (e: Error) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [name]);
  if (!(name in PAGES)) return <NotFound />;
  if (error) return <ErrorBox what={name || "home"} error={error} />;
  if (!mod || mod.name !== name) return <Loading />;
  return <mod.C />;
}

function LatestList() {
  const app = useApp();
  const s = useData<Summary>("summary.json");
  if (s.state !== "ready") return null;
  return <>{app.t("site.latest_list", { date: app.date(s.data.latest_list) })}</>;
}

function Shell() {
  const route = useRoute();
  const app = makeApp(route);
  const name = route.parts[0] ?? "";
  const main = useRef<HTMLElement>(null);
  const pathKey = route.parts.join("/");
  const first = useRef(true);

  useEffect(() => {
    document.documentElement.lang = app.lang;
    document.title = pageTitle(app, name);
  }, [app.lang, name]);

  // Embedded, the page tells the host page its height (embed.ts), so the iframe fits its content.
  useEffect(() => (app.embed ? postHeights() : undefined), [app.embed]);

  // A new page (not a filter change) moves focus to the main region, so screen readers and
  // keyboard users start at the new content instead of the link they used.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [pathKey]);

  const otherLang = new URLSearchParams(route.query);
  // English is asked for explicitly: a remembered Spanish would otherwise win over a bare link.
  if (app.lang === "es") otherLang.set("lang", "en");
  else otherLang.set("lang", "es");
  const qs = otherLang.toString();
  const switchHref = `#${app.path}${qs ? `?${qs}` : ""}`;

  if (app.embed) {
    // The same view with the site around it: every parameter but embed.
    const params: Record<string, string> = {};
    route.query.forEach((v, k) => {
      if (k !== "embed") params[k] = v;
    });
    const fullPage = formatHash(app.path, params);
    return (
      <AppContext.Provider value={app}>
        <main id="main" class="embed-main" ref={main} tabIndex={-1}>
          <Page name={name} />
          <p class="embed-credit">
            <a href={`${location.pathname}${fullPage}`} target="_blank" rel="noopener">
              {app.t("site.open_full")}
            </a>{" "}
            · <LatestList />
          </p>
        </main>
      </AppContext.Provider>
    );
  }
  return (
    <AppContext.Provider value={app}>
      {/* A button, not a link to #main: with hash routes, "#main" would be read as a page. */}
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        {app.t("site.skip")}
      </button>
      <header class="site-header">
        <div class="brand">
          <a href={app.link("/")} class="brand-name">
            {app.t("site.name")}
          </a>
          <span class="brand-tag">{app.t("site.tagline")}</span>
        </div>
        <nav aria-label={app.t("nav.label")}>
          <ul>
            {NAV.map(([p, k]) => {
              const active = (p === "/" ? "" : p.slice(1)) === name;
              return (
                <li key={p}>
                  <a href={app.link(p)} aria-current={active ? "page" : undefined}>
                    {app.t(k)}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <SearchBox />
        <a
          class="lang-switch"
          href={switchHref}
          hrefLang={app.lang === "es" ? "en" : "es"}
          lang={app.lang === "es" ? "en" : "es"}
          aria-label={app.t("site.lang_switch_label")}
        >
          {app.t("site.lang_switch")}
        </a>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page name={name} />
      </main>
      <footer class="site-footer">
        <p>{app.t("site.footer")}</p>
        <nav aria-label={app.t("nav.more")}>
          <a href={app.link("/models")}>{app.t("models.title")}</a> ·{" "}
          <a href={app.link("/funnel")}>{app.t("funnel.title")}</a> ·{" "}
          <a href={app.link("/coverage")}>{app.t("coverage.title")}</a>
        </nav>
        <p>
          <LatestList />
        </p>
      </footer>
    </AppContext.Provider>
  );
}

// The first page's script and data are asked for at once, side by side, before the first render.
{
  const first = parseHash(location.hash);
  PAGES[first.parts[0] ?? ""]?.().catch(() => {});
  prefetch(first.parts, first.query);
}
render(<Shell />, document.getElementById("app") as HTMLElement);
