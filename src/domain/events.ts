// The kinds of event the ledger records, and how the changes page groups them.

export const EVENT_TYPES = [
  "appeared",
  "removed",
  "reappeared",
  "gap",
  "superseded",
  "renamed",
  "redated",
  "relisted_state",
  "model_changed",
  "holder_changed",
  "moa_posted",
  "pending_added",
  "pending_signed",
  "pending_dropped",
  "list_quarantined",
  "list_accepted",
  "state_held",
  "state_released",
  "state_accepted",
  "list_kind_mismatch",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Event kinds, as the changes page groups them: real changes in the roster, pending-list moves,
 * relabels and typo or date fixes, MOA documents, and notes about whole lists. */
export type EventCategory = "change" | "pending" | "fix" | "moa" | "list";
