// Small pure helpers the pages share: listed-on-a-date, counting by key, sorting.
import { type AgreementItem, MODELS, modelCounts, type PeriodPair } from "@domain";

/** Listed on day d: a period with start <= d < end (end null = still listed). */
export function activeOn(periods: PeriodPair[], d: string): boolean {
  for (const [s, e] of periods) if (s <= d && (e === null || e > d)) return true;
  return false;
}

export interface Counts {
  n: number;
  JEM: number;
  TFM: number;
  WSO: number;
}

export const emptyCounts = (): Counts => ({ n: 0, ...modelCounts() });

export function add(c: Counts, a: AgreementItem): void {
  c.n++;
  if (a.model === "JEM" || a.model === "TFM" || a.model === "WSO") c[a.model]++;
}

/** The model with the most agreements, "tie" when two share the top, null when none. */
export function dominant(c: Counts | undefined): string | null {
  if (!c?.n) return null;
  const top = Math.max(c.JEM, c.TFM, c.WSO);
  const winners = MODELS.filter((m) => c[m] === top);
  return winners.length === 1 ? (winners[0] as string) : "tie";
}

/** The last date in a sorted list on or before d (the list in force on that day). */
export function snapDate(dates: string[], d: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  if (!dates.length) return -1;
  if (d < (dates[0] as string)) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((dates[mid] as string) <= d) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Binary compare: the same order on every machine, whatever the locale. */
export function cmp(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined || a === "") return 1;
  if (b === null || b === undefined || b === "") return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export const per100k = (n: number, pop: number | null | undefined): number | null => (pop ? (n / pop) * 100_000 : null);
