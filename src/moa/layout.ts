// Turns pdf.js text pieces into lines in reading order. Positions are kept (segments with their x)
// because signature blocks sit side by side: "Date: February 17, 2025" on the left belongs to the
// local signer, the same label on the right to ICE.
import type { RawItem } from "./extract-worker.js";

export interface Segment {
  x: number;
  x2: number;
  text: string;
}

export interface Line {
  y: number; // baseline, PDF units from the bottom of the page
  h: number; // the tallest piece on the line
  segments: Segment[]; // left to right; a gap wider than about two characters starts a new one
}

export interface PageLayout {
  page: number; // 1-based
  width: number;
  height: number;
  lines: Line[]; // top to bottom
}

/** Pieces whose baselines are closer than this share of their height sit on one line. */
const SAME_LINE = 0.5;

export function layoutPage(page: number, width: number, height: number, items: readonly RawItem[]): PageLayout {
  const sorted = items
    .filter((i) => i[4].trim() !== "" || i[2] > 0)
    .map(([x, y, w, h, text]) => ({ x, y, w, h: h > 0 ? h : 10, text }))
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: { y: number; h: number; items: typeof sorted }[] = [];
  for (const it of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row.y - it.y) <= SAME_LINE * Math.min(row.h, it.h)) {
      row.items.push(it);
      row.h = Math.max(row.h, it.h);
    } else rows.push({ y: it.y, h: it.h, items: [it] });
  }
  const lines: Line[] = [];
  for (const row of rows) {
    row.items.sort((a, b) => a.x - b.x);
    const segments: Segment[] = [];
    let lastH = 0;
    for (const it of row.items) {
      const last = segments[segments.length - 1];
      const gap = last ? it.x - last.x2 : Number.POSITIVE_INFINITY;
      // A word space is about a quarter of the font size; a wider gap is a column or a form field.
      // Example: a 6-point signature stamp ending 8 units before an 11-point "Date:" is two segments.
      const merge = last && gap < Math.max(3, 0.9 * Math.min(lastH, it.h));
      lastH = it.h;
      if (merge && last) {
        // pdf.js gives most spaces as pieces of their own; add one only where a gap shows a word break.
        const space = gap > 0.15 * it.h && !last.text.endsWith(" ") && !it.text.startsWith(" ") ? " " : "";
        last.text += space + it.text;
        last.x2 = Math.max(last.x2, it.x + it.w);
      } else segments.push({ x: it.x, x2: it.x + it.w, text: it.text });
    }
    const kept = segments.map((s) => ({ ...s, text: s.text.replace(/\s+/g, " ").trim() })).filter((s) => s.text !== "");
    if (kept.length) lines.push({ y: row.y, h: row.h, segments: kept });
  }
  return { page, width, height, lines };
}

/** Plain text of a page: one line per line, segments apart by three spaces (kept for display). */
export function pageText(p: PageLayout): string {
  return p.lines.map((l) => l.segments.map((s) => s.text).join("   ")).join("\n");
}

export function lineText(l: Line): string {
  return l.segments.map((s) => s.text).join(" ");
}

/** Compact JSON for storage: {w, h, lines: [[y, h, [[x, x2, text], …]], …]}, coordinates rounded. */
export function encodeLayout(p: PageLayout): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  return JSON.stringify({
    w: r(p.width),
    h: r(p.height),
    lines: p.lines.map((l) => [r(l.y), r(l.h), l.segments.map((s) => [r(s.x), r(s.x2), s.text])]),
  });
}

export function decodeLayout(page: number, json: string): PageLayout {
  const raw = JSON.parse(json) as { w: number; h: number; lines: [number, number, [number, number, string][]][] };
  return {
    page,
    width: raw.w,
    height: raw.h,
    lines: raw.lines.map(([y, h, segs]) => ({ y, h, segments: segs.map(([x, x2, text]) => ({ x, x2, text })) })),
  };
}
