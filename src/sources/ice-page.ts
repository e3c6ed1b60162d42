// Finds the participating and pending workbooks on ICE's 287(g) page by what the links say, not
// by fixed paths: ICE moved its download links twice in spring 2026 (new folders, new file names),
// and also serves them as `/file-download/download/public/<id>`, whose address names no file.
// Pure: HTML text in, links out.
import { dateFromFileName, fileNameInText } from "./file-name.js";
import type { ListKind } from "./types.js";

export const DEFAULT_ICE_URL = "https://www.ice.gov/identify-and-arrest/287g";

/** How sure we are of a link's kind: its file name beats its text, which beats the text before it. */
export type LinkEvidence = "file_name" | "link_text" | "nearby_text";
const STRENGTH: Record<LinkEvidence, number> = { file_name: 3, link_text: 2, nearby_text: 1 };

export interface ListLink {
  kind: ListKind;
  url: string;
  /** The link's visible text, whitespace collapsed. */
  text: string;
  /**
   * ICE's own file name as the page gives it: the last path segment, percent-decoded, or for an
   * address without one (`/file-download/download/public/<id>`) a file name written in the link's
   * text; "" when the page names none (the download's Content-Disposition may).
   */
  fileName: string;
  /** The heading the link sits under, the last resort for naming an id-only download. */
  heading: string | null;
  evidence: LinkEvidence;
  /** The date ICE's file name carries, if any. */
  nameDate: string | null;
}

export interface PageLinks {
  title: string | null;
  participating: ListLink | null;
  pending: ListLink | null;
  /** Every spreadsheet link whose kind could be told, in page order. */
  candidates: ListLink[];
  /** Spreadsheet links on the page, whether or not their kind could be told. */
  spreadsheets: number;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Visible text of an HTML fragment: tags, scripts and styles dropped, entities decoded. */
export function htmlText(fragment: string): string {
  return decodeEntities(
    fragment
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<[^>]*>/g, " "),
  )
    .replace(/[\s\u00a0]+/g, " ")
    .trim();
}

export function pageTitle(html: string): string | null {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const t = m ? htmlText(m[1] as string) : "";
  return t || null;
}

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i").exec(attrs);
  return m ? decodeEntities((m[2] ?? m[3] ?? m[4] ?? "").trim()) : null;
}

/**
 * The kind a piece of text names. "pending" wins over "participating" in the same words, since the
 * pending list has been titled "Pending participating agencies"; in nearby text the mention closest
 * to the link wins, unless the two are one phrase.
 */
function kindIn(text: string, nearest: boolean): ListKind | null {
  const t = text.toLowerCase();
  const part = t.lastIndexOf("participat");
  const pend = t.lastIndexOf("pending");
  if (part < 0 && pend < 0) return null;
  if (pend < 0) return "participating";
  if (part < 0) return "pending";
  if (!nearest || Math.abs(part - pend) < 40) return "pending";
  return part > pend ? "participating" : "pending";
}

const SHEET_EXT = /\.(xlsx|xls|csv)$/i;
const SHEET_WORDS = /\b(xlsx|xls|excel|spreadsheet|workbook)\b/i;
const SHEET_TYPE = /spreadsheetml|ms-excel|text\/csv/i;
/** Addresses that serve a stored file by number: Drupal's file-download route and media entities. */
const ID_DOWNLOAD = /\/(?:file-download\/download\/public\/\d+|media\/\d+\/download)\/?$/i;
const OTHER_DOC = /\b(pdf|docx?|moa|memorandum|template|faq)\b/i;

/** The text of the last heading before `at`, whitespace collapsed. */
function headingBefore(html: string, at: number): string | null {
  const re = /<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi;
  let last: string | null = null;
  for (let m = re.exec(html); m && m.index < at; m = re.exec(html)) last = htmlText(m[2] as string) || last;
  return last;
}

export function findListLinks(html: string, pageUrl: string): PageLinks {
  const baseHref = /<base\b([^>]*)>/i.exec(html);
  const base = (baseHref && attr(baseHref[1] as string, "href")) || pageUrl;
  const candidates: ListLink[] = [];
  let spreadsheets = 0;
  let prevEnd = 0;
  const anchor = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (let m = anchor.exec(html); m; m = anchor.exec(html)) {
    const attrs = m[1] as string;
    const href = attr(attrs, "href");
    const start = m.index;
    const nearby = htmlText(html.slice(Math.max(prevEnd, start - 2000), start)).slice(-300);
    prevEnd = start + m[0].length;
    if (!href || /^(#|mailto:|javascript:|tel:)/i.test(href)) continue;
    let url: URL;
    try {
      url = new URL(href, new URL(base, pageUrl));
    } catch {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    url.hash = "";
    const segment = url.pathname.split("/").pop() ?? "";
    let fileName: string;
    try {
      fileName = decodeURIComponent(segment);
    } catch {
      fileName = segment;
    }
    const text = htmlText(m[2] as string);
    const label = [text, attr(attrs, "title"), attr(attrs, "aria-label")].filter(Boolean).join(" ");
    const type = attr(attrs, "type") ?? "";
    if (!SHEET_EXT.test(fileName)) {
      // An id-only address: a spreadsheet when its text or type says so, or when its text names a
      // list and nothing else (ICE links MOA PDFs the same way).
      const idOnly = ID_DOWNLOAD.test(url.pathname);
      const named = fileNameInText(label);
      const sheetLike =
        SHEET_WORDS.test(label) ||
        SHEET_TYPE.test(type) ||
        (idOnly && named !== null) ||
        (idOnly && kindIn(label, false) !== null && !OTHER_DOC.test(`${label} ${type}`));
      if (!sheetLike) continue;
      fileName = named ?? "";
    }
    spreadsheets++;
    const byName = kindIn(fileName, false);
    const byText = kindIn(label, false);
    const byNearby = kindIn(nearby, true);
    const kind = byName ?? byText ?? byNearby;
    if (!kind) continue;
    const evidence: LinkEvidence = byName ? "file_name" : byText ? "link_text" : "nearby_text";
    candidates.push({
      kind,
      url: url.href,
      text,
      fileName,
      heading: headingBefore(html, start),
      evidence,
      nameDate: fileName ? (dateFromFileName(fileName)?.date ?? null) : null,
    });
  }
  return {
    title: pageTitle(html),
    participating: best(candidates, "participating"),
    pending: best(candidates, "pending"),
    candidates,
    spreadsheets,
  };
}

/** The strongest evidence, then the newest date in the file name, then the first on the page. */
function best(links: ListLink[], kind: ListKind): ListLink | null {
  let pick: ListLink | null = null;
  for (const l of links) {
    if (l.kind !== kind) continue;
    if (!pick) {
      pick = l;
      continue;
    }
    const s = STRENGTH[l.evidence] - STRENGTH[pick.evidence];
    if (s > 0 || (s === 0 && (l.nameDate ?? "") > (pick.nameDate ?? ""))) pick = l;
  }
  return pick;
}
