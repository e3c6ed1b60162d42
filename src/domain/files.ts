// The shapes of the web app's data files (data/*.json): written by the server, read by the web app.
// Plain types only, so both sides of the contract type-check against one file.
import type { EventCategory } from "./events.js";
import type { MsgRef } from "./message.js";
import type { Model } from "./model.js";
import type { ApplicationFact, TimelinePoint } from "./statistics.js";

/** Every file names the latest list it was computed from, so a copied file keeps its date. */
export interface FileBase {
  latest_list: string;
}

/** One event, compact: what happened, to whom, and the list and row it was read from. */
export interface EventItem {
  seq: number;
  date: string;
  type: string;
  category: EventCategory;
  agency_id: string | null;
  agency: string | null;
  state: string | null;
  agreement_id: string | null;
  application_id: string | null;
  list: string | null;
  row: number | null;
  /** The event's own fields (from/to, tier, reason, url…), flat. */
  detail: Record<string, string | number | boolean | null>;
}

export interface Summary extends FileBase {
  first_list: string;
  latest_pending_list: string | null;
  lists: { files: number; observations: number; applied: number; quarantined: number };
  /**
   * Listed on the latest list. `states` counts the 50 states only; DC and the territories (USPS
   * codes) are given apart.
   */
  active: {
    agreements: number;
    agencies: number;
    states: number;
    dc: boolean;
    territories: string[];
    JEM: number;
    TFM: number;
    WSO: number;
  };
  ever: { agreements: number; agencies: number };
  status: { active: number; pending_removal: number; removed: number; superseded: number };
  applications: { pending: number; signed: number; dropped: number };
  /** The newest real changes (agreements in and out), newest first. */
  latest_changes: EventItem[];
}

/** [start, end): listed from the first list that shows it until the first that no longer does. */
export type PeriodPair = [string, string | null];

export interface AgreementItem {
  agreement_id: string;
  agency_id: string;
  state: string;
  agency: string;
  agency_type: string;
  jurisdiction: string | null;
  county: string | null;
  county_fips: string | null;
  statewide: boolean;
  model: string;
  signed_on: string | null;
  first_listed: string;
  last_listed: string;
  status: string;
  ended_on: string | null;
  moa_url: string | null;
  addendum_url: string | null;
  predecessor_id: string | null;
  successor_id: string | null;
  periods: PeriodPair[];
}

export interface AgreementsFile extends FileBase {
  rows: AgreementItem[];
}

export interface AgencyItem {
  agency_id: string;
  state: string;
  name: string;
  agency_type: string;
  jurisdiction: string | null;
  county: string | null;
  county_fips: string | null;
  county_name: string | null;
  statewide: boolean;
  first_seen: string;
  last_seen: string;
  agreements: number;
  active_agreements: number;
  name_variants: string[];
}

export interface AgenciesFile extends FileBase {
  rows: AgencyItem[];
}

/** The list row a fact was read from. */
export interface SourceRow {
  list: string;
  published_at: string;
  row: number;
  snapshot_id: string;
  tier: string;
  name_as_listed: string;
  signed_on: string | null;
}

export interface AgencyAgreement extends AgreementItem {
  signed_history: unknown[];
  gaps: unknown[];
  first_source: SourceRow | null;
  latest_source: SourceRow | null;
  listings: number;
}

export interface AgencyFile extends FileBase {
  agency: {
    agency_id: string;
    state: string;
    state_fips: string;
    name: string;
    jurisdiction: string | null;
    type: string;
    county: string | null;
    county_fips: string | null;
    county_name: string | null;
    statewide: boolean;
    ori: string | null;
    place_basis: string | null;
    first_seen: string;
    last_seen: string;
    names: { name: string; firstSeen: string; lastSeen: string }[];
  };
  /** MOA documents kept by `g287 moa` for this agency (empty until they have been fetched). */
  documents: MoaDocumentLink[];
  agreements: AgencyAgreement[];
  applications: Pick<
    ApplicationFact,
    "application_id" | "model" | "first_listed" | "last_listed" | "status" | "agreement_id" | "signed_on"
  >[];
  events: EventItem[];
}

/** A place's agreements: listed on the latest list, by model, per 100,000 residents, and ever. */
export interface PlaceCounts extends Record<Model, number> {
  population: number | null;
  /** Listed on the latest list. */
  active: number;
  per_100k: number | null;
  /** Ever listed since the first list. */
  ever: number;
}

export interface StateItem extends PlaceCounts {
  state: string;
  fips: string;
  name: string;
  /** A territory (Guam, Puerto Rico…), not one of the 50 states or DC. */
  territory: boolean;
  /** Counties (or county-equivalents) in the Census gazetteer: 0 = no county map. */
  counties: number;
  agencies_active: number;
  /** Policy kinds in effect on the latest list's date (ban, restrict, mandate…). */
  policies: string[];
  trifecta: string | null;
}

export interface StatesFile extends FileBase {
  rows: StateItem[];
  /** Reference layers that could not be loaded, named so the page can say so. */
  missing: string[];
}

export interface CountyItem extends PlaceCounts {
  county_fips: string;
  state: string;
  name: string;
  agencies: number;
}

/** Connecticut: our data uses the 9 planning regions (2022); the map files have the 8 old counties. */
export interface CtCrosswalkRow {
  county_fips: string;
  county: string;
  region_fips: string;
  region: string;
}

export interface CountiesFile extends FileBase {
  rows: CountyItem[];
  ct_crosswalk: CtCrosswalkRow[];
  /** Agreements listed on the latest list that have no county: statewide agencies, and unplaced ones. */
  statewide_active: number;
  unplaced_active: number;
  missing: string[];
}

/** A timeline point without the agreement ids (the web app's charts need the counts alone). */
export type TimelinePointItem = Omit<TimelinePoint, "entered" | "left" | "ids">;

export interface TimelineFile extends FileBase {
  first_list: string;
  /** The date of every applied participating list: the stops of the map's time slider. */
  lists: string[];
  monthly: TimelinePointItem[];
}

export interface PolicyItem {
  state: string;
  kind: string;
  proposed: boolean;
  /** In effect on the latest list's date. */
  in_effect: boolean;
  scope: string | null;
  instrument: string | null;
  citation: string | null;
  enacted: string | null;
  effective: string | null;
  until: string | null;
  summary: string | null;
  source_url: string | null;
  confidence: string | null;
  caveat: string | null;
}

export interface LitigationItem {
  state: string;
  title: string;
  kind: string | null;
  court: string | null;
  filed: string | null;
  last_date: string | null;
  status: string | null;
  status_kind: string | null;
  summary: string | null;
  source_url: string | null;
  confidence: string | null;
  caveat: string | null;
}

export interface PoliticsItem {
  year: number;
  governor: string | null;
  legislature: string | null;
  trifecta: string | null;
  battleground: boolean | null;
  source_url: string | null;
  confidence: string | null;
  caveat: string | null;
}

/** An agreement listed in a state while a ban there was in effect (`g287 conflicts`, the API). */
export interface BanConflict {
  state: string;
  agreement_id: string;
  agency_id: string;
  agency: string;
  model: string;
  signed_on: string | null;
  /** The ban: when it took effect, its citation, source and confidence. */
  ban_effective: string;
  ban_citation: string;
  ban_confidence: string;
  ban_caveat: string | null;
  ban_source_url: string;
  /** The first list that carried the agreement. */
  first_listed: string;
  /** The last list, up to the as-of date, that carried it. */
  last_listed: string;
  /** The first list without it after the ban took effect, or null while still listed on the as-of date. */
  listed_until: string | null;
  /**
   * Days listed under the ban: days from the ban's first day on which the list in force carried it
   * (to `as_of` when still listed). 0 = it had left the list by the day the ban took effect.
   */
  days: number;
  /** Signed on or after the day the ban took effect. */
  signed_after_ban: boolean;
  /**
   * Already listed on the first list the record has (2021-01-13): it may have been in force under
   * the ban before then, which the record cannot show.
   */
  before_record: boolean;
  status: string;
}

/** A state page lists its own conflicts: the state goes without saying. */
export type BanConflictItem = Omit<BanConflict, "state">;

export interface MandateItem {
  kind: string;
  effective: string | null;
  citation: string | null;
  source_url: string | null;
  confidence: string | null;
  caveat: string | null;
  counties: number;
  covered: number;
  uncovered: string[];
  summary: string;
  limits: string;
  limits_msg?: MsgRef;
}

export interface StateFile extends FileBase {
  state: StateItem;
  agreements: AgreementItem[];
  counties: CountyItem[];
  timeline: TimelinePointItem[];
  policies: PolicyItem[];
  litigation: LitigationItem[];
  politics: PoliticsItem[];
  conflicts: { bans: BanConflictItem[]; mandates: MandateItem[]; computed_from: string | null };
  missing: string[];
}

export interface ListChanges {
  date: string;
  file: string;
  kind: string;
  status: string;
  reason: string | null;
  /** `reason` as a message key (src/analysis/messages.ts). */
  reason_msg?: MsgRef | null;
  counts: Record<EventCategory, number>;
  events: EventItem[];
}

export interface ChangesFile extends FileBase {
  lists: ListChanges[];
  /** Applied lists that changed nothing. */
  quiet_lists: number;
}

export interface ClaimReadingItem {
  name: string;
  /** The name in Spanish, from the claim file (null where it gives none). */
  name_es: string | null;
  /** A reason the claim file wrote itself (cannot_check), in Spanish. */
  reason_es: string | null;
  /** `reason` as a message key (src/analysis/messages.ts); null where the reason is composed. */
  reason_msg?: MsgRef | null;
  value: number | null;
  /** The claim's comparison: at_least, at_most, about, equals or none, with its figure. */
  op: string | null;
  claimed: number | null;
  /** `year` figures print as 2002, counts as 1,351. */
  unit: "count" | "year";
  verdict: string;
  reason: string;
  as_of: string | null;
  computed_from: string | null;
  notes: string[];
  /** The first rows behind the figure (agreement, agency or state ids), and how many there are. */
  ids: string[];
  ids_total: number;
}

export interface ClaimItem {
  id: string;
  text: string;
  /** The claim file and the article it comes from. */
  file: string;
  source: string;
  source_url: string | null;
  made_on: string;
  verdict: string;
  readings_disagree: boolean;
  /** A reading's figure rests on a signed date ICE corrected only after the claim date. */
  depends_on_later_correction: boolean;
  summary: string;
  readings: ClaimReadingItem[];
}

export interface ClaimsFile extends FileBase {
  claims: ClaimItem[];
  files: string[];
  missing: string[];
}

export interface MethodologyFile extends FileBase {
  first_list: string;
  archive: { files: number; observations: number; applied: number; quarantined: number; not_applied: number };
  quarantined: { date: string; file: string; reason: string }[];
  kind_mismatches: { date: string; file: string; file_name_says: string; content_is: string }[];
  rules: Record<string, number>;
  identity_tiers: { tier: string; rows: number }[];
  corrections: { rule: string; field: string; cells: number; lists: number }[];
  placement: { basis: string; agencies: number }[];
  review_queue: number;
  layers: { name: string; rows: number | null; note: string | null }[];
  missing: string[];
}

/** One stored MOA document as an agency page lists it: what it is, who signed, and whether it agrees with the list. */
export interface MoaDocumentLink {
  sha256: string;
  kind: string;
  /** Where ICE's list linked it. */
  url: string | null;
  /** The stored copy, from the site root: served by the web app's data routes and the static site. */
  copy: string;
  pages: number;
  status: string;
  template: string | null;
  model: string | null;
  effective_on: string | null;
  ice_field_office: string | null;
  signatures: { party: string; name: string | null; title: string | null; date: string | null }[];
  agreements: string[];
  /** Per agreement: `ok`, `mismatch` or `unverified` on model and signed date, with the reasons. */
  checks: { agreement_id: string; model: string; date: string; reasons: string[] }[];
}
