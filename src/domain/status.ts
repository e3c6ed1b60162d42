// Where an agreement or application stands in the ledger, and against the list in force.

export const AGREEMENT_STATUSES = ["active", "pending_removal", "removed", "superseded"] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const APPLICATION_STATUSES = ["pending", "pending_removal", "signed", "dropped"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * Where an agreement stands against the list in force: `listed`, `unconfirmed` (missing from the
 * list, its removal not yet confirmed by the debounce), or `ended`.
 */
export const LISTING_STATES = ["listed", "unconfirmed", "ended"] as const;
export type ListingState = (typeof LISTING_STATES)[number];

/** The statuses of an agreement still on the roster: listed, or missing but not yet confirmed removed. */
export const ROSTER_STATUSES = ["active", "pending_removal"] as const;

export function onRoster(status: string): boolean {
  return (ROSTER_STATUSES as readonly string[]).includes(status);
}
