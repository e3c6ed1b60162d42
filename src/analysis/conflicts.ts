// State law against the record: agreements listed in a state while a ban there was in effect, and
// how far each mandate state's counties hold an agreement. Pure over the facts and the policy
// and county layers; `g287 conflicts` and the API load them.

import { addDays, daysBetween } from "../domain/date.js";
import type { BanConflict } from "../domain/files.js";
import type { PolicyFact } from "./claims.js";
import type { Facts } from "./facts.js";
import { type Msg, type MsgKey, msg } from "./messages.js";
import { type AgreementFact, activeOn } from "./population.js";

export type { BanConflict };

export interface MandateCounty {
  county_fips: string;
  county: string;
  /** Agreements of county-level agencies placed in this county, listed on the as-of date. */
  agreements: string[];
}

export interface MandateCompliance {
  state: string;
  kind: string;
  citation: string;
  effective: string | null;
  confidence: string;
  caveat: string | null;
  source_url: string;
  summary: string;
  /** `summary` and `limits` as message keys, for other languages. */
  summary_msg: Msg;
  limits_msg: Msg;
  as_of: string;
  counties: number;
  with_agreement: number;
  without_agreement: MandateCounty[];
  covered: MandateCounty[];
  /** What the data cannot say about who the mandate binds. */
  limits: string;
}

export interface CountyRef {
  geoid: string;
  name: string;
}

/** The later of two ISO dates (string order is date order). */
const laterDate = (a: string, b: string): string => (a.localeCompare(b) >= 0 ? a : b);

/**
 * The last list on or before `asOf` that carried the agreement: the date a reader finds it on when
 * opening ICE's files, not the first list without it.
 */
function lastListedBy(facts: Facts, a: AgreementFact, asOf: string): string {
  for (let i = facts.lists.length - 1; i >= 0; i--) {
    const d = (facts.lists[i] as { date: string }).date;
    if (d <= asOf && activeOn(a.periods, d)) return d;
  }
  return a.last_listed <= asOf ? a.last_listed : a.first_listed;
}

/**
 * An agreement conflicts with a ban when one of its listed periods reaches the day the ban took
 * effect. A period that ends on that very day is kept with 0 days: ICE delisted it as the law
 * began (Frederick County, Maryland: last listed 2026-02-13, gone from the 2026-02-17 list, the
 * day the ban took effect), which is worth showing beside the others.
 */
export function banConflicts(facts: Facts, policiesOf: (state: string) => PolicyFact[], asOf: string): BanConflict[] {
  const out: BanConflict[] = [];
  const firstList = facts.lists[0]?.date ?? "";
  const states = [...new Set(facts.agreements.map((a) => a.state))].sort();
  for (const state of states) {
    const bans = policiesOf(state).filter((p) => p.kind === "ban" && !p.proposed && p.effective && p.effective <= asOf);
    if (!bans.length) continue;
    // The earliest ban in force governs; later instruments restate it.
    const ban = bans.reduce((a, b) => ((b.effective as string) < (a.effective as string) ? b : a));
    const eff = ban.effective as string;
    for (const a of facts.agreements) {
      if (a.state !== state) continue;
      // The record as it stood on the as-of day: later listings and endings had not happened yet.
      const seen = a.periods
        .filter((p) => p.start <= asOf)
        .map((p) => ({ start: p.start, end: p.end !== null && p.end <= asOf ? p.end : null }));
      const hit = seen.filter((p) => p.end === null || p.end >= eff);
      if (!hit.length) continue;
      const last = hit.at(-1) as { start: string; end: string | null };
      let days = 0;
      for (const p of hit) {
        // A period still open counts through the as-of day itself.
        days += Math.max(0, daysBetween(laterDate(p.start, eff), p.end ?? addDays(asOf, 1)));
      }
      out.push({
        state,
        agreement_id: a.agreement_id,
        agency_id: a.agency_id,
        agency: a.agency,
        model: a.model,
        signed_on: a.signed_on,
        ban_effective: eff,
        ban_citation: ban.citation,
        ban_confidence: ban.confidence,
        ban_caveat: ban.caveat,
        ban_source_url: ban.source_url,
        first_listed: a.first_listed,
        last_listed: lastListedBy(facts, a, asOf),
        listed_until: last.end,
        days,
        signed_after_ban: a.signed_on !== null && a.signed_on >= eff,
        before_record: a.first_listed === firstList && firstList > eff,
        status: a.status,
      });
    }
  }
  return out.sort((x, y) => x.state.localeCompare(y.state) || x.agreement_id.localeCompare(y.agreement_id));
}

/** County-level agencies that can satisfy a county mandate: the sheriff, or the county's jail. */
const COUNTY_AGENCY_TYPES = new Set(["sheriff", "corrections", "jail_authority"]);

/** What the data cannot say about who a state's mandate binds (texts in messages.ts). */
const MANDATE_LIMITS: Record<string, MsgKey> = { TX: "mandate.limits.TX", FL: "mandate.limits.FL" };

export function mandateCompliance(
  facts: Facts,
  policiesOf: (state: string) => PolicyFact[],
  countiesOf: (state: string) => CountyRef[],
  asOf: string,
): MandateCompliance[] {
  const out: MandateCompliance[] = [];
  const states = [...new Set([...facts.agreements.map((a) => a.state)])].sort();
  for (const state of states) {
    const mandates = policiesOf(state).filter(
      (p) => p.kind === "mandate" && !p.proposed && p.effective !== null && p.effective <= asOf,
    );
    const m = mandates[0];
    if (!m) continue;
    const counties = countiesOf(state);
    const byCounty = new Map<string, AgreementFact[]>();
    for (const a of facts.agreements) {
      if (a.state !== state || !a.county_fips || a.statewide || !COUNTY_AGENCY_TYPES.has(a.agency_type)) continue;
      if (!activeOn(a.periods, asOf)) continue;
      const list = byCounty.get(a.county_fips) ?? [];
      list.push(a);
      byCounty.set(a.county_fips, list);
    }
    const rows = counties.map((c) => ({
      county_fips: c.geoid,
      county: c.name,
      agreements: (byCounty.get(c.geoid) ?? []).map((a) => a.agreement_id).sort(),
    }));
    const covered = rows.filter((r) => r.agreements.length);
    const summaryMsg = msg("mandate.summary", { covered: covered.length, counties: counties.length, date: asOf });
    const limitsMsg = msg(MANDATE_LIMITS[state] ?? "mandate.limits.default");
    out.push({
      state,
      kind: m.kind,
      citation: m.citation,
      effective: m.effective,
      confidence: m.confidence,
      caveat: m.caveat,
      source_url: m.source_url,
      summary: summaryMsg.text,
      summary_msg: summaryMsg,
      as_of: asOf,
      counties: counties.length,
      with_agreement: covered.length,
      without_agreement: rows.filter((r) => !r.agreements.length),
      covered,
      limits: limitsMsg.text,
      limits_msg: limitsMsg,
    });
  }
  return out;
}
