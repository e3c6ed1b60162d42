// State law and executive action on 287(g): bans, restrictions, mandates, encouragement,
// rescissions and proposals, with dates, citations and sources (data/context/layers/state_policies.csv).
import { z } from "zod";
import { readLayer } from "./layer-files.js";
import { POLICY_KINDS, type PolicyKind } from "./policy-label.js";
import { CONFIDENCES, type Sourced } from "./sourced.js";

export { POLICY_KINDS, type PolicyKind };

export interface StatePolicy extends Sourced {
  /** Data row in the source table, from 1. */
  row: number;
  state: string;
  kind: PolicyKind;
  /** A bill or proposal, or a passed bill never signed: never in effect. */
  proposed: boolean;
  /** Who it binds when narrower than everyone (`state agencies`), in the source's words. */
  scope: string | null;
  /** Other words from the label's parentheses (`codification, status unclear`). */
  label_note: string | null;
  instrument: string;
  citation: string;
  /** ISO at the precision known: `2025-02-27`, `2025-02` or `2022`. Null for proposals. */
  enacted: string | null;
  effective: string | null;
  effective_approx: boolean;
  /** First day it surely was in effect: the last day of a partial effective date. */
  in_effect_from: string | null;
  /** First day it no longer was (rescinded), when the table says so. */
  until: string | null;
  /** A compliance or termination deadline written in the row (`2026-12-01`, `2026-07`). */
  deadline: string | null;
  /** For a proposal: the date of the last action we know of. */
  last_action: string | null;
  summary: string;
  /** The table's own words, before parsing. */
  raw: { policy: string; enacted: string; effective: string };
}

const blank = (s: string) => (s === "" ? null : s);
const iso = z.string().regex(/^(\d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})?$/);
const bool = z.enum(["true", "false"]).transform((s) => s === "true");

const Row = z
  .object({
    row: z.coerce.number().int(),
    state: z.string().length(2),
    kind: z.enum(POLICY_KINDS),
    proposed: bool,
    scope: z.string(),
    label_note: z.string(),
    instrument: z.string(),
    citation: z.string(),
    enacted: iso,
    effective: iso,
    effective_approx: bool,
    in_effect_from: iso,
    until: iso,
    deadline: iso,
    last_action: iso,
    summary: z.string(),
    source: z.string(),
    source_url: z.string(),
    confidence: z.enum(CONFIDENCES),
    caveat: z.string(),
    raw_policy: z.string(),
    raw_enacted: z.string(),
    raw_effective: z.string(),
  })
  .transform(
    (r): StatePolicy => ({
      row: r.row,
      state: r.state,
      kind: r.kind,
      proposed: r.proposed,
      scope: blank(r.scope),
      label_note: blank(r.label_note),
      instrument: r.instrument,
      citation: r.citation,
      enacted: blank(r.enacted),
      effective: blank(r.effective),
      effective_approx: r.effective_approx,
      in_effect_from: blank(r.in_effect_from),
      until: blank(r.until),
      deadline: blank(r.deadline),
      last_action: blank(r.last_action),
      summary: r.summary,
      source: r.source,
      source_url: blank(r.source_url),
      confidence: r.confidence,
      caveat: blank(r.caveat),
      raw: { policy: r.raw_policy, enacted: r.raw_enacted, effective: r.raw_effective },
    }),
  );

/** Every row of the table, in its order. */
export function statePolicies(): StatePolicy[] {
  return readLayer("state_policies.csv", Row);
}

/**
 * Whether a policy was in effect on `date` (YYYY-MM-DD). Proposals never are. An enacted policy
 * is in effect from `in_effect_from` (its effective date; a date known only to the month or year
 * counts from the last day of that month or year) until the day it was rescinded, if it was. A
 * policy whose effective date is unknown is never counted as in effect: we do not guess
 * (Tennessee's 2026 sheriff mandate, for example).
 */
export function inEffect(p: StatePolicy, date: string): boolean {
  if (p.proposed || !p.in_effect_from) return false;
  return p.in_effect_from <= date && (!p.until || date < p.until);
}

/** The policies in effect in a state on a date. */
export function policiesInEffect(state: string, date: string): StatePolicy[] {
  const st = state.toUpperCase();
  return statePolicies().filter((p) => p.state === st && inEffect(p, date));
}
