// Reads an MOA's facts from its text: the model (from the title and from the body), the signatures
// (who, with what title, on which date), the effective date, ICE's field office and the template
// family. Each value keeps the page and the text it came from. Pure: text in, fields out.
import type { Model } from "../domain/model.js";
import { fileNameDate, findDates } from "./dates.js";
import { identifyFamily, normalizeText } from "./families.js";
import { lineText, type PageLayout } from "./layout.js";
import { type Party, readSignatures, type Signature } from "./signatures.js";

/** Bump when the reading rules change: documents read by an older version can be read again. */
export const FIELDS_VERSION = "fields-1";

export type FieldSource = "title" | "body" | "signature_block" | "metadata" | "url" | "derived";

export interface Field<T = string> {
  value: T | null;
  page: number | null;
  snippet: string | null;
  source: FieldSource;
}

export interface MoaFields {
  template: Field;
  templateRevision: Field;
  model: Field<Model>; // the title's model when it names one, else the body's
  modelTitle: Field<Model>;
  modelBody: Field<Model>;
  modelFile: Field<Model>; // from ICE's file name: evidence only
  fileDate: Field; // from ICE's file name: used only when no signature date is readable
  signatures: Signature[];
  localSigner: Field;
  localSignerTitle: Field;
  localSignedOn: Field;
  iceSigner: Field;
  iceSignerTitle: Field;
  iceSignedOn: Field;
  effectiveOn: Field; // "effective upon signature of both parties": the latest readable signature date
  iceFieldOffice: Field;
}

export interface MoaText {
  pages: readonly PageLayout[];
  title: string | null; // the PDF's metadata title
  url: string | null;
}

const none = (source: FieldSource): Field<never> => ({ value: null, page: null, snippet: null, source });

// ---- model --------------------------------------------------------------------------------

/** Models a piece of text names outright. "TF/WSO" names two, so it decides nothing. */
export function modelsNamed(text: string): Model[] {
  const t = normalizeText(text);
  const out = new Set<Model>();
  if (/jail enforcement model|\bjem\b/.test(t)) out.add("JEM");
  if (/task force model|\btfm\b|\btf\b/.test(t)) out.add("TFM");
  if (/warrant service officer|\bwso\b/.test(t)) out.add("WSO");
  return [...out];
}

/**
 * What the body says about the model: its name ("Jail Enforcement Model (JEM) Program") or, when
 * the template leaves it unnamed, the powers it delegates. Only the Task Force model delegates
 * arrest without a warrant; the Warrant Service model delegates "only … the two authorities" of
 * serving warrants at the jail.
 */
const BODY_MARKERS: { model: Model; strong: boolean; re: RegExp }[] = [
  { model: "JEM", strong: true, re: /jail enforcement model/ },
  { model: "TFM", strong: true, re: /task force model/ },
  { model: "WSO", strong: true, re: /warrant service officer/ },
  { model: "TFM", strong: false, re: /arrest without (?:a )?warrant/ },
  { model: "WSO", strong: false, re: /only delegated the two authorities/ },
];

/** `287gWSO_FinneyCoKs…`, `…_TFM_MOA_…`, `ArkansasStatePoliceTFM-07302025`: ICE's upper-case abbreviation. */
export function modelInFileName(url: string): Model | null {
  const name = url.slice(url.lastIndexOf("/") + 1);
  const found = new Set(name.match(/JEM|TFM|WSO/g) ?? []);
  return found.size === 1 ? ([...found][0] as Model) : null;
}

// ---- the whole document ----------------------------------------------------------------------

function titleLines(pages: readonly PageLayout[]): { text: string; page: number } | null {
  const first = pages[0];
  if (!first) return null;
  const out: string[] = [];
  for (const l of first.lines) {
    const t = lineText(l);
    // The title ends where the first section or the first sentence begins.
    if (/^(i\.|1\.)\s|^this memorandum|^purpose\b/i.test(t)) break;
    if (/^\d+$/.test(t)) continue;
    out.push(t);
    if (out.length >= 6) break;
  }
  return out.length ? { text: out.join(" / "), page: 1 } : null;
}

function snippetAround(text: string, index: number, len: number): string {
  const from = Math.max(0, index - 60);
  return text
    .slice(from, index + len + 60)
    .replace(/\s+/g, " ")
    .trim();
}

function modelFromBody(pages: readonly PageLayout[]): Field<Model> {
  const hits = new Map<Model, { strong: boolean; page: number; snippet: string }>();
  for (const p of pages) {
    const raw = p.lines.map(lineText).join(" ");
    const norm = normalizeText(raw);
    for (const m of BODY_MARKERS) {
      const found = m.re.exec(norm);
      if (!found) continue;
      const had = hits.get(m.model);
      if (!had || (m.strong && !had.strong))
        hits.set(m.model, {
          strong: m.strong,
          page: p.page,
          snippet: snippetAround(raw, found.index, found[0].length),
        });
    }
  }
  const strong = [...hits].filter(([, h]) => h.strong);
  const pick = strong.length === 1 ? strong : strong.length === 0 && hits.size === 1 ? [...hits] : [];
  const [model, h] = pick[0] ?? [];
  return model && h ? { value: model, page: h.page, snippet: h.snippet, source: "body" } : none("body");
}

function fieldOffice(pages: readonly PageLayout[]): Field {
  const counts = new Map<string, { n: number; page: number; snippet: string }>();
  const patterns = [
    /\b[Ff]or (?:DHS|ICE):\s*([A-Z][A-Za-z .]{1,30}?) Field Office Director/g,
    /\b(?:FOD\)?|Director) in the ([A-Z][A-Za-z .]{1,30}?) Field Office\b/g,
    /\bin the ([A-Z][A-Za-z .]{1,30}?) Field Office\b/g,
  ];
  for (const p of pages) {
    const raw = p.lines.map(lineText).join(" ");
    for (const re of patterns) {
      for (const m of raw.matchAll(re)) {
        const city = (m[1] as string).trim();
        if (/^(local|ice|appropriate|relevant|same|respective|applicable)\b/i.test(city)) continue;
        const c = counts.get(city) ?? { n: 0, page: p.page, snippet: snippetAround(raw, m.index ?? 0, m[0].length) };
        c.n++;
        counts.set(city, c);
      }
    }
  }
  const best = [...counts].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))[0];
  return best
    ? { value: `${best[0]} Field Office`, page: best[1].page, snippet: best[1].snippet, source: "body" }
    : none("body");
}

function revision(pages: readonly PageLayout[]): Field {
  // A running header or footer: "Revised 02/12/2025".
  for (const p of pages.slice(0, 2)) {
    for (const l of p.lines) {
      const m = /^revised\s+(\d{1,2}\/\d{1,2}\/\d{4})$/i.exec(lineText(l));
      if (m)
        return { value: findDates(m[1] as string)[0]?.iso ?? null, page: p.page, snippet: lineText(l), source: "body" };
    }
  }
  return none("body");
}

export function readFields(doc: MoaText): MoaFields {
  const pages = doc.pages;
  const all = pages.map((p) => p.lines.map(lineText).join("\n")).join("\n");
  const fam = identifyFamily(all);
  const signatures = readSignatures(pages);

  const title = titleLines(pages);
  const inTitle = title ? modelsNamed(title.text) : [];
  const inMeta = doc.title ? modelsNamed(doc.title) : [];
  let modelTitle: Field<Model> = none("title");
  if (inTitle.length === 1)
    modelTitle = { value: inTitle[0] as Model, page: 1, snippet: title?.text ?? null, source: "title" };
  else if (inMeta.length === 1)
    modelTitle = { value: inMeta[0] as Model, page: null, snippet: doc.title, source: "metadata" };
  const modelBody = modelFromBody(pages);
  const model = modelTitle.value ? modelTitle : modelBody;

  const fileModel = doc.url ? modelInFileName(doc.url) : null;
  const fd = doc.url ? fileNameDate(doc.url) : null;

  const sigOf = (party: Party) => signatures.find((s) => s.party === party);
  const fromSig = (party: Party, key: "name" | "title" | "date"): Field => {
    const s = sigOf(party);
    const v = s?.[key] ?? null;
    return v && s ? { value: v, page: s.page, snippet: s.snippet, source: "signature_block" } : none("signature_block");
  };
  const dated = signatures.filter((s) => s.date).sort((a, b) => ((a.date as string) < (b.date as string) ? 1 : -1));
  const latest = dated[0];

  return {
    template: {
      value: fam.name,
      page: null,
      snippet: fam.hits.join(" | ") || null,
      source: "body",
    },
    templateRevision: revision(pages),
    model,
    modelTitle,
    modelBody,
    modelFile: fileModel && doc.url ? { value: fileModel, page: null, snippet: doc.url, source: "url" } : none("url"),
    fileDate: fd && doc.url ? { value: fd.iso, page: null, snippet: fd.raw, source: "url" } : none("url"),
    signatures,
    localSigner: fromSig("local", "name"),
    localSignerTitle: fromSig("local", "title"),
    localSignedOn: fromSig("local", "date"),
    iceSigner: fromSig("ice", "name"),
    iceSignerTitle: fromSig("ice", "title"),
    iceSignedOn: fromSig("ice", "date"),
    effectiveOn: latest
      ? {
          value: latest.date,
          page: latest.page,
          snippet: `latest of ${dated.length} readable signature date(s) of ${signatures.length}: ${dated.map((s) => `${s.party} ${s.date}`).join(", ")}`,
          source: "derived",
        }
      : none("derived"),
    iceFieldOffice: fieldOffice(pages),
  };
}

/** Field names as stored in moa_fields, in a fixed order. */
export const FIELD_NAMES = [
  "template",
  "template_revision",
  "model",
  "model_title",
  "model_body",
  "model_file",
  "file_date",
  "local_signer",
  "local_signer_title",
  "local_signed_on",
  "ice_signer",
  "ice_signer_title",
  "ice_signed_on",
  "effective_on",
  "ice_field_office",
  "signature",
] as const;

export interface FieldRow {
  field: (typeof FIELD_NAMES)[number];
  seq: number;
  value: string | null;
  page: number | null;
  snippet: string | null;
  source: FieldSource;
}

/** Flattens the fields into rows; a field that was not found is still a row (value null). */
export function fieldRows(f: MoaFields): FieldRow[] {
  const one = (field: FieldRow["field"], v: Field<string>): FieldRow => ({ field, seq: 0, ...v });
  return [
    one("template", f.template),
    one("template_revision", f.templateRevision),
    one("model", f.model),
    one("model_title", f.modelTitle),
    one("model_body", f.modelBody),
    one("model_file", f.modelFile),
    one("file_date", f.fileDate),
    one("local_signer", f.localSigner),
    one("local_signer_title", f.localSignerTitle),
    one("local_signed_on", f.localSignedOn),
    one("ice_signer", f.iceSigner),
    one("ice_signer_title", f.iceSignerTitle),
    one("ice_signed_on", f.iceSignedOn),
    one("effective_on", f.effectiveOn),
    one("ice_field_office", f.iceFieldOffice),
    ...f.signatures.map((s, i) => ({
      field: "signature" as const,
      seq: i,
      value: JSON.stringify({ party: s.party, name: s.name, title: s.title, date: s.date, date_raw: s.dateRaw }),
      page: s.page,
      snippet: s.snippet,
      source: "signature_block" as const,
    })),
  ];
}
