// Ledger events as alertable changes: which event types are news, what kind of change each is,
// and a key for it that survives a full replay (which renumbers every event).
import type { EventTable } from "../store/schema.js";

export const CHANGE_KINDS = [
  "added",
  "removed",
  "renamed",
  "redated",
  "model_changed",
  "pending_added",
  "pending_signed",
  "pending_dropped",
  "suspicious_list",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Event types that become alerts. The rest (moa_posted, gap, superseded…) are bookkeeping. */
export const KIND_OF_EVENT: Readonly<Record<string, ChangeKind>> = {
  appeared: "added",
  reappeared: "added",
  removed: "removed",
  renamed: "renamed",
  redated: "redated",
  model_changed: "model_changed",
  pending_added: "pending_added",
  pending_signed: "pending_signed",
  pending_dropped: "pending_dropped",
  list_quarantined: "suspicious_list",
  // A state whose agreements all vanished at once: one notice, and no removals until it persists.
  state_held: "suspicious_list",
};
export const ALERT_EVENT_TYPES = Object.keys(KIND_OF_EVENT);

/** One event row with what an alert needs to say about it, as read from the store. */
export interface EventFacts extends Omit<EventTable, "seq" | "detail"> {
  detail: Record<string, unknown>;
  list: ListRef;
  agency: AgencyRef | null;
  agreement: { id: string; model: string; signed_on: string | null; status: string } | null;
  application: { id: string; model: string; status: string; first_listed: string } | null;
  /** Models of the agency's agreements and applications, for agency-level events (renamed). */
  agency_models: string[];
}

export interface ListRef {
  file_name: string;
  published_at: string;
  /** publication (ICE's own date) or capture (an archive's date for the file). */
  date_basis: string;
  kind: string;
  status: string;
  snapshot_id: string;
  obs_id: string;
}

export interface AgencyRef {
  id: string;
  name: string;
  state: string;
  county_fips: string | null;
  county_name: string | null;
  statewide: boolean;
}

/** What the outbox stores and every channel renders: frozen when enqueued. */
export interface Change {
  key: string;
  kind: ChangeKind;
  event: string;
  /** The date the change took effect (for a removal, the first list without the agreement). */
  date: string;
  agency: AgencyRef | null;
  agreement: EventFacts["agreement"];
  application: EventFacts["application"];
  /** Models the change concerns, for the model filter (empty for a suspicious list). */
  models: string[];
  detail: Record<string, unknown>;
  list: ListRef;
}

/**
 * The change key names the change, not the moment it was noticed, so a replay that renumbers
 * events, or a back-filled older list that moves an agreement's first sighting earlier, gives
 * the same key and no second alert. Examples:
 *   added|tx-harris-county-sheriffs-office/tfm/2025-03-04
 *   redated|tn-knox-county-sheriffs-office/jem/2017-06-15|2017-06-15>2020-06-08
 *   removed|ga-cobb-county-sheriffs-office/jem/2020-06-09|2021-01-16
 *   suspicious_list|2a49c89d7a7f4374…   (the file's sha256: one notice per file, however often seen)
 */
export function changeKey(
  e: Pick<
    EventFacts,
    "type" | "date" | "obs_id" | "snapshot_id" | "agency_id" | "agreement_id" | "application_id" | "detail"
  >,
): string {
  const d = e.detail;
  const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  switch (e.type) {
    case "appeared":
      return `added|${e.agreement_id}`;
    case "reappeared":
      return `reappeared|${e.agreement_id}|${e.date}`;
    case "removed":
      return `removed|${e.agreement_id}|${e.date}`;
    case "renamed":
      return `renamed|${e.agency_id}|${s(d.from)}>${s(d.to)}`;
    case "redated":
    case "model_changed":
      return `${e.type}|${e.agreement_id}|${s(d.from)}>${s(d.to)}`;
    case "pending_added":
    case "pending_signed":
    case "pending_dropped":
      return `${e.type}|${e.application_id}`;
    case "list_quarantined":
      return `suspicious_list|${e.snapshot_id}`;
    default:
      return `${e.type}|${e.agreement_id ?? e.application_id ?? e.agency_id ?? ""}|${e.date}|${e.obs_id}`;
  }
}

export function toChange(e: EventFacts): Change | null {
  const kind = KIND_OF_EVENT[e.type];
  if (!kind) return null;
  let models: string[];
  if (e.type === "list_quarantined") models = [];
  else if (e.type === "model_changed") models = [String(e.detail.from), String(e.detail.to)];
  else if (e.agreement) models = [e.agreement.model];
  else if (e.application) models = [e.application.model];
  else models = e.agency_models;
  // The evidence that matters to a reader; row numbers and the file name are in `list`.
  const { list: _list, ...detail } = e.detail;
  return {
    key: changeKey(e),
    kind,
    event: e.type,
    date: e.date,
    agency: e.agency,
    agreement: e.agreement,
    application: e.application,
    models: [...new Set(models)].sort(),
    detail,
    list: e.list,
  };
}
