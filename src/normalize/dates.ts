// Signed dates. Excel serials are converted in UTC (local-time conversion shifts dates by a day
// west of Greenwich). Typos are flagged and resolved by a named rule, never guessed silently.
import { DAY_MS, isoFromParts } from "../domain/date.js";

export type DateRule =
  | "excel_serial"
  | "iso_text"
  | "us_text"
  | "missing_slash" // `05/082025` → 2025-05-08, `7/72025` → 2025-07-07
  | "year_first_digit" // 5025-07-07 → 2025-07-07 (Grundy County, participating 2025-07-18 pm)
  | "serial_out_of_range" // a number that is no day Excel can show (1e12, -5): unknown
  | "unparsed";

export interface DateResult {
  /** ISO date, or null when unknown. */
  date: string | null;
  rule: DateRule | null;
  /** True when a typo rule changed what the cell literally says. */
  corrected: boolean;
  /** The correction rule under which a cell that holds something became unknown. */
  flag?: "signed_unparsed" | "signed_serial_out_of_range";
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** First and last years we accept as a signing year without a correction. */
const MIN_YEAR = 1996; // IIRIRA created 287(g) in 1996; the first MOA was signed in 2002.
const MAX_YEAR = 2099;
/** Excel's last day, 9999-12-31; serials from 1 up to it are days it can show. */
export const MAX_EXCEL_SERIAL = 2_958_465;

const SERIAL_CACHE = new Map<number, string>();

/** The day a serial shows, in UTC; null for a serial that is no day (see MAX_EXCEL_SERIAL). */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= MAX_EXCEL_SERIAL + 0.5) return null;
  const day = Math.round(serial);
  let iso = SERIAL_CACHE.get(day);
  if (iso === undefined) {
    iso = new Date(EXCEL_EPOCH_MS + day * DAY_MS).toISOString().slice(0, 10);
    if (SERIAL_CACHE.size < 100_000) SERIAL_CACHE.set(day, iso);
  }
  return iso;
}

const NONE: DateResult = { date: null, rule: null, corrected: false };
const UNPARSED: DateResult = { date: null, rule: "unparsed", corrected: false, flag: "signed_unparsed" };
const OUT_OF_RANGE: DateResult = {
  date: null,
  rule: "serial_out_of_range",
  corrected: false,
  flag: "signed_serial_out_of_range",
};

/** Fixes a year outside the plausible range whose first digit is a slip of the finger (5025). */
function fixYear(iso: string, rule: DateRule, corrected: boolean): DateResult {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return UNPARSED;
  const y = Number(iso.slice(0, 4));
  if (y >= MIN_YEAR && y <= MAX_YEAR) return { date: iso, rule, corrected };
  const fixed = Number(`2${iso.slice(1, 4)}`);
  if (iso.length === 10 && fixed >= 2002 && fixed <= MAX_YEAR) {
    return { date: `${fixed}${iso.slice(4)}`, rule: "year_first_digit", corrected: true };
  }
  return UNPARSED;
}

/** Total: any cell value gives a result, never an exception. */
export function parseSignedDate(v: unknown): DateResult {
  try {
    return parseDate(v);
  } catch {
    return UNPARSED;
  }
}

function parseDate(v: unknown): DateResult {
  if (v === null || v === undefined) return NONE;
  if (typeof v === "number") {
    if (Number.isNaN(v)) return UNPARSED;
    const iso = excelSerialToIso(v);
    return iso ? fixYear(iso, "excel_serial", false) : OUT_OF_RANGE;
  }
  if (typeof v !== "string") return UNPARSED;
  // Text longer than any date is not one (and not worth running the patterns over).
  if (v.length > 64) return UNPARSED;
  const s = v.replace(/[\s\u00a0]+/g, "");
  if (s === "" || /^(n\/?a|#n\/?a|tbd|pending|-+)$/i.test(s)) return NONE;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?$/.exec(s);
  if (m) {
    const iso = isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? fixYear(iso, "iso_text", false) : UNPARSED;
  }
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s);
  if (m) {
    const y = m[3]?.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    const iso = isoFromParts(y, Number(m[1]), Number(m[2]));
    return iso ? fixYear(iso, "us_text", false) : UNPARSED;
  }
  // `05/082025`, `7/72025`, `8/282025`: the second slash is missing. Day and year are
  // recoverable because the year is always the last four digits.
  m = /^(\d{1,2})\/(\d{1,2})(\d{4})$/.exec(s);
  if (m) {
    const iso = isoFromParts(Number(m[3]), Number(m[1]), Number(m[2]));
    if (iso) return fixYear(iso, "missing_slash", true);
  }
  return UNPARSED;
}

/** How far past its list's date a SIGNED date may be before it is taken as no date at all. */
export const SIGNED_AFTER_LIST_DAYS = 366;

/**
 * Rule `signed_after_list`: an agreement cannot be signed long after the list that shows it was
 * published (2099-01-01 on a 2025 list). The year of slack absorbs a list dated a year early by its
 * file name (`01052025pm` was January 2026).
 */
export function signedAfterList(signedOn: string, listDate: string): boolean {
  const s = Date.parse(signedOn);
  const l = Date.parse(listDate);
  return Number.isFinite(s) && Number.isFinite(l) && s - l > SIGNED_AFTER_LIST_DAYS * DAY_MS;
}
