// The removal debounce, one rule for agreements and pending applications alike: an item missing
// from a list is only pending removal; its removal is confirmed once it has been missing from N
// consecutive applied lists spanning at least D days, and dated from the first list without it.
import { daysBetween } from "../domain/date.js";
import type { LedgerConfig } from "./types.js";

/** The debounce fields an agreement and an application share. */
export interface Debounced {
  status: string;
  missingSince: string | null;
  missingLists: number;
}

/** Where a missing stretch starts when it is older than this list (an accepted quarantine). */
export interface MissingFrom {
  date: string;
  lists: number;
}

/**
 * Counts one more applied list (of `date`) without the item. Returns the date it went missing
 * when this starts the stretch, else null.
 */
export function countMissing(item: Debounced, date: string, from?: MissingFrom): string | null {
  if (item.status === "pending_removal") {
    item.missingLists++;
    return null;
  }
  item.status = "pending_removal";
  item.missingSince = from?.date ?? date;
  item.missingLists = from?.lists ?? 1;
  return item.missingSince;
}

/** Whether the item's missing stretch, seen from a list of `date`, confirms its removal. */
export function removalDue(
  item: Debounced,
  date: string,
  cfg: LedgerConfig,
): item is Debounced & { missingSince: string } {
  return (
    item.missingSince !== null &&
    persisted(item.missingSince, item.missingLists, date, cfg.removalLists, cfg.removalDays)
  );
}

/** Ends a missing stretch (the item is back, or its fate is decided). */
export function clearMissing(item: Debounced): void {
  item.missingSince = null;
  item.missingLists = 0;
}

/** Whether a condition seen on `count` consecutive lists since `since` has lasted long enough. */
export function persisted(since: string, count: number, date: string, lists: number, days: number): boolean {
  return count >= lists && daysBetween(since, date) >= days;
}
