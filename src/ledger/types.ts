// The ledger's data model: what the replay of every published list produces. Plain types; the
// store mirrors them in tables and the interfaces read them back.
import type { AgencyType, Jurisdiction } from "../domain/agency-type.js";
import { EVENT_TYPES, type EventType } from "../domain/events.js";
import type { Model } from "../domain/model.js";
import type { AgreementStatus, ApplicationStatus } from "../domain/status.js";
import type { NormalizedRow } from "../normalize/row.js";
import type { ListKind } from "../sheets/types.js";

/** One dated observation of one list, ready to replay. Several can share a snapshot (same bytes). */
export interface ListObservation {
  /** Stable id: `2025-03-17|am|<sha256 prefix>`. */
  obsId: string;
  /** Content id of the file (sha256 of its bytes). */
  snapshotId: string;
  kind: ListKind;
  /** Publication (or observation) date, ISO. */
  date: string;
  /** Full sort key: date, time of day, then a tie-break. See sources/order.ts. */
  order: string;
  /** ICE's file name (or our archive name), for messages and evidence. */
  label: string;
  /** The kind the file name claims, when known; a mismatch is flagged (2025-09-22 pm swap). */
  filenameKind: ListKind | null;
  rows: NormalizedRow[];
}

/** A row the ledger can resolve: it has no problems, so its state and model are known. */
export type UsableRow = NormalizedRow & { state: string; model: Model };

export function isUsable(r: NormalizedRow): r is UsableRow {
  return r.problems.length === 0 && r.state !== null && r.model !== null;
}

export type { AgreementStatus, ApplicationStatus };

export type Tier =
  | "alias"
  | "exact"
  | "typo"
  | "relabel"
  | "holder_change"
  | "new"
  | "duplicate"
  | "unresolved"
  | "quarantined";

export interface NameVariant {
  name: string;
  firstSeen: string;
  /** Null while the spelling is on the agency's latest list: it was last seen on `Agency.lastSeen`. */
  lastSeen: string | null;
}

export interface Agency {
  agencyId: string;
  state: string;
  stateFips: string;
  /** Display name: the most recent spelling; ties broken alphabetically. */
  name: string;
  names: NameVariant[];
  /** Canonical keys that resolve to this agency (one per spelling family). */
  keys: string[];
  jurisdiction: Jurisdiction | null;
  type: AgencyType;
  county: string | null;
  firstSeen: string;
  lastSeen: string;
}

export interface SignedChange {
  date: string | null;
  /** Observation date of the list where this date was first read. */
  seen: string;
  obsId: string;
}

export interface Agreement {
  agreementId: string;
  agencyId: string;
  model: Model;
  signedOn: string | null;
  /** Every signed date ICE has given this agreement, oldest first. */
  signedHistory: SignedChange[];
  firstListed: string;
  lastListed: string;
  status: AgreementStatus;
  /** First list that no longer had it (confirmed removal) or the successor's first list. */
  endedOn: string | null;
  moaUrl: string | null;
  addendumUrl: string | null;
  predecessorId: string | null;
  successorId: string | null;
  /** Listed intervals [start, end) by observation date; end null while open. */
  periods: { start: string; end: string | null }[];
  /** Stretches where it was missing from some lists but came back before removal was confirmed. */
  gaps: { from: string; to: string; lists: number }[];
  /** Debounce state: first list it was missing from, and how many applied lists since. */
  missingSince: string | null;
  missingLists: number;
}

export interface Application {
  applicationId: string;
  agencyId: string;
  model: Model;
  firstListed: string;
  lastListed: string;
  status: ApplicationStatus;
  missingSince: string | null;
  missingLists: number;
  agreementId: string | null;
  signedOn: string | null;
  endedOn: string | null;
}

/** Every kind of ledger event; the CLI, the API and the feeds validate `type` against this. */
export { EVENT_TYPES, type EventType };

export interface LedgerEvent {
  seq: number;
  type: EventType;
  /** The date the change took effect (for `removed`: the first list without the agreement). */
  date: string;
  /** The observation that established the event (for `removed`: the one that confirmed it). */
  obsId: string;
  snapshotId: string;
  agencyId: string | null;
  agreementId: string | null;
  applicationId: string | null;
  /** Evidence: the row, the values before and after, the tier or rule that decided. */
  detail: Record<string, unknown>;
}

export interface Listing {
  snapshotId: string;
  obsId: string;
  row: number;
  agreementId: string | null;
  applicationId: string | null;
  agencyId: string | null;
  tier: Tier;
  /** Extra words on how the tier decided (distance, the relabel partner…). */
  note: string | null;
}

export interface ReviewItem {
  obsId: string;
  snapshotId: string;
  date: string;
  row: number | null;
  reason: "near_miss" | "ambiguous_relabel" | "unresolved_row" | "ambiguous_typo" | "refused_typo";
  detail: Record<string, unknown>;
}

export type ObservationStatus = "applied" | "quarantined";

export interface ObservationOutcome {
  obsId: string;
  snapshotId: string;
  kind: ListKind;
  date: string;
  status: ObservationStatus;
  reason: string | null;
  /** Listings are produced once per snapshot, at its first application. */
  listings: Listing[];
  events: LedgerEvent[];
  reviews: ReviewItem[];
}

/**
 * States whose agreements (nearly) all vanished at once: their missing agreements are held as
 * unconfirmed, never removed, until the exit persists (`acceptAfterLists`, `acceptAfterDays`).
 */
export interface StateHold {
  state: string;
  /** The first list without them, its agreements before, and the lists seen since. */
  since: string;
  before: number;
  count: number;
}

/** Consecutive quarantines with the same cause: a cause that persists is accepted as real. */
export interface QuarantineStreak {
  since: string;
  count: number;
  cause: string;
  /** `state|agency key|model` of every row those lists did carry. */
  seen: string[];
}

/** What the ledger keeps of the last list of one kind it applied. */
export interface StreamState {
  snapshotId: string | null;
  quarantine?: QuarantineStreak | null;
  rowCount: number;
  byState: [string, number][];
  /** Agreements (or applications) on the current list, for the fast path of a repeat observation. */
  present: string[];
  holds?: StateHold[];
}

export interface LedgerConfig {
  /** A participating list with fewer rows than this share of the last applied list is quarantined. */
  minRowShare: number;
  /** A state with at least this many agreements that vanishes quarantines the list… */
  stateVanishMin: number;
  /** …where vanishing means keeping no more than this share of its rows. */
  stateKeepShare: number;
  /** A quarantine cause that persists over this many consecutive lists… */
  acceptAfterLists: number;
  /** …spanning at least this many days is accepted as real. */
  acceptAfterDays: number;
  /** Removal is confirmed after this many consecutive applied lists without the agreement… */
  removalLists: number;
  /** …spanning at least this many days. */
  removalDays: number;
  /** Typo tier: edit distance allowed between agency keys (absolute, and as a share of length). */
  typoMaxDistance: number;
  typoMaxShare: number;
  /** Names closer than this share (but beyond the typo limits) go to the review queue. */
  nearMissShare: number;
}

export const DEFAULT_CONFIG: LedgerConfig = {
  minRowShare: 0.7,
  stateVanishMin: 5,
  stateKeepShare: 0.1,
  acceptAfterLists: 4,
  acceptAfterDays: 7,
  removalLists: 3,
  removalDays: 5,
  typoMaxDistance: 3,
  typoMaxShare: 0.12,
  nearMissShare: 0.3,
};
