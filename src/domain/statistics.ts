// The statistics' public shapes (coverage, the funnel, the timeline), as the CLI's --json, the API
// and the web pages read them. The analysis modules compute them.

export interface CoverageRow {
  /** A state (by state) or a model (by model). */
  key: string;
  population: number | null;
  covered: number | null;
  share: number | null;
  /** A statewide agreement covers the state. */
  statewide: boolean;
  /** Counties with a county-wide agreement, statewide or not. */
  counties_covered: number;
  /** The residents of those counties alone: what the state's population would be without statewide agencies. */
  covered_without_statewide: number | null;
  /** Local agencies in counties no county-wide or statewide agreement covers: population of those counties. */
  local_only_counties: number;
  upper_bound_with_local: number | null;
  agreements: { state: number; county: number; local: number; unplaced: number };
  /** Agreements behind `covered`, and the local and unplaced ones reported apart. */
  ids: string[];
  local_ids: string[];
  unplaced_ids: string[];
  /** Counties covered whose population is unknown (counted as 0). */
  unknown_population: string[];
}

export interface CoverageResult {
  by: "state" | "model";
  as_of: string;
  basis: string;
  rows: CoverageRow[];
  national: CoverageRow;
  /** by model: each model's coverage per state. */
  states_by_model?: Record<string, CoverageRow[]>;
  notes: string[];
}

export type ApplicationFact = {
  application_id: string;
  agency_id: string;
  agency: string;
  state: string;
  model: string;
  first_listed: string;
  last_listed: string;
  /** pending | pending_removal | signed | dropped */
  status: string;
  agreement_id: string | null;
  signed_on: string | null;
  ended_on: string | null;
};

export interface Quartiles {
  n: number;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  /** Values below zero: signed (per ICE) before the agency first appeared on a pending list. */
  negative: number;
}

export interface Stage {
  count: number;
  ids: string[];
}

export interface FunnelResult {
  state: string | null;
  model: string | null;
  pending_lists: { first: string | null; latest: string | null };
  applications: {
    ever_pending: Stage;
    signed: Stage;
    dropped: Stage;
    /** On the latest pending list, or missing from it but not yet confirmed dropped. */
    still_pending: Stage & { missing_from_latest: number };
  };
  time_to_sign_days: {
    /** From the first pending list showing the application to the signed date on the participating list. */
    to_signed_date: Quartiles;
    /** From the first pending list to the first participating list showing the agreement. */
    to_first_listing: Quartiles;
  };
  /** The agreements that signed applications became, by their status now. */
  signed_agreements: {
    total: Stage;
    active: Stage;
    removed: Stage;
    superseded: Stage;
    pending_removal: Stage;
  };
  /** Agreements first listed after the pending lists began that never appeared on one. */
  signed_without_pending_listing: Stage;
  /** Applications already on the first pending list: they may have been pending for longer. */
  on_first_pending_list: number;
  never_signed: ApplicationFact[];
  notes: string[];
}

export interface TimelinePoint {
  /** The day the value is taken on: the day itself, or the month's last day (or `to`). */
  date: string;
  /** by month: YYYY-MM. */
  month?: string;
  agreements: number;
  agencies: number;
  JEM: number;
  TFM: number;
  WSO: number;
  /** Agreements listed on this point's date and not on the previous point's (all of them at the first point). */
  entered: string[];
  left: string[];
  ids?: string[];
}

export interface TimelineResult {
  by: "day" | "month";
  from: string;
  to: string;
  state: string | null;
  model: string | null;
  record: { first_list: string; latest_list: string };
  points: TimelinePoint[];
  notes: string[];
}
