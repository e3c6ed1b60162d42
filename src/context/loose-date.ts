// Dates written into free text by the people who compiled the reference tables: `2025-02-27`,
// `2025-04 (signed by Gov. Sanders)`, `~2026-07 (90 days after adjournment)`, `2022; amended
// 2025-02-13`. We read ISO dates of day, month or year precision and keep the rest as a note.
import { isoFromParts } from "../domain/date.js";

export type Precision = "day" | "month" | "year";

export interface LooseDate {
  /** ISO 8601 at its own precision: `2025-02-27`, `2025-02` or `2025`. */
  date: string;
  precision: Precision;
  /** Written with a leading `~`. */
  approx: boolean;
  /** Where the token starts in the text. */
  index: number;
}

// A year between 1900 and 2099, optionally with month and day; `HB19-1124` and `(41-27)` are not
// dates because the year must stand as a word of its own.
const TOKEN = /(~\s*)?(?<![\w-])((?:19|20)\d{2})(?:-(\d{2})(?:-(\d{2}))?)?(?![\w-])/g;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
// `June 28, 2025`, `Jan 2023`, `Feb. 2026`: written-out months, as news reports give them.
const NAMED =
  /(?<![\w-])(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:(\d{1,2}),?\s+)?((?:19|20)\d{2})(?![\w-])/gi;

/** Every date token in the text, in order. Impossible dates (`2025-02-30`) are skipped. */
export function looseDates(text: string | null | undefined): LooseDate[] {
  if (!text) return [];
  const found: LooseDate[] = [];
  const spans: [number, number][] = [];
  for (const m of text.matchAll(NAMED)) {
    const index = m.index ?? 0;
    spans.push([index, index + m[0].length]);
    const mo = MONTHS.indexOf((m[1] ?? "").toLowerCase()) + 1;
    const month = `${m[3]}-${String(mo).padStart(2, "0")}`;
    if (m[2] === undefined) found.push({ date: month, precision: "month", approx: false, index });
    else {
      const iso = isoFromParts(Number(m[3]), mo, Number(m[2]));
      if (iso) found.push({ date: iso, precision: "day", approx: false, index });
    }
  }
  for (const m of text.matchAll(TOKEN)) {
    const y = Number(m[2]);
    const approx = !!m[1];
    const index = m.index ?? 0;
    if (spans.some(([a, b]) => index >= a && index < b)) continue;
    if (m[4] !== undefined) {
      const iso = isoFromParts(y, Number(m[3]), Number(m[4]));
      if (iso) found.push({ date: iso, precision: "day", approx, index });
    } else if (m[3] !== undefined) {
      const mo = Number(m[3]);
      if (mo >= 1 && mo <= 12) found.push({ date: `${m[2]}-${m[3]}`, precision: "month", approx, index });
    } else found.push({ date: String(y), precision: "year", approx, index });
  }
  return found.sort((a, b) => a.index - b.index);
}

export function firstLooseDate(text: string | null | undefined): LooseDate | null {
  return looseDates(text)[0] ?? null;
}

/** The last day a partial date can mean: `2025-02` → `2025-02-28`, `2022` → `2022-12-31`. */
export function lastDay(d: Pick<LooseDate, "date" | "precision">): string {
  if (d.precision === "day") return d.date;
  if (d.precision === "year") return `${d.date}-12-31`;
  const [y, m] = d.date.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${d.date}-${String(last).padStart(2, "0")}`;
}

/** The first day a partial date can mean: `2025-02` → `2025-02-01`. */
export function firstDay(d: Pick<LooseDate, "date" | "precision">): string {
  if (d.precision === "day") return d.date;
  return d.precision === "year" ? `${d.date}-01-01` : `${d.date}-01`;
}

export function precisionOf(date: string): Precision {
  return date.length === 10 ? "day" : date.length === 7 ? "month" : "year";
}
