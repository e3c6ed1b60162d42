// Reads an MOA's signature blocks: the page that holds them (after "by signing this MOA" or "in
// witness whereof"), each block's party (ICE or the local agency), the signer's name and title, and
// the date beside them. Pure: page layouts in, signatures out.
import { distance } from "fastest-levenshtein";
import { findDates } from "./dates.js";
import { normalizeText } from "./families.js";
import { type Line, lineText, type PageLayout, type Segment } from "./layout.js";

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
