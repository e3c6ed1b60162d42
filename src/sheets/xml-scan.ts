// XML helpers for the xlsx fast path that reproduce SheetJS's reading (on binary strings, as it does);
// where they cannot be sure of giving its answer they throw, so that the caller falls back to SheetJS.

/** The XML uses a form the fast path does not reproduce; the caller falls back to SheetJS. */
export class XmlUnsupported extends Error {}

export function unsupported(why: string): never {
  throw new XmlUnsupported(why);
}

// SheetJS's unescapexml, quirks included: entity names match case-insensitively (an unknown one such
// as &AMP; becomes U+0000), &#X41; is read as decimal, and _xHHHH_ escapes are decoded after entities.
// Only the five entity spellings ENTITY_RE matches in lower case ever index it; others miss to undefined.
const ENTITIES: Record<string, string> = Object.assign(Object.create(null), {
  "&quot;": '"',
  "&apos;": "'",
  "&gt;": ">",
  "&lt;": "<",
  "&amp;": "&",
});
const ENTITY_RE = /&(?:quot|apos|gt|lt|amp|#x?([\da-fA-F]+));/gi;
const CODE_RE = /_x([\da-fA-F]{4})_/gi;
const NEEDS_UNESCAPE = /[&<]|_x/i;

function unescapeRun(s: string): string {
  return s
    .replace(
      ENTITY_RE,
      (all: string, code: string | undefined) =>
        ENTITIES[all] || String.fromCharCode(Number.parseInt(code as string, all.indexOf("x") > -1 ? 16 : 10)) || all,
    )
    .replace(CODE_RE, (_m: string, c: string) => String.fromCharCode(Number.parseInt(c, 16)));
}

/**
 * SheetJS recurses once per CDATA section (text, CDATA, then the rest again); a loop gives the same
 * text without letting a cell of a million sections set the stack depth.
 */
function rawUnescape(text: string): string {
  let s = `${text}`;
  const out: string[] = [];
  for (;;) {
    const i = s.indexOf("<![CDATA[");
    if (i === -1) {
      out.push(unescapeRun(s));
      return out.join("");
    }
    // SheetJS looks for the first "]]>" anywhere in the text, even one before the "<![CDATA[".
    const j = s.indexOf("]]>");
    // Without one, SheetJS's recursion re-copies the rest two characters at a time; it is left to it.
    if (j < 0) unsupported("unterminated CDATA");
    out.push(unescapeRun(s.slice(0, i)), s.slice(i + 9, j));
    s = s.slice(j + 3);
  }
}

/** SheetJS's unescapexml; `xlsx` also folds CRLF to LF. A string with nothing to decode is returned as is. */
export function unescapeXml(text: string, xlsx = false): string {
  if (!NEEDS_UNESCAPE.test(text)) return xlsx && text.indexOf("\r") >= 0 ? text.replace(/\r\n/g, "\n") : text;
  const out = rawUnescape(text);
  return xlsx ? out.replace(/\r\n/g, "\n") : out;
}

const NON_ASCII = /[\x80-\xff]/;

/** SheetJS's utf8read: decodes a binary string (one char per byte) as UTF-8. */
export function utf8read(binary: string): string {
  return NON_ASCII.test(binary) ? Buffer.from(binary, "latin1").toString("utf8") : binary;
}

// SheetJS's str_match_xml_ns: the first `<tag ...>` (any prefix) and the first closing tag after it.
const matchCache = new Map<string, [RegExp, RegExp]>();
export function matchXmlNs(str: string, tag: string): [string, string] | null {
  let res = matchCache.get(tag);
  if (!res) {
    res = [new RegExp(`<(?:\\w+:)?${tag}\\b[^<>]*>`, "g"), new RegExp(`</(?:\\w+:)?${tag}>`, "g")];
    matchCache.set(tag, res);
  }
  const [open, close] = res;
  open.lastIndex = close.lastIndex = 0;
  const m = open.exec(str);
  if (!m) return null;
  const si = m.index;
  const sf = open.lastIndex;
  close.lastIndex = sf;
  const e = close.exec(str);
  if (!e) return null;
  return [str.slice(si, close.lastIndex), str.slice(sf, e.index)];
}

/** Attributes as SheetJS's parsexmltag keys them; index 0 holds the tag's head (`<sheet`, `</xf>`). */
export type Attrs = Record<string, string>;

const isNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 58 || c === 95 || c === 45 || c === 46;
const isTagNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 58 || c === 95 || c === 45;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13;

// Attribute bounds found by walkTag, four numbers per attribute (name start/end, value start/end);
// reused across calls, as tags are walked one at a time.
const bounds: number[] = [];

/**
 * Walks the tag `s[lt..gt]` (s[lt] is `<`, s[gt] is `>`), leaving its attributes' bounds in
 * `bounds`, and returns parsexmltag's head for it (`<sheet`, `<xf/>`, `</row>`). Only the plain
 * form machine writers use is accepted (name="value" pairs, double quotes, no tabs); anything else
 * throws, because SheetJS's regular expressions may read it differently.
 */
function walkTag(s: string, lt: number, gt: number): string {
  bounds.length = 0;
  let i = lt + 1;
  let c = s.charCodeAt(i);
  if (c === 47 || c === 63) c = s.charCodeAt(++i);
  const nameStart = i;
  while (i < gt && isTagNameChar(c)) c = s.charCodeAt(++i);
  if (i === nameStart) unsupported("tag without a name");
  // parsexmltag's head runs to the first space or newline; a head ending in `/` or `?` keeps it.
  if (i === gt || (i === gt - 1 && (c === 47 || c === 63))) return s.slice(lt, gt + 1);
  if (!isSpace(c)) unsupported("unusual tag head");
  const head = s.slice(lt, i);
  for (;;) {
    while (i < gt && isSpace(s.charCodeAt(i))) i++;
    if (i === gt) break;
    c = s.charCodeAt(i);
    if ((c === 47 || c === 63) && i === gt - 1) break;
    const q0 = i;
    while (i < gt && isNameChar(s.charCodeAt(i))) i++;
    if (i === q0 || s.charCodeAt(i) !== 61 || s.charCodeAt(i + 1) !== 34) unsupported("unusual attribute");
    const q1 = i;
    const v0 = i + 2;
    const v1 = s.indexOf('"', v0);
    if (v1 < 0 || v1 >= gt) unsupported("unterminated attribute");
    bounds.push(q0, q1, v0, v1);
    i = v1 + 1;
    c = s.charCodeAt(i);
    if (!(isSpace(c) || i === gt || ((c === 47 || c === 63) && i === gt - 1))) unsupported("unusual attribute end");
  }
  return head;
}

/** parsexmltag's key for the attribute name `s[q0..q1]`: prefix dropped (`r:id` → `id`), `a_b` cut to `a`. */
function attrKey(s: string, q0: number, q1: number): string {
  const q = s.slice(q0, q1);
  const j = q.indexOf(":");
  if (j < 0) {
    const u = q.indexOf("_");
    return u > 0 ? q.slice(0, u) : q;
  }
  // parsexmltag skips some `…ext:` attributes depending on earlier ones (an ODS rule); not worth following.
  if (j >= 3 && q.slice(j - 3, j) === "ext") unsupported("ext-prefixed attribute");
  return (j === 5 && q.slice(0, 5) === "xmlns" ? "xmlns" : "") + q.slice(j + 1);
}

/** The tag `s[lt..gt]` in parsexmltag's shape: each attribute under its key and a lower-case twin. */
export function tagAttrs(s: string, lt: number, gt: number, skipRoot = false): Attrs {
  const z: Attrs = {};
  const head = walkTag(s, lt, gt);
  for (let n = 0; n < bounds.length; n += 4) {
    const k = attrKey(s, bounds[n] as number, bounds[n + 1] as number);
    const v = s.slice(bounds[n + 2], bounds[n + 3]);
    z[k] = v;
    z[k.toLowerCase()] = v;
  }
  if (!skipRoot) z[0] = head;
  return z;
}

/**
 * The values parsexmltag would hold under each of `keys` for the tag `s[lt..gt]`, without building
 * the whole object (rels and hyperlinks come by the thousand). Returns the head, then the values.
 */
export function pickAttrs(s: string, lt: number, gt: number, keys: readonly string[]): (string | undefined)[] {
  const out: (string | undefined)[] = [walkTag(s, lt, gt)];
  for (let n = 0; n < keys.length; n++) out.push(undefined);
  for (let n = 0; n < bounds.length; n += 4) {
    const k = attrKey(s, bounds[n] as number, bounds[n + 1] as number);
    const lk = k.toLowerCase();
    for (let w = 0; w < keys.length; w++)
      if (keys[w] === k || keys[w] === lk) out[w + 1] = s.slice(bounds[n + 2], bounds[n + 3]);
  }
  return out;
}

/**
 * Calls `each` with the bounds of every tag of `xml`, in order, as SheetJS's tag regex would find
 * them. Comments, CDATA and doctypes throw: SheetJS handles them differently from part to part.
 */
export function forEachTagAt(xml: string, each: (lt: number, gt: number) => void): void {
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf("<", pos);
    if (lt < 0) return;
    if (xml.charCodeAt(lt + 1) === 33) unsupported("comment, CDATA or doctype");
    const gt = xml.indexOf(">", lt);
    if (gt < 0) unsupported("unterminated tag");
    each(lt, gt);
    pos = gt + 1;
  }
}

export function forEachTag(xml: string, each: (a: Attrs) => void): void {
  forEachTagAt(xml, (lt, gt) => each(tagAttrs(xml, lt, gt)));
}

// SheetJS's own parsexmltag, for the rare text it applies it to beyond a single tag (a docProps
// vector, whose attributes it gathers from everything inside).
const ATTR_RE = /\s([^"\s?>/]+)\s*=\s*((?:")([^"]*)(?:")|(?:')([^']*)(?:')|([^'">\s]+))/g;
export function parseXmlTag(tag: string): Attrs {
  const z: Attrs = {};
  let eq = 0;
  for (; eq !== tag.length; ++eq) {
    const c = tag.charCodeAt(eq);
    if (c === 32 || c === 10 || c === 13) break;
  }
  z[0] = tag.slice(0, eq);
  if (eq === tag.length) return z;
  for (const m of tag.match(ATTR_RE) ?? []) {
    const cc = m.slice(1);
    let c = 0;
    for (; c !== cc.length; ++c) if (cc.charCodeAt(c) === 61) break;
    let q = cc.slice(0, c).trim();
    while (cc.charCodeAt(c + 1) === 32) ++c;
    const e = cc.charCodeAt(c + 1);
    const quot = e === 34 || e === 39 ? 1 : 0;
    const v = cc.slice(c + 1 + quot, cc.length - quot);
    let j = 0;
    for (; j !== q.length; ++j) if (q.charCodeAt(j) === 58) break;
    if (j === q.length) {
      if (q.indexOf("_") > 0) q = q.slice(0, q.indexOf("_"));
      z[q] = v;
      z[q.toLowerCase()] = v;
    } else {
      const k = (j === 5 && q.slice(0, 5) === "xmlns" ? "xmlns" : "") + q.slice(j + 1);
      if (z[k] && q.slice(j - 3, j) === "ext") continue;
      z[k] = v;
      z[k.toLowerCase()] = v;
    }
  }
  return z;
}

/** SheetJS's str_match_xml: the first `<tag>` (no prefix) and its content up to the first `</tag>`. */
export function matchXml(str: string, tag: string): [string, string] | null {
  const w = tag.length + 1;
  const len = str.length;
  let si = str.indexOf(`<${tag}`);
  while (si >= 0 && si <= len - w && !" \t\r\n>".includes(str.charAt(si + w) || "x"))
    si = str.indexOf(`<${tag}`, si + 1);
  if (si === -1) return null;
  const sf = str.indexOf(">", si + tag.length);
  if (sf === -1) return null;
  const et = `</${tag}>`;
  const ei = str.indexOf(et, sf);
  if (ei === -1) return null;
  return [str.slice(si, ei + et.length), str.slice(sf + 1, ei)];
}

/** SheetJS's str_match_xml_ns_g: every `<tag …>…</tag>` element (any prefix), or null when one is unclosed. */
export function matchAllXmlNs(str: string, tag: string): string[] | null {
  const open = new RegExp(`<(?:\\w+:)?${tag}\\b[^<>]*>`, "g");
  const close = new RegExp(`</(?:\\w+:)?${tag}>`, "g");
  const out: string[] = [];
  let m: RegExpExecArray | null = open.exec(str);
  while (m) {
    const si = m.index;
    close.lastIndex = open.lastIndex;
    if (!close.exec(str)) return null;
    out.push(str.slice(si, close.lastIndex));
    open.lastIndex = close.lastIndex;
    m = open.exec(str);
  }
  return out.length === 0 ? null : out;
}

/** SheetJS's strip_ns on a tag head: `<x:sheet` → `<sheet`. */
export function stripNs(head: string): string {
  return head.indexOf(":") < 0 ? head : head.replace(/<(\/?)\w+:/, "<$1");
}

// SheetJS's shared-string reader (parse_si) for the forms the fast path does not short-cut.
const TAG_RE = /<[/?]?[a-zA-Z0-9:_-]+(?:\s+[^"\s?<>/]+\s*=\s*(?:"[^"]*"|'[^']*'|[^'"<>\s=]+))*\s*[/?]?>/gm;
const SI_T_RE = /<(?:\w+:)?t\b[^<>]*>([^<]*)<\/(?:\w+:)?t>/g;
const SI_R_RE = /<(?:\w+:)?r\b[^<>]*>/;
const PLAIN_T_RE = /^\s*<(?:\w+:)?t[^>]*>/;
const T_CLOSE_RE = /<\/(?:\w+:)?t>/;

function removeXmlNs(str: string, tag: string): string | null {
  const open = new RegExp(`<(?:\\w+:)?${tag}\\b[^<>]*>`, "g");
  const close = new RegExp(`</(?:\\w+:)?${tag}>`, "g");
  const out: string[] = [];
  let ef = 0;
  let m: RegExpExecArray | null = open.exec(str);
  while (m) {
    const si = m.index;
    out.push(str.slice(ef, si));
    ef = si;
    close.lastIndex = open.lastIndex;
    const e = close.exec(str);
    if (!e) return null;
    ef = close.lastIndex;
    open.lastIndex = close.lastIndex;
    m = open.exec(str);
  }
  out.push(str.slice(ef));
  return out.length === 0 ? "" : out.join("");
}

/**
 * The text of one shared or inline string, as parse_si gives it from the binary string `x`
 * (`undefined` when SheetJS finds neither a plain nor a rich string).
 */
export function parseSi(x: string): string | undefined {
  if (!x) return "";
  if (PLAIN_T_RE.test(x)) {
    return unescapeXml(utf8read(x.slice(x.indexOf(">") + 1).split(T_CLOSE_RE)[0] || ""), true);
  }
  if (SI_R_RE.test(x)) {
    // str_remove_xml_ns_g returns null when a phonetic run is unclosed; SheetJS would then throw.
    const bare = removeXmlNs(x, "rPh");
    if (bare === null) unsupported("unclosed phonetic run");
    return unescapeXml(utf8read((bare.match(SI_T_RE) || []).join("").replace(TAG_RE, "")), true);
  }
  return undefined;
}
