// Reads an MOA's facts from its text: the model (from the title and from the body), the signatures
// (who, with what title, on which date), the effective date, ICE's field office and the template
// family. Each value keeps the page and the text it came from. Pure: text in, fields out.
import { distance } from "fastest-levenshtein";
import type { Model } from "../domain/model.js";
import { fileNameDate, findDates } from "./dates.js";
import { identifyFamily, normalizeText } from "./families.js";
import { type Line, lineText, type PageLayout, type Segment } from "./layout.js";

/** Bump when the reading rules change: documents read by an older version can be read again. */
export const FIELDS_VERSION = "fields-1";

export type FieldSource = "title" | "body" | "signature_block" | "metadata" | "url" | "derived";

export interface Field<T = string> {
  value: T | null;
  page: number | null;
  snippet: string | null;
  source: FieldSource;
}

export type Party = "ice" | "local" | "other";

export interface Signature {
  party: Party;
  name: string | null;
  title: string | null;
  date: string | null; // ISO, when the date is typed or stamped (handwriting in a scan is not text)
  dateRaw: string | null; // what stood after "Date:", readable or not
  page: number;
  snippet: string;
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

// ---- signatures ----------------------------------------------------------------------------

const SIGNING_ANCHORS = [/by signing this moa/, /in witness whereof/];
/** Lines this close to the bottom of the page are running footers and page numbers. */
const FOOTER = 75;
const LABEL = /^(date|title|signature|name)\s*[:;]/i;
const HEADER = /^for\s*(the\s*)?([a-z][\w .'’()-]{0,40}?)\s*:\s*$/i;

/** ICE titles, and the titles local signers use. Matched at the start of a line, OCR-tolerant. */
const ICE_TITLES = [
  "Executive Associate Director",
  "Deputy Executive Associate Director",
  "Assistant Director, Enforcement",
  "Assistant Director for Enforcement",
  "Assistant Director",
  "Deputy Director",
  "Acting Director",
  "Director",
  "Field Office Director",
  "Acting Field Office Director",
];
const LOCAL_TITLE_WORDS =
  /^(acting |interim |deputy |assistant |executive |chief deputy )?(sheriff|undersheriff|chief of police|chief|director|secretary|commissioner|attorney general|colonel|superintendent|warden|administrator|mayor|chair(man|woman|person)?|president|marshal|constable|county (judge|executive|manager|administrator)|city manager|executive director|jail administrator|captain|major|lieutenant|general counsel|governor)\b/i;

const ORG_WORDS =
  /\b(department|county|office|sheriff'?s?|police|enforcement|security|homeland|immigration|customs|operations|bureau|division|state|city|corrections|agency|investigation|general|director|secretary|removal|attorney|of|and)\b/i;

/**
 * ICE officials whose names the OCR of a signature page garbles, with the title they signed as.
 * Confirmed against the page images of the samples: add one only after reading it on a document.
 * Example: the WSO sample's OCR reads "Enri . ucer" above "Executive Associate Dire ;tor".
 */
const KNOWN_ICE_SIGNERS = [
  { name: "Enrique M. Lucero", title: "Executive Associate Director" },
  { name: "Christopher M. Cronen", title: "Assistant Director, Enforcement" },
];

const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");

/** "Kevin Bascue", "Mark S. Inch", "C.M. Cronen": two to five name tokens and nothing else. */
export function looksLikeName(s: string): boolean {
  const t = s.trim();
  if (ORG_WORDS.test(t) || LOCAL_TITLE_WORDS.test(t)) return false;
  const tokens = t.split(/\s+/);
  if (tokens.length < 2 || tokens.length > 5) return false;
  return tokens.every((w) =>
    /^(?:[A-Z]\.){1,3}$|^[A-Z]\.?$|^[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*,?$|^Mc[A-Z][a-z]+$|^(?:Jr|Sr)\.?$|^I{2,3}$|^IV$/.test(
      w,
    ),
  );
}

/** A title at the start of a line: "Sheriff: Finney County" → "Sheriff"; OCR slips within two letters. */
export function readTitle(line: string, party: Party): string | null {
  const t = line
    .replace(/^title\s*[:;]\s*/i, "")
    .replace(/[_\-–—~.]{3,}.*$/, "")
    .trim();
  if (!t || t.length > 80) return null;
  const flat = letters(t);
  for (const title of ICE_TITLES) {
    const k = letters(title);
    // The whole line is the title, give or take an OCR slip ("Executive Associate Dire ;tor").
    if (flat === k || (k.length >= 12 && distance(flat, k) <= 2)) return title;
  }
  if (party === "ice") {
    const lead = ICE_TITLES.find((title) => t.toLowerCase().startsWith(title.toLowerCase()));
    if (lead) return t.split(/\s*[:;]\s*/)[0] ?? lead;
  }
  const m = LOCAL_TITLE_WORDS.exec(t);
  if (!m) return null;
  // "Sheriff: Finney County" names the office, not a longer title.
  return (t.split(/\s*[:;]\s*/)[0] ?? m[0]).trim();
}

/**
 * A garbled ICE signer ("Enri . ucer") whose letters all occur, in order, in one known name, and
 * who signed with the title read in the same block (when one was read).
 */
function knownIceSigner(raw: string, title: string | null): string | null {
  const l = letters(raw);
  if (l.length < 4) return null;
  const hits = KNOWN_ICE_SIGNERS.filter((k) => {
    if (title && k.title !== title) return false;
    const n = letters(k.name);
    if (n[0] !== l[0] || l.length < 0.5 * n.length) return false;
    let i = 0;
    for (const c of n) if (c === l[i]) i++;
    return i === l.length;
  });
  return hits.length === 1 ? (hits[0] as { name: string }).name : null;
}

interface Piece {
  y: number;
  h: number;
  seg: Segment;
}

interface Block {
  column: "left" | "right";
  header: string | null;
  pieces: Piece[];
}

function signatureRegion(pages: readonly PageLayout[]): { page: PageLayout; lines: Line[] } | null {
  for (let p = pages.length - 1; p >= 0; p--) {
    const page = pages[p] as PageLayout;
    const at = page.lines.findIndex((l) => SIGNING_ANCHORS.some((a) => a.test(normalizeText(lineText(l)))));
    if (at < 0) continue;
    // The block sits below the anchor sentence (which may run over two or three lines).
    let start = at + 1;
    while (
      start < page.lines.length &&
      /^(the terms|to the fullest|create any|or criminal)/i.test(lineText(page.lines[start] as Line))
    )
      start++;
    let lines = page.lines.slice(start).filter((l) => l.y > FOOTER);
    // A signature block pushed onto the next page.
    if (lines.length < 2 && pages[p + 1]) {
      const next = pages[p + 1] as PageLayout;
      return { page: next, lines: next.lines.filter((l) => l.y > FOOTER) };
    }
    lines = lines.filter((l) => !/^appendix\b/i.test(lineText(l)));
    return { page, lines };
  }
  return null;
}

function isNameOrTitle(text: string): boolean {
  const t = text.trim();
  return /^title\s*[:;]/i.test(t) || looksLikeName(t) || readTitle(t, "local") !== null;
}

/** Splits the region into blocks: one per signer, in two columns. */
function blocks(page: PageLayout, lines: readonly Line[]): Block[] {
  const mid = page.width * 0.48;
  const out: Block[] = [];
  for (const column of ["left", "right"] as const) {
    let cur: Block | null = null;
    let lastY = Number.POSITIVE_INFINITY;
    for (const l of lines) {
      for (const seg of l.segments) {
        if ((seg.x < mid ? "left" : "right") !== column) continue;
        const text = seg.text.trim();
        const header = HEADER.exec(text);
        const isDate = /^date\s*[:;]/i.test(text);
        const fresh =
          !cur ||
          !!header ||
          lastY - l.y > 5 * l.h ||
          // A "Date:" after a name or a title starts the next signer's block. A digital signature
          // stamps its own "Date: 2020.08.21 …" inside the first block, before the name.
          (isDate && cur.pieces.some((p) => isNameOrTitle(p.seg.text)));
        if (fresh) {
          cur = { column, header: header ? text : null, pieces: [] };
          out.push(cur);
        }
        (cur as Block).pieces.push({ y: l.y, h: l.h, seg });
        lastY = l.y;
      }
    }
  }
  return out.filter((b) => b.pieces.some((p) => !HEADER.test(p.seg.text)));
}

const ICE_MARKERS = /immigration and cu\W*\s*\w*toms|enforcement and removal|homeland security|^for ice:/i;

function partyOf(b: Block): Party {
  if (b.header) {
    if (/\bice\b|immigration|homeland/i.test(b.header)) return "ice";
    if (/\blea\b|agency|sheriff|department|police|county|city/i.test(b.header)) return "local";
    return "other";
  }
  return b.pieces.some((p) => ICE_MARKERS.test(p.seg.text)) ? "ice" : "local";
}

/** The value written beside a label: on its own segment, or the nearest piece at its height. */
function labelValue(b: Block, label: Piece): string | null {
  const rest = label.seg.text.replace(LABEL, "").trim();
  if (rest) return rest;
  const near = b.pieces
    .filter(
      (p) =>
        p !== label &&
        /[a-z0-9]/i.test(p.seg.text) &&
        p.seg.x > label.seg.x + 5 &&
        Math.abs(p.y - label.y) <= 1.3 * Math.max(p.h, label.h) &&
        !LABEL.test(p.seg.text),
    )
    .sort((a, c) => Math.abs(a.y - label.y) - Math.abs(c.y - label.y));
  return near[0]?.seg.text.trim() ?? null;
}

function readSignature(page: PageLayout, b: Block): Signature {
  const party = partyOf(b);
  let dateRaw: string | null = null;
  let date: string | null = null;
  let title: string | null = null;
  let name: string | null = null;
  const used = new Set<Piece>();
  for (const p of b.pieces) {
    const t = p.seg.text.trim();
    if (/^date\s*[:;]/i.test(t)) {
      const v = labelValue(b, p);
      const d = v ? findDates(v)[0] : undefined;
      if (d && !date) {
        date = d.iso;
        dateRaw = v;
      }
      dateRaw ??= v;
      used.add(p);
    } else if (/^title\s*[:;]/i.test(t)) {
      const v = labelValue(b, p);
      if (v) title ??= readTitle(v, party) ?? v.replace(/[_\-–—~.]{3,}/g, "").trim();
      used.add(p);
    }
  }
  // A date stamped by a digital signature ("Date: 2020.08.21 09:55:42 -04'00'") or typed on its own.
  if (!date) {
    for (const p of b.pieces) {
      const d = findDates(p.seg.text)[0];
      if (d) {
        date = d.iso;
        dateRaw = p.seg.text;
        break;
      }
    }
  }
  for (const p of b.pieces) {
    if (used.has(p) || LABEL.test(p.seg.text) || HEADER.test(p.seg.text)) continue;
    const t = p.seg.text.trim();
    // The large print of a digital signature ("CRONEN") is not the typed name under the line.
    if (/digitally signed|^date\b/i.test(t) || /^\W*[A-Z]{2,}\W*$/.test(t)) continue;
    if (!title) {
      const tt = readTitle(t, party);
      if (tt) {
        title = tt;
        continue;
      }
    }
    if (!name && looksLikeName(t)) name = t;
  }
  // A garbled ICE name: the first line of the block that is neither date, label, title nor ICE's name.
  if (!name && party === "ice") {
    const rows = new Map<number, string[]>();
    for (const p of b.pieces) rows.set(p.y, [...(rows.get(p.y) ?? []), p.seg.text.trim()]);
    for (const parts of rows.values()) {
      const t = parts.join(" ");
      if (LABEL.test(t) || HEADER.test(t) || readTitle(t, party) || ICE_MARKERS.test(t)) continue;
      const k = knownIceSigner(t, title);
      if (k) {
        name = k;
        break;
      }
    }
  }
  const snippet = b.pieces
    .map((p) => p.seg.text)
    .join(" | ")
    .slice(0, 300);
  return { party, name, title, date, dateRaw, page: page.page, snippet };
}

export function readSignatures(pages: readonly PageLayout[]): Signature[] {
  const region = signatureRegion(pages);
  if (!region) return [];
  return blocks(region.page, region.lines).map((b) => readSignature(region.page, b));
}

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
