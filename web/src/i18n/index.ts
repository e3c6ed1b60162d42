// The app's two languages: one dictionary per language (i18n/en/, i18n/es/), a lookup by key with
// {placeholders}, and each locale's number, date and list formats. A key missing in Spanish fails
// type-checking, so no page can show half a language.
import { stateByUsps } from "@domain/state.js";
import { STATE_NAMES_ES } from "@domain/state-names-es.js";
import { frame as enFrame } from "./en/frame.js";
import { pages as enPages } from "./en/pages.js";
import { values as enValues } from "./en/values.js";
import { frame as esFrame } from "./es/frame.js";
import { pages as esPages } from "./es/pages.js";
import { values as esValues } from "./es/values.js";

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

const en = { ...enFrame, ...enValues, ...enPages };

export type Key = keyof typeof en;
type Dict = Record<Key, string>;

const DICTS: Record<Lang, Dict> = { en, es: { ...esFrame, ...esValues, ...esPages } };

export interface I18n {
  lang: Lang;
  t(key: Key, vars?: Record<string, string | number>): string;
  /** A translated data value (status, model, event type…), or the value itself when unknown. */
  tv(prefix: string, value: string | null | undefined): string;
  num(n: number | null | undefined, digits?: number): string;
  date(iso: string | null | undefined): string;
  monthYear(d: Date): string;
  stateName(usps: string): string;
  /** Places named in a sentence, joined per language: "Guam and the Northern Mariana Islands". */
  places(usps: string[]): string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function makeI18n(lang: Lang): I18n {
  const dict = DICTS[lang];
  const locale = lang === "es" ? "es-US" : "en-US";
  const nf = new Intl.NumberFormat(locale);
  const nf1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const nf2 = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  // Dates in the data are calendar days: format them in UTC so no time zone can move them.
  const df = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const my = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });
  const lf = new Intl.ListFormat(locale, { style: "long", type: "conjunction" });
  const stateName = (usps: string) => {
    const info = stateByUsps(usps);
    // Codes as given: the domain's lookup ignores case, a page's label does not.
    if (info?.usps !== usps) return usps;
    return lang === "es" ? (STATE_NAMES_ES[usps] ?? info.name) : info.name;
  };
  const t = (key: Key, vars?: Record<string, string | number>) => {
    let s: string = dict[key] ?? en[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
  return {
    lang,
    t,
    tv(prefix, value) {
      if (value === null || value === undefined || value === "") return "";
      const k = `${prefix}.${value}` as Key;
      return k in dict ? (dict[k] as string) : value;
    },
    num(n, digits) {
      if (n === null || n === undefined || Number.isNaN(n)) return "–";
      if (digits === 1) return nf1.format(n);
      if (digits === 2) return nf2.format(n);
      return nf.format(n);
    },
    date(iso) {
      if (!iso) return "";
      if (!ISO_DAY.test(iso)) return iso;
      return df.format(new Date(`${iso}T00:00:00Z`));
    },
    monthYear(d) {
      return my.format(d);
    },
    stateName,
    places(usps) {
      // Island groups take an article in a sentence; the other names do not.
      const names = usps.map((u) => {
        const n = stateName(u);
        if (lang === "es") return /^Islas\b/.test(n) ? `las ${n}` : n;
        return /\bIslands$/.test(n) ? `the ${n}` : n;
      });
      return lf.format(names);
    },
  };
}
