// The runs of columns that a derived layer table (data/context/layers/) and the API's list of it
// share, in their common order; each side adds its own columns around them.
import { SOURCE_COLUMNS } from "./sourced.js";

/** What a policy is. */
export const POLICY_INSTRUMENT_COLUMNS = ["instrument", "citation", "enacted", "effective"] as const;

/** From the day a policy counts to its last action, its summary and its source. */
export const POLICY_SPAN_COLUMNS = [
  "in_effect_from",
  "until",
  "deadline",
  "last_action",
  "summary",
  ...SOURCE_COLUMNS,
] as const;

/** Who sued whom, where and when. */
export const LITIGATION_CASE_COLUMNS = [
  "case",
  "type",
  "court_or_issuer",
  "case_number",
  "plaintiffs_or_requester",
  "defendants",
  "filed",
] as const;
