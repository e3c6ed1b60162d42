// The analysis layer's sentences as message keys with parameters, in English and Spanish: the
// output keeps the English `text` (what the API and CLI always printed) beside `{key, params}`, so
// the web page, the CLI (`--lang es`) and the API (`?lang=es`) render the same message per language.
// Pure and dependency-free: the web app imports this file too.

import type { Msg, MsgLang, MsgParam, MsgRef } from "../domain/message.js";

export type { Msg, MsgLang, MsgParam, MsgRef };

const EN = {
  "quarantine.empty": "empty list: the header is there but no rows",
  "quarantine.unreadable": "no row could be read: {problem}",
  "quarantine.mass_drop":
    "mass drop: {rows} usable rows against {last} on the last applied list ({share}%, threshold {threshold}%)",
  "quarantine.accepted": "accepted after {lists} lists since {since}: {reason}",
  "hold.every_row": "every row of {states} is missing",
  "hold.nearly_every_row": "nearly every row of {states} is missing",
  "hold.state_held": "{what}: its missing agreements are held as unconfirmed; the rest of the list applies",
  "mandate.summary":
    "{covered} of {counties} counties have a county-level agency (sheriff or county jail) with an agreement listed on {date}",
  "mandate.limits.TX":
    "SB 8 binds sheriffs who operate or contract for a jail, and ICE's lists do not say which sheriffs run jails: a county without an agreement may be exempt. Compliance is due 2026-12-01.",
  "mandate.limits.FL":
    "Florida's statute binds the sheriff or chief correctional officer who operates a county detention facility; a county whose jail is run by a county corrections department complies through that department.",
  "mandate.limits.default":
    "The mandate's exact scope (which agencies it binds) is in its summary; ICE's lists do not say which sheriffs run jails.",
  "computed_from.list": "ICE participating list of {date} ({file})",
  "computed_from.none": "no ICE list on or before {date}",
  "claims.none_found": "none found, as claimed",
  "claims.says_none": "claim says none; found {value}",
  "claims.ge": "{value} ≥ {claimed}",
  "claims.lt": "{value} < {claimed}",
  "claims.below_within": "{value} is below {claimed} by {diff} (within {pct}%)",
  "claims.le": "{value} ≤ {claimed}",
  "claims.gt": "{value} > {claimed}",
  "claims.above_within": "{value} is above {claimed} by {diff} (within {pct}%)",
  "claims.eq": "{value} = {claimed}",
  "claims.off_by": "{value}, not {claimed} (off by {diff})",
  "claims.not": "{value}, not {claimed}",
  "claims.within": "{value} is within {pct}% of {claimed}",
  "claims.more_than": "{value} is more than {pct}% from {claimed}",
  "claims.no_figure": "the record has no figure for this date or source",
} as const;

export type MsgKey = keyof typeof EN;

const ES: Record<MsgKey, string> = {
  "quarantine.empty": "lista vacía: tiene encabezado pero ninguna fila",
  "quarantine.unreadable": "no se pudo leer ninguna fila: {problem}",
  "quarantine.mass_drop":
    "caída masiva: {rows} filas utilizables frente a {last} en la última lista aplicada ({share} %, umbral {threshold} %)",
  "quarantine.accepted": "aceptada tras {lists} listas desde el {since}: {reason}",
  "hold.every_row": "faltan todas las filas de {states}",
  "hold.nearly_every_row": "faltan casi todas las filas de {states}",
  "hold.state_held":
    "{what}: sus acuerdos ausentes quedan retenidos como no confirmados; el resto de la lista se aplica",
  "mandate.summary":
    "{covered} de {counties} condados tienen una agencia de condado (alguacil o cárcel del condado) con un acuerdo en la lista del {date}",
  "mandate.limits.TX":
    "La SB 8 obliga a los alguaciles que gestionan o contratan una cárcel, y las listas de ICE no dicen qué alguaciles gestionan cárceles: un condado sin acuerdo puede estar exento. El plazo para cumplir vence el 1 de diciembre de 2026.",
  "mandate.limits.FL":
    "La ley de Florida obliga al alguacil o al jefe de prisiones que gestiona un centro de detención del condado; un condado cuya cárcel gestiona un departamento de correccionales del condado cumple a través de ese departamento.",
  "mandate.limits.default":
    "El alcance exacto de la obligación (a qué agencias vincula) está en su resumen; las listas de ICE no dicen qué alguaciles gestionan cárceles.",
  "computed_from.list": "lista de participantes de ICE del {date} ({file})",
  "computed_from.none": "ninguna lista de ICE hasta el {date}",
  "claims.none_found": "no se encontró ninguno, como se afirma",
  "claims.says_none": "la afirmación dice que ninguno; se encontraron {value}",
  "claims.ge": "{value} ≥ {claimed}",
  "claims.lt": "{value} < {claimed}",
  "claims.below_within": "{value} queda {diff} por debajo de {claimed} (dentro del {pct} %)",
  "claims.le": "{value} ≤ {claimed}",
  "claims.gt": "{value} > {claimed}",
  "claims.above_within": "{value} queda {diff} por encima de {claimed} (dentro del {pct} %)",
  "claims.eq": "{value} = {claimed}",
  "claims.off_by": "{value}, no {claimed} (diferencia de {diff})",
  "claims.not": "{value}, no {claimed}",
  "claims.within": "{value} está dentro del {pct} % de {claimed}",
  "claims.more_than": "{value} se aleja más del {pct} % de {claimed}",
  "claims.no_figure": "el registro no tiene cifra para esta fecha o fuente",
};

const CATALOG: Record<MsgLang, Record<MsgKey, string>> = { en: EN, es: ES };

export function isMsgKey(k: string): k is MsgKey {
  return Object.hasOwn(EN, k);
}

/** How parameters print: numbers and ISO days per language (the CLI keeps ISO days). */
export interface MsgFormat {
  num(n: number): string;
  date?(iso: string): string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER_FORMATS: Record<MsgLang, Intl.NumberFormat> = {
  en: new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }),
  es: new Intl.NumberFormat("es-US", { maximumFractionDigits: 1 }),
};

export function defaultFormat(lang: MsgLang): MsgFormat {
  return { num: (n) => NUMBER_FORMATS[lang].format(n) };
}

/** A message in a language; a key this build does not know falls back to the English text. */
export function renderMsg(m: MsgRef | Msg, lang: MsgLang, fmt: MsgFormat = defaultFormat(lang)): string {
  if (!isMsgKey(m.key)) return "text" in m ? m.text : m.key;
  let s: string = CATALOG[lang][m.key];
  for (const [k, v] of Object.entries(m.params)) {
    let out: string;
    if (v === null) out = "";
    else if (typeof v === "number") out = fmt.num(v);
    else if (typeof v === "object") out = renderMsg(v, lang, fmt);
    else out = fmt.date && ISO_DAY.test(v) ? fmt.date(v) : v;
    s = s.split(`{${k}}`).join(out);
  }
  return s;
}

/** A keyed message with its English text (plain numbers in the English text, as before, with grouping). */
export function msg(key: MsgKey, params: Record<string, MsgParam> = {}): Msg {
  return { key, params, text: renderMsg({ key, params }, "en", ENGLISH_TEXT) };
}

// The English text keeps what the analysis printed before keys existed: counts as 1,351 and
// shares as written (12.5, not 12.5 rounded again).
const ENGLISH_TEXT: MsgFormat = { num: (n) => (Number.isInteger(n) ? n.toLocaleString("en-US") : String(n)) };

/** Is this value a keyed message (as found in API and data-file JSON)? */
export function isMsg(v: unknown): v is Msg {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Msg).key === "string" &&
    typeof (v as Msg).text === "string" &&
    typeof (v as Msg).params === "object"
  );
}

const MASS_DROP =
  /^mass drop: (\d+) usable rows against (\d+) on the last applied list \(([\d.]+)%, threshold ([\d.]+)%\)$/;
const ACCEPTED = /^accepted after (\d+) lists since (\d{4}-\d{2}-\d{2}): (.*)$/s;
const HELD = /^(.*): its missing agreements are held as unconfirmed; the rest of the list applies$/s;
const EVERY = /^(nearly )?every row of (.*) is missing$/s;
const UNREADABLE = /^no row could be read: (.*)$/s;
const COMPUTED_FROM = /^ICE participating list of (\d{4}-\d{2}-\d{2}) \((.*)\)$/s;
const COMPUTED_NONE = /^no ICE list on or before (\d{4}-\d{2}-\d{2})$/;
const MANDATE =
  /^(\d+) of (\d+) counties have a county-level agency \(sheriff or county jail\) with an agreement listed on (\d{4}-\d{2}-\d{2})$/;

/** Sentences without parameters, recognised by their exact English text. */
const FIXED: MsgKey[] = [
  "mandate.limits.TX",
  "mandate.limits.FL",
  "mandate.limits.default",
  "claims.none_found",
  "claims.no_figure",
];

/**
 * The ledger's quarantine and state-hold reasons, stored as English sentences, read back into
 * keys. A sentence this does not recognise stays a message of its own text (`key: "text"`), so
 * nothing is lost: it prints in English in every language.
 */
export function keyedText(text: string): Msg {
  const ref = reasonRef(text);
  return ref ? { ...ref, text } : { key: "text", params: {}, text };
}

function reasonRef(text: string): MsgRef | null {
  if (text === EN["quarantine.empty"]) return { key: "quarantine.empty", params: {} };
  let m = MASS_DROP.exec(text);
  if (m)
    return {
      key: "quarantine.mass_drop",
      params: { rows: Number(m[1]), last: Number(m[2]), share: Number(m[3]), threshold: Number(m[4]) },
    };
  m = ACCEPTED.exec(text);
  if (m) {
    const inner = reasonRef(m[3] as string);
    return {
      key: "quarantine.accepted",
      params: { lists: Number(m[1]), since: m[2] as string, reason: inner ?? (m[3] as string) },
    };
  }
  m = HELD.exec(text);
  if (m) {
    const inner = reasonRef(m[1] as string);
    return { key: "hold.state_held", params: { what: inner ?? (m[1] as string) } };
  }
  m = EVERY.exec(text);
  if (m) return { key: m[1] ? "hold.nearly_every_row" : "hold.every_row", params: { states: m[2] as string } };
  m = UNREADABLE.exec(text);
  if (m) return { key: "quarantine.unreadable", params: { problem: m[1] as string } };
  m = COMPUTED_FROM.exec(text);
  if (m) return { key: "computed_from.list", params: { date: m[1] as string, file: m[2] as string } };
  m = COMPUTED_NONE.exec(text);
  if (m) return { key: "computed_from.none", params: { date: m[1] as string } };
  m = MANDATE.exec(text);
  if (m)
    return {
      key: "mandate.summary",
      params: { covered: Number(m[1]), counties: Number(m[2]), date: m[3] as string },
    };
  for (const k of FIXED) if (EN[k] === text) return { key: k, params: {} };
  return null;
}

/** The ledger's reasons (stored as English) as keyed messages. */
export const ledgerReason = keyedText;

/** Every key, for tests that check both languages are complete. */
export function messageKeys(lang: MsgLang): string[] {
  return Object.keys(CATALOG[lang]);
}
