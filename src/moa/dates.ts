// Dates as MOAs and their file names write them: "February 17, 2025", a digital-signature stamp
// "2020.08.21 09:55:42", "3/17/20", and file names such as `_02182025`, `2020-03-17`, `_02.28.25`.
// A date that is not a real calendar day is no date (OCR of handwriting gives "_6._~_/L_/_7~").
import { isoFromParts } from "../domain/date.js";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function year(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function plausible(iso: string | null): string | null {
  // 287(g) began in 2002; a date past 2100 is a typo or OCR noise.
  return iso && iso >= "2002-01-01" && iso < "2100-01-01" ? iso : null;
}

export interface FoundDate {
  iso: string;
  raw: string;
  index: number;
}

/** Every date written in a piece of text, in order. */
export function findDates(text: string): FoundDate[] {
  const out: FoundDate[] = [];
  const add = (iso: string | null, m: RegExpExecArray) => {
    const ok = plausible(iso);
    if (ok && !out.some((d) => d.index === m.index)) out.push({ iso: ok, raw: m[0], index: m.index });
  };
  const named =
    /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})\b/gi;
  for (const m of text.matchAll(named)) {
    const mon = MONTHS.indexOf((m[1] as string).slice(0, 3).toLowerCase()) + 1;
    add(isoFromParts(Number(m[3]), mon, Number(m[2])), m as RegExpExecArray);
  }
  // ISO and digital-signature stamps: 2020-08-21, 2020.08.21, 2020/08/21.
  for (const m of text.matchAll(/(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)/g))
    add(isoFromParts(Number(m[1]), Number(m[2]), Number(m[3])), m as RegExpExecArray);
  // US order: 3/17/20, 08/17/2020, 2-28-20.
  for (const m of text.matchAll(/(?<![\d./-])(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})(?![\d./-]*\d)/g))
    add(isoFromParts(year(m[3] as string), Number(m[1]), Number(m[2])), m as RegExpExecArray);
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The date in an MOA's file name, as ICE named it: `287gWSO_FinneyCoKs2020-03-17.pdf`,
 * `287gJEM_FL_DOC_FL_08-21-2020.pdf`, `KansasBureauOfInv_TFM_MOA_02182025.pdf` (MMDDYYYY),
 * `FranklinCountyJailPA_WSO_MOA_030725.pdf` (MMDDYY), `NaplesPoliceDept_TFM_MOA_02.28.25.pdf`,
 * `CapeCoralPDFL_7.2.2025.pdf`. The last date-shaped part of the name wins.
 */
export function fileNameDate(urlOrName: string): { iso: string; raw: string } | null {
  let name = urlOrName.split(/[?#]/)[0] ?? "";
  name = name.slice(name.lastIndexOf("/") + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  const stem = name.replace(/\.pdf$/i, "");
  const found: { iso: string; raw: string; index: number }[] = [];
  for (const d of findDates(stem)) found.push(d);
  for (const m of stem.matchAll(/(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)/g)) {
    const iso = plausible(isoFromParts(Number(m[3]), Number(m[1]), Number(m[2])));
    if (iso) found.push({ iso, raw: m[0], index: m.index ?? 0 });
  }
  for (const m of stem.matchAll(/(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)/g)) {
    const iso = plausible(isoFromParts(2000 + Number(m[3]), Number(m[1]), Number(m[2])));
    if (iso) found.push({ iso, raw: m[0], index: m.index ?? 0 });
  }
  found.sort((a, b) => a.index - b.index);
  const last = found[found.length - 1];
  return last ? { iso: last.iso, raw: last.raw } : null;
}
