// Atom (RFC 4287) as text. Pure: entries in, XML out. Every value is escaped, and characters XML
// cannot carry (control bytes that can arrive in a spreadsheet cell) are dropped.

export interface AtomLink {
  href: string;
  rel?: string;
  type?: string;
  title?: string;
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string; // RFC 3339
  summary: string;
  links: AtomLink[];
  categories: { term: string; label?: string }[];
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  updated: string;
  links: AtomLink[];
  author: string;
  entries: AtomEntry[];
}

// XML 1.0 allows tab, newline, carriage return and U+0020 upwards, minus surrogates and FFFE/FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(s: string): string {
  return s
    .replace(NOT_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function link(l: AtomLink): string {
  const attrs = [`href="${xmlEscape(l.href)}"`];
  if (l.rel) attrs.unshift(`rel="${xmlEscape(l.rel)}"`);
  if (l.type) attrs.push(`type="${xmlEscape(l.type)}"`);
  if (l.title) attrs.push(`title="${xmlEscape(l.title)}"`);
  return `<link ${attrs.join(" ")}/>`;
}

export function renderAtom(f: AtomFeed): string {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${xmlEscape(f.id)}</id>`,
    `  <title>${xmlEscape(f.title)}</title>`,
    `  <subtitle>${xmlEscape(f.subtitle)}</subtitle>`,
    `  <updated>${xmlEscape(f.updated)}</updated>`,
    ...f.links.map((l) => `  ${link(l)}`),
    `  <author><name>${xmlEscape(f.author)}</name></author>`,
    "  <generator>g287</generator>",
  ];
  for (const e of f.entries) {
    out.push(
      "  <entry>",
      `    <id>${xmlEscape(e.id)}</id>`,
      `    <title>${xmlEscape(e.title)}</title>`,
      `    <updated>${xmlEscape(e.updated)}</updated>`,
      ...e.links.map((l) => `    ${link(l)}`),
      ...e.categories.map(
        (c) => `    <category term="${xmlEscape(c.term)}"${c.label ? ` label="${xmlEscape(c.label)}"` : ""}/>`,
      ),
      `    <summary type="text">${xmlEscape(e.summary)}</summary>`,
      "  </entry>",
    );
  }
  out.push("</feed>", "");
  return out.join("\n");
}
