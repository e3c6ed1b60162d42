// What a shared link shows: per-page titles and descriptions in English and Spanish, Open Graph
// and Twitter card tags with a PNG card per state and agency, hreflang alternates, canonical URLs
// and the sitemap. The app's routes are hash routes, which no scraper reads, so the static site
// gets one small entry file per page and language (state/TX/index.html, es/state/TX/index.html)
// carrying the tags; a script beside it (go.js) sends a reader on to the app's hash route.
import type { AgenciesFile, AgreementsFile, StatesFile, Summary } from "../domain/files.js";
import { type Model, modelCounts } from "../domain/model.js";
import { STATE_NAMES_ES } from "../domain/state-names-es.js";
import { renderCard } from "./og-card.js";

export type MetaLang = "en" | "es";
export const META_LANGS: MetaLang[] = ["en", "es"];

export interface PageMeta {
  /** The app's route, without the leading `#/`: "", "state/TX", "agency/<id>", "models"… */
  route: string;
  title: Record<MetaLang, string>;
  description: Record<MetaLang, string>;
  /** The share card, from the site root (`og/state/TX.en.png`); one per language or one for both. */
  image: Record<MetaLang, string> | null;
}

const POLICY: Record<MetaLang, Record<string, string>> = {
  en: {
    ban: "ban",
    restrict: "restriction",
    mandate: "mandate",
    encourage: "encouragement",
    cooperation_mandate: "cooperation mandate",
  },
  es: {
    ban: "prohibición",
    restrict: "restricción",
    mandate: "obligación",
    encourage: "fomento",
    cooperation_mandate: "obligación de cooperar",
  },
};

const MODEL: Record<MetaLang, Record<string, string>> = {
  en: { JEM: "Jail Enforcement Model", TFM: "Task Force Model", WSO: "Warrant Service Officer" },
  es: { JEM: "Modelo de cárceles", TFM: "Modelo de fuerza de tarea", WSO: "Agente de órdenes de detención" },
};

const SITE = "g287";

function fmt(lang: MetaLang) {
  const locale = lang === "es" ? "es-US" : "en-US";
  const nf = new Intl.NumberFormat(locale);
  const nf1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const nf2 = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const df = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
  return {
    n: (x: number) => nf.format(x),
    n2: (x: number) => nf2.format(x),
    n1: (x: number) => nf1.format(x),
    d: (iso: string) => df.format(new Date(`${iso}T00:00:00Z`)),
  };
}

const FIXED: Record<string, Record<MetaLang, [string, string]>> = {
  map: {
    en: ["Map of 287(g) agreements", "Every 287(g) agreement on a map of states and counties, on any date since 2021."],
    es: [
      "Mapa de los acuerdos 287(g)",
      "Cada acuerdo 287(g) en un mapa de estados y condados, en cualquier fecha desde 2021.",
    ],
  },
  agreements: {
    en: [
      "287(g) agreements listed now",
      "Search, filter and download every 287(g) agreement on ICE's latest list, or every one ever listed.",
    ],
    es: [
      "Acuerdos 287(g) vigentes",
      "Busque, filtre y descargue cada acuerdo 287(g) de la lista más reciente de ICE, o todos los de la historia.",
    ],
  },
  states: {
    en: [
      "287(g) by state",
      "Agreements by state: listed now, per 100,000 residents, ever listed, the state's law and the monthly trend.",
    ],
    es: [
      "287(g) por estado",
      "Acuerdos por estado: vigentes, por cada 100,000 habitantes, en total, la ley estatal y la tendencia mensual.",
    ],
  },
  models: {
    en: [
      "The three 287(g) models",
      "What the Jail Enforcement, Task Force and Warrant Service Officer models let local officers do, in plain words.",
    ],
    es: [
      "Los tres modelos del 287(g)",
      "Qué permiten a los agentes locales los modelos de cárceles, de fuerza de tarea y de órdenes de detención, en palabras sencillas.",
    ],
  },
  funnel: {
    en: [
      "From 287(g) application to agreement",
      "Applications on ICE's pending lists: how many signed, how fast, and how many were dropped.",
    ],
    es: [
      "De la solicitud al acuerdo 287(g)",
      "Las solicitudes de las listas de pendientes de ICE: cuántas se firmaron, en cuánto tiempo y cuántas se abandonaron.",
    ],
  },
  coverage: {
    en: [
      "Residents covered by 287(g)",
      "How many people live where a statewide or county-wide 287(g) agreement applies, each person counted once.",
    ],
    es: [
      "Residentes cubiertos por el 287(g)",
      "Cuántas personas viven donde se aplica un acuerdo 287(g) estatal o de condado, contando a cada persona una vez.",
    ],
  },
  changes: {
    en: ["287(g) changes, list by list", "Each list ICE published, with the agreements that came and went."],
    es: [
      "Cambios del 287(g), lista por lista",
      "Cada lista que publicó ICE, con los acuerdos que entraron y salieron.",
    ],
  },
  claims: {
    en: ["287(g) claims checked", "Published figures about 287(g), each recomputed from the record."],
    es: [
      "Afirmaciones sobre el 287(g), verificadas",
      "Cifras publicadas sobre el 287(g), cada una recalculada a partir del registro.",
    ],
  },
  methodology: {
    en: ["How the 287(g) ledger is built", "The rules, corrections and limits behind every figure."],
    es: ["Cómo se construye el registro del 287(g)", "Las reglas, correcciones y límites detrás de cada cifra."],
  },
};

export interface MetaInput {
  summary: Summary;
  states: StatesFile;
  agencies: AgenciesFile;
  agreements: AgreementsFile;
}

const stateName = (usps: string, fallback: string, lang: MetaLang) =>
  lang === "es" ? (STATE_NAMES_ES[usps] ?? fallback) : fallback;

/** Every page with its title, description and card (cards rendered into `cards`, by path). */
export function sitePages(m: MetaInput, cards: Map<string, Buffer>): PageMeta[] {
  const latest = m.summary.latest_list;
  const f = { en: fmt("en"), es: fmt("es") };
  const both = <T>(g: (l: MetaLang) => T): Record<MetaLang, T> => ({ en: g("en"), es: g("es") });
  const pages: PageMeta[] = [];
  const a = m.summary.active;
  pages.push({
    route: "",
    title: both((l) =>
      l === "en" ? `287(g) agreements, list by list · ${SITE}` : `Los acuerdos 287(g), lista por lista · ${SITE}`,
    ),
    description: both((l) =>
      l === "en"
        ? `${f.en.n(a.agreements)} 287(g) agreements with ${f.en.n(a.agencies)} agencies on ICE's list of ${f.en.d(latest)}, every list replayed into a sourced history. In English and Spanish.`
        : `${f.es.n(a.agreements)} acuerdos 287(g) con ${f.es.n(a.agencies)} agencias en la lista de ICE del ${f.es.d(latest)}, cada lista reproducida en un historial con fuentes. En inglés y en español.`,
    ),
    image: null,
  });
  for (const [route, t] of Object.entries(FIXED))
    pages.push({
      route,
      title: both((l) => `${t[l][0]} · ${SITE}`),
      description: both((l) => t[l][1]),
      image: null,
    });

  for (const s of m.states.rows) {
    const name = both((l) => stateName(s.state, s.name, l));
    const models = `JEM ${s.JEM} · TFM ${s.TFM} · WSO ${s.WSO}`;
    const law = both((l) => s.policies.map((k) => POLICY[l][k] ?? k).join(", "));
    const image = both((l) => `og/state/${s.state}.${l}.png`);
    for (const l of META_LANGS) {
      const lines = [
        l === "en" ? `${f.en.n(s.active)} agreements listed` : `${f.es.n(s.active)} acuerdos vigentes`,
        models,
      ];
      cards.set(
        image[l],
        renderCard({
          title: name[l],
          lines,
          models: s,
          footer: l === "en" ? `ICE 287(g) ledger · g287 · ${latest}` : `Registro 287(g) de ICE · g287 · ${latest}`,
        }),
      );
    }
    pages.push({
      route: `state/${s.state}`,
      title: both((l) => (l === "en" ? `287(g) in ${name.en} · ${SITE}` : `El 287(g) en ${name.es} · ${SITE}`)),
      description: both((l) => {
        const per = s.per_100k === null ? "" : s.per_100k < 0.05 ? f[l].n2(s.per_100k) : f[l].n1(s.per_100k);
        if (l === "en")
          return `${name.en}: ${f.en.n(s.active)} 287(g) agreements listed on ${f.en.d(latest)} (${models})${per ? `, ${per} per 100,000 residents` : ""}; ${f.en.n(s.ever)} ever listed.${law.en ? ` State law in effect: ${law.en}.` : ""}`;
        return `${name.es}: ${f.es.n(s.active)} acuerdos 287(g) en la lista del ${f.es.d(latest)} (${models})${per ? `, ${per} por cada 100,000 habitantes` : ""}; ${f.es.n(s.ever)} en total.${law.es ? ` Ley estatal vigente: ${law.es}.` : ""}`;
      }),
      image,
    });
  }

  const byAgency = new Map<string, AgreementsFile["rows"]>();
  for (const r of m.agreements.rows) {
    const list = byAgency.get(r.agency_id) ?? [];
    list.push(r);
    byAgency.set(r.agency_id, list);
  }
  const stateNames = new Map(m.states.rows.map((s) => [s.state, s.name]));
  for (const ag of m.agencies.rows) {
    const rows = byAgency.get(ag.agency_id) ?? [];
    // Listed now, as Home counts it: on the latest list.
    const listed = rows.filter((r) => r.periods.some(([from, to]) => from <= latest && (to === null || to > latest)));
    const counts = modelCounts();
    for (const r of listed) if (Object.hasOwn(counts, r.model)) counts[r.model as Model]++;
    const st = both((l) => stateName(ag.state, stateNames.get(ag.state) ?? ag.state, l));
    const lastEnd = rows
      .map((r) => r.ended_on)
      .filter((d): d is string => !!d)
      .sort()
      .at(-1);
    // One card for both languages: the name, the state, model codes and dates read the same.
    const image = `og/agency/${ag.agency_id}.png`;
    cards.set(
      image,
      renderCard({
        title: ag.name,
        lines: [
          st.en,
          listed.length
            ? listed
                .map((r) => r.model)
                .sort()
                .join(" · ")
            : `${ag.first_seen} - ${lastEnd ?? ag.last_seen}`,
        ],
        models: counts,
        footer: `ICE 287(g) · g287 · ${latest}`,
      }),
    );
    pages.push({
      route: `agency/${ag.agency_id}`,
      title: both((l) => `${ag.name} (${st[l]}) · ${SITE}`),
      description: both((l) => {
        const models = listed.map((r) => MODEL[l][r.model] ?? r.model).join(", ");
        if (l === "en")
          return listed.length
            ? `${ag.name}, ${st.en}: ${listed.length} 287(g) agreement${listed.length === 1 ? "" : "s"} listed on ${f.en.d(latest)} (${models}). Its history, list by list.`
            : `${ag.name}, ${st.en}: no 287(g) agreement on ICE's list of ${f.en.d(latest)}; last listed ${f.en.d(ag.last_seen)}. Its history, list by list.`;
        return listed.length
          ? `${ag.name}, ${st.es}: ${listed.length} ${listed.length === 1 ? "acuerdo 287(g) vigente" : "acuerdos 287(g) vigentes"} en la lista del ${f.es.d(latest)} (${models}). Su historial, lista por lista.`
          : `${ag.name}, ${st.es}: ningún acuerdo 287(g) en la lista de ICE del ${f.es.d(latest)}; figuró por última vez el ${f.es.d(ag.last_seen)}. Su historial, lista por lista.`;
      }),
      image: { en: image, es: image },
    });
  }
  return pages;
}

/** Where a page's entry file lives, from the site root: "" (home, English), "es/state/TX/". */
export function entryDir(route: string, lang: MetaLang): string {
  const p = route ? `${route.split("/").map(encodeURIComponent).join("/")}/` : "";
  return lang === "es" ? `es/${p}` : p;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An absolute URL when the site's public URL is known, else one from the site root. */
export function siteUrl(base: string | undefined, p: string): string {
  return base ? new URL(p, base.replace(/\/?$/, "/")).toString() : `/${p}`;
}

/** The head tags of a page in a language. */
export function metaTags(page: PageMeta, lang: MetaLang, base: string | undefined): string {
  const url = (l: MetaLang) => siteUrl(base, entryDir(page.route, l));
  const img = page.image ? siteUrl(base, page.image[lang]) : null;
  const tags = [
    `<title>${esc(page.title[lang])}</title>`,
    `<meta name="description" content="${esc(page.description[lang])}">`,
    `<link rel="canonical" href="${esc(url(lang))}">`,
    ...META_LANGS.map((l) => `<link rel="alternate" hreflang="${l}" href="${esc(url(l))}">`),
    `<link rel="alternate" hreflang="x-default" href="${esc(url("en"))}">`,
    `<meta property="og:type" content="website">`,
    `<meta property="og:site_name" content="g287">`,
    `<meta property="og:title" content="${esc(page.title[lang])}">`,
    `<meta property="og:description" content="${esc(page.description[lang])}">`,
    `<meta property="og:url" content="${esc(url(lang))}">`,
    `<meta property="og:locale" content="${lang === "es" ? "es_US" : "en_US"}">`,
    `<meta property="og:locale:alternate" content="${lang === "es" ? "en_US" : "es_US"}">`,
    `<meta name="twitter:card" content="${img ? "summary_large_image" : "summary"}">`,
    `<meta name="twitter:title" content="${esc(page.title[lang])}">`,
    `<meta name="twitter:description" content="${esc(page.description[lang])}">`,
  ];
  if (img)
    tags.push(
      `<meta property="og:image" content="${esc(img)}">`,
      `<meta property="og:image:type" content="image/png">`,
      `<meta property="og:image:width" content="600">`,
      `<meta property="og:image:height" content="315">`,
      `<meta name="twitter:image" content="${esc(img)}">`,
    );
  return tags.join("\n    ");
}

/** The app's hash route for a page in a language. */
export function hashRoute(route: string, lang: MetaLang): string {
  return `#/${route}${lang === "es" ? "?lang=es" : ""}`;
}

/**
 * A page's entry file: its tags, then go.js (a file, since the page's CSP allows no inline
 * script) which moves the reader to the app's hash route; a plain link for readers without scripts.
 */
export function entryHtml(page: PageMeta, lang: MetaLang, base: string | undefined, csp: string): string {
  const depth = entryDir(page.route, lang).split("/").filter(Boolean).length;
  const root = "../".repeat(depth) || "./";
  const target = `${root}${hashRoute(page.route, lang)}`;
  return `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    ${metaTags(page, lang, base)}
    <script src="${root}go.js" data-to="${esc(target)}"></script>
  </head>
  <body>
    <p><a href="${esc(target)}">${esc(page.title[lang])}</a></p>
  </body>
</html>
`;
}

/** go.js: from an entry file to the app, keeping nothing of the entry's own address. */
export const GO_JS = `// From a page's entry file (state/TX/index.html) to the app's hash route.
var s = document.currentScript;
if (s && s.dataset.to) location.replace(new URL(s.dataset.to, location.href).toString());
`;

/** The home page's tags, put into the app's own index.html (replacing its generic title and description). */
export function withHomeMeta(html: string, home: PageMeta, base: string | undefined): string {
  const stripped = html.replace(/\s*<title>[\s\S]*?<\/title>/i, "").replace(/\s*<meta name="description"[^>]*>/i, "");
  return stripped.replace(/<\/head>/i, `    ${metaTags(home, "en", base)}\n  </head>`);
}

/** sitemap.xml: every entry page in both languages, with its alternates. */
export function sitemapXml(pages: PageMeta[], base: string | undefined, lastmod: string): string {
  const urls: string[] = [];
  for (const p of pages)
    for (const l of META_LANGS) {
      const alt = META_LANGS.map(
        (a) => `    <xhtml:link rel="alternate" hreflang="${a}" href="${esc(siteUrl(base, entryDir(p.route, a)))}"/>`,
      ).join("\n");
      urls.push(
        `  <url>\n    <loc>${esc(siteUrl(base, entryDir(p.route, l)))}</loc>\n    <lastmod>${lastmod}</lastmod>\n${alt}\n  </url>`,
      );
    }
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.join("\n")}
</urlset>
`;
}
