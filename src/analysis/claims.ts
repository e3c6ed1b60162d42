// Claim checks: each reading of a claim is computed from the record and compared with the claim's
// figure. The core is pure (facts and context layers in, verdicts out) so every computation can be
// tested on hand-made fixtures; `checkClaimFile` wires it to the store and the context layers.
import type { z } from "zod";
import { daysBetween, monthEnd } from "../domain/date.js";
import type { Claim, ClaimFile, Compare, HistoryQuery, Query, Reading } from "./claim-file.js";
import { computedFrom, type Facts, listAsOf } from "./facts.js";
import { type Msg, type MsgKey, type MsgParam, msg } from "./messages.js";
import { type AgreementFact, activeOn } from "./population.js";

export type Verdict = "supported" | "close" | "contradicted" | "cannot_check";

export interface PolicyFact {
  state: string;
  kind: string;
  proposed: boolean;
  enacted: string | null;
  effective: string | null;
  citation: string;
  source_url: string;
  confidence: string;
  caveat: string | null;
}

export interface HistoricalCount {
  as_of: string;
  n: number;
  unit: string;
  basis: string;
  source: string;
}

/** Everything a claim can be checked against. Injected, so tests can pass fixtures. */
export interface ClaimContext {
  facts: Facts;
  politicsFor(state: string, year: number): { trifecta: string; governor: string; battleground: boolean } | undefined;
  /** Policies of a state in effect on a date (proposals never are). */
  policiesInEffect(state: string, date: string): PolicyFact[];
  /** Every policy row of a state, for the `enacted` basis. */
  policiesOf(state: string): PolicyFact[];
  historicalCounts: HistoricalCount[];
  /** The earliest signing year the historical layer records, with its source. */
  earliestHistorical: { year: number; source: string } | null;
  /**
   * Every signed date ICE printed for an agreement, each with the date of the list that first
   * printed it (the ledger's signed history), so a reading can tell what ICE printed on the claim's
   * date from a correction published later. Absent: no history, nothing is flagged.
   */
  signedHistory?: ReadonlyMap<string, readonly SignedPrint[]>;
}

export interface SignedPrint {
  date: string | null;
  /** The date of the list that first printed this signed date. */
  seen: string;
}

/** A signed date ICE corrected after the claim was made, on which a reading's figure depends. */
export interface LaterCorrection {
  agreement_id: string;
  /** What ICE printed on the claim's date… */
  printed: string | null;
  /** …and what it printed later, from this list on. */
  corrected: string | null;
  corrected_on: string;
}

export interface Evidence {
  /** Agreement ids, agency ids or state codes behind the number. */
  ids: string[];
  /** Short human lines: a policy with its citation and confidence, a published figure's source. */
  notes: string[];
  /** The list (or source) the figure is computed from. */
  computed_from: string;
}

export interface ReadingResult {
  name: string;
  /** The reading's name in Spanish, where the claim file gives one. */
  name_es: string | null;
  query: Query | null;
  compare: Compare | null;
  as_of: string | null;
  value: number | null;
  verdict: Verdict;
  reason: string;
  /** The reason as a message key, for other languages; null where it is composed of several. */
  reason_msg?: Msg | null;
  /** A `cannot_check` reason in Spanish, where the claim file gives one (other reasons have `reason_msg`). */
  reason_es?: string | null;
  evidence: Evidence | null;
  /**
   * Signed dates ICE corrected after the claim date that change this reading's figure: with the
   * dates ICE printed on the claim date, the figure would be `as_printed`. Empty: nothing later.
   */
  later_corrections: LaterCorrection[];
  as_printed: { value: number; verdict: Verdict; reason: string } | null;
}

export interface ClaimResult {
  id: string;
  text: string;
  made_on: string;
  verdict: Verdict;
  /** True when the readings give different verdicts: the verdict is then the least favourable. */
  readings_disagree: boolean;
  /** True when a reading's figure rests on a signed date ICE corrected only after the claim date. */
  depends_on_later_correction: boolean;
  summary: string;
  readings: ReadingResult[];
}

const RANK: Record<Exclude<Verdict, "cannot_check">, number> = { contradicted: 0, close: 1, supported: 2 };

/** `2026-02` → the month's last day: the record as it stood when the month's articles were written. */
export function claimDay(d: string): string {
  return d.length === 10 ? d : monthEnd(`${d}-01`);
}

export function compareValue(
  value: number,
  c: Compare,
  plain = false,
): { verdict: Verdict; reason: string; reason_msg: Msg } {
  const v = c.value ?? 0;
  const slack = Math.abs(v) * c.close;
  // Years print as 2002 (a string parameter, never grouped), counts as 1,351.
  const n = (x: number): MsgParam => (plain ? String(x) : x);
  const pct = (x: number): string => String(x * 100);
  const out = (verdict: Verdict, key: MsgKey, params: Record<string, MsgParam> = {}) => {
    const m = msg(key, { value: n(value), claimed: n(v), ...params });
    return { verdict, reason: m.text, reason_msg: m };
  };
  switch (c.op) {
    case "none":
      return value === 0 ? out("supported", "claims.none_found") : out("contradicted", "claims.says_none");
    case "at_least":
      if (value >= v) return out("supported", "claims.ge");
      return value >= v - slack
        ? out("close", "claims.below_within", { diff: n(v - value), pct: pct(c.close) })
        : out("contradicted", "claims.lt");
    case "at_most":
      if (value <= v) return out("supported", "claims.le");
      return value <= v + slack
        ? out("close", "claims.above_within", { diff: n(value - v), pct: pct(c.close) })
        : out("contradicted", "claims.gt");
    case "equals":
      if (value === v) return out("supported", "claims.eq");
      return Math.abs(value - v) <= slack
        ? out("close", "claims.off_by", { diff: n(Math.abs(value - v)) })
        : out("contradicted", "claims.not");
    case "about": {
      const off = Math.abs(value - v);
      if (off <= Math.abs(v) * c.tolerance) return out("supported", "claims.within", { pct: pct(c.tolerance) });
      return off <= slack
        ? out("close", "claims.within", { pct: pct(c.close) })
        : out("contradicted", "claims.more_than", { pct: pct(c.close) });
    }
  }
}

function latestDate(facts: Facts): string {
  return facts.lists.at(-1)?.date ?? "0000-00-00";
}

/** The signed date ICE printed for an agreement on `day`: the last one printed by then. */
function printedOn(history: readonly SignedPrint[] | undefined, day: string): SignedPrint | null {
  let best: SignedPrint | null = null;
  for (const h of history ?? []) if (h.seen <= day && (best === null || h.seen >= best.seen)) best = h;
  return best;
}

/**
 * The agreements as ICE printed them on `day`: each signed date as it stood then, where a later
 * list corrected it. Returns the changed agreements too, with the correction that changed them.
 */
function asPrinted(ctx: ClaimContext, day: string): { facts: Facts; corrections: Map<string, LaterCorrection> } | null {
  if (!ctx.signedHistory) return null;
  const corrections = new Map<string, LaterCorrection>();
  const agreements = ctx.facts.agreements.map((a) => {
    const history = ctx.signedHistory?.get(a.agreement_id);
    const then = printedOn(history, day);
    if (!then || then.date === a.signed_on) return a;
    // The first later list that printed something else: the correction a reader of the claim could not see.
    const later = (history ?? [])
      .filter((h) => h.seen > day && h.date !== then.date)
      .sort((x, y) => cmpStr(x.seen, y.seen));
    corrections.set(a.agreement_id, {
      agreement_id: a.agreement_id,
      printed: then.date,
      corrected: a.signed_on,
      corrected_on: later[0]?.seen ?? day,
    });
    return { ...a, signed_on: then.date };
  });
  if (!corrections.size) return null;
  return { facts: { ...ctx.facts, agreements }, corrections };
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Agreements matching a ledger query, as of its date. */
export function selectAgreements(
  q: Extract<Query, { count: "agreements" | "agencies" }>,
  asOf: string,
  ctx: ClaimContext,
): AgreementFact[] {
  const year = q.politics_year ?? Number(asOf.slice(0, 4));
  const inSet = <T>(list: T[] | undefined, v: T) => list === undefined || list.includes(v);
  return ctx.facts.agreements.filter((a) => {
    if (q.listed === "active" ? !activeOn(a.periods, asOf) : a.first_listed > asOf) return false;
    if (q.signed_from && (a.signed_on === null || a.signed_on < q.signed_from)) return false;
    if (q.signed_to && (a.signed_on === null || a.signed_on > q.signed_to)) return false;
    // An end after the as-of date had not happened yet when the claim was made.
    if (q.ended_from && (a.ended_on === null || a.ended_on < q.ended_from || a.ended_on > asOf)) return false;
    if (q.ended_to && (a.ended_on === null || a.ended_on > q.ended_to)) return false;
    if (q.first_listed_from && a.first_listed < q.first_listed_from) return false;
    if (q.first_listed_to && a.first_listed > q.first_listed_to) return false;
    if (!inSet(q.state, a.state) || q.exclude_state?.includes(a.state)) return false;
    if (!inSet(q.model, a.model as never)) return false;
    if (!inSet(q.type, a.agency_type as never) || q.exclude_type?.includes(a.agency_type as never)) return false;
    if (q.local && (a.statewide || a.agency_type === "state_agency")) return false;
    if (!inSet(q.status, a.status as never)) return false;
    if (q.trifecta || q.governor || q.battleground !== undefined) {
      const p = ctx.politicsFor(a.state, year);
      if (!p) return false;
      if (!inSet(q.trifecta, p.trifecta as never)) return false;
      if (!inSet(q.governor, p.governor as never)) return false;
      if (q.battleground !== undefined && p.battleground !== q.battleground) return false;
    }
    if (q.policy) {
      const kinds = ctx.policiesInEffect(a.state, asOf).map((p) => p.kind);
      const ok = q.policy.some((k) => (k === "none" ? kinds.length === 0 : kinds.includes(k)));
      if (!ok) return false;
    }
    return true;
  });
}

type Evaluated = Omit<
  ReadingResult,
  "name" | "name_es" | "query" | "compare" | "verdict" | "reason" | "later_corrections" | "as_printed"
> & {
  value: number | null;
  /** The same figure from the signed dates ICE printed on the claim date, where a later list corrected one. */
  printed?: { value: number; corrections: LaterCorrection[] };
};

function evaluate(r: Reading, madeOn: string, ctx: ClaimContext): Evaluated {
  const q = r.query as Query;
  const asOfOf = (d: string | undefined) => (d === "latest" ? latestDate(ctx.facts) : (d ?? madeOn));
  if (q.count === "agreements" || q.count === "agencies") {
    const asOf = asOfOf(q.as_of);
    const idsOf = (rows: AgreementFact[]) =>
      q.count === "agreements" ? rows.map((a) => a.agreement_id) : [...new Set(rows.map((a) => a.agency_id))].sort();
    const rows = selectAgreements(q, asOf, ctx);
    const ids = idsOf(rows);
    const notes: string[] = [];
    for (const want of q.must_include ?? []) {
      if (!ids.some((id) => id.includes(want))) notes.push(`expected ${want} among the results, and it is not`);
    }
    const out: Evaluated = {
      as_of: asOf,
      value: ids.length,
      evidence: { ids, notes, computed_from: computedFrom(ctx.facts, asOf) },
    };
    // What a reader saw on the claim date: the same query over the signed dates ICE printed then.
    const then = asPrinted(ctx, madeOn);
    if (then) {
      const printedRows = selectAgreements(q, asOf, { ...ctx, facts: then.facts });
      const now = new Set(rows.map((a) => a.agreement_id));
      const before = new Set(printedRows.map((a) => a.agreement_id));
      const moved = [...new Set([...now, ...before])]
        .filter((id) => now.has(id) !== before.has(id) && then.corrections.has(id))
        .sort();
      if (moved.length)
        out.printed = {
          value: idsOf(printedRows).length,
          corrections: moved.map((id) => then.corrections.get(id) as LaterCorrection),
        };
    }
    return out;
  }
  if (q.count === "states_with_policy") {
    const asOf = q.as_of ?? madeOn;
    const ids: string[] = [];
    const notes: string[] = [];
    for (const s of q.state) {
      const rows =
        q.basis === "effective"
          ? ctx.policiesInEffect(s, asOf)
          : ctx.policiesOf(s).filter((p) => !p.proposed && p.enacted !== null && p.enacted <= asOf);
      const hit = rows.filter((p) => (q.policy as string[]).includes(p.kind));
      if (hit.length) ids.push(s);
      const all = ctx.policiesOf(s);
      const shown = all.length
        ? all
            .map(
              (p) =>
                `${p.kind}${p.proposed ? " (proposed)" : ""}, enacted ${p.enacted ?? "?"}, effective ${p.effective ?? "?"}` +
                ` [${p.confidence}${p.caveat ? `: ${p.caveat}` : ""}] ${p.source_url}`,
            )
            .join("; ")
        : "no policy on record";
      notes.push(`${s}: ${hit.length ? "counts" : "does not count"}: ${shown}`);
    }
    return {
      as_of: asOf,
      value: ids.length,
      evidence: {
        ids,
        notes,
        computed_from: "state policy layer (data/context/layers, from reference/state_policies.csv)",
      },
    };
  }
  if (q.count === "earliest_signed_year") {
    if (q.source === "ledger") {
      let first: AgreementFact | null = null;
      for (const a of ctx.facts.agreements)
        if (a.signed_on && (first === null || a.signed_on < (first.signed_on as string))) first = a;
      return {
        as_of: latestDate(ctx.facts),
        value: first ? Number(first.signed_on?.slice(0, 4)) : null,
        evidence: {
          ids: first ? [first.agreement_id] : [],
          notes: [
            "the ledger starts with ICE's 2021-01-13 list: it holds only agreements still in force then, so its earliest signing date is not the program's first",
          ],
          computed_from: "every agreement in the ledger",
        },
      };
    }
    const h = ctx.earliestHistorical;
    return {
      as_of: null,
      value: h?.year ?? null,
      evidence: {
        ids: [],
        notes: h ? [h.source] : ["no earliest date in the historical layer"],
        computed_from: "historical layer",
      },
    };
  }
  // historical_agreements: the published figure nearest the date, within the window.
  const h = q as z.infer<typeof HistoryQuery>;
  const asOf = h.as_of ?? madeOn;
  if (h.source === "ledger") {
    const rows = ctx.facts.agreements.filter((a) => activeOn(a.periods, asOf));
    return {
      as_of: asOf,
      value: listAsOf(ctx.facts.lists, asOf) ? rows.length : null,
      evidence: {
        ids: rows.map((a) => a.agreement_id),
        notes: [],
        computed_from: computedFrom(ctx.facts, asOf),
      },
    };
  }
  const wanted = h.source_match?.toLowerCase();
  const near = ctx.historicalCounts
    .filter((h) => !wanted || `${h.source} ${h.unit}`.toLowerCase().includes(wanted))
    .map((h) => ({ h, off: Math.abs(daysBetween(asOf, h.as_of)) }))
    .filter((x) => x.off <= h.window_days)
    .sort((a, b) => a.off - b.off || a.h.as_of.localeCompare(b.h.as_of));
  if (!near.length) return { as_of: asOf, value: null, evidence: null };
  const best = (near[0] as (typeof near)[number]).h;
  return {
    as_of: best.as_of,
    value: best.n,
    evidence: {
      ids: [],
      notes: near.slice(0, 5).map((x) => `${x.h.as_of}: ${x.h.n} (${x.h.unit}; ${x.h.basis}) — ${x.h.source}`),
      computed_from: `published figure of ${best.as_of}: ${best.source}`,
    },
  };
}

/** "tx-x/tfm/2025-01-07 (signed 2025-01-07 on ICE's list then; 2026-01-07 from the list of 2026-05-01)". */
function describeCorrections(cs: LaterCorrection[]): string {
  return cs
    .map(
      (c) =>
        `${c.agreement_id} (signed ${c.printed ?? "blank"} on ICE's list then; ${c.corrected ?? "blank"} from the list of ${c.corrected_on})`,
    )
    .join(", ");
}

export function checkReading(r: Reading, madeOn: string, ctx: ClaimContext): ReadingResult {
  const base = { name: r.name, name_es: r.name_es ?? null, query: r.query ?? null, compare: r.compare ?? null };
  const none = { later_corrections: [], as_printed: null };
  if (r.cannot_check !== undefined) {
    return {
      ...base,
      ...none,
      as_of: null,
      value: null,
      verdict: "cannot_check",
      reason: r.cannot_check,
      reason_es: r.cannot_check_es ?? null,
      evidence: null,
    };
  }
  const { printed, ...e } = evaluate(r, madeOn, ctx);
  if (e.value === null) {
    return {
      ...base,
      ...e,
      ...none,
      verdict: "cannot_check",
      reason: "the record has no figure for this date or source",
      reason_msg: msg("claims.no_figure"),
    };
  }
  const plain = r.query?.count === "earliest_signed_year";
  let c: { verdict: Verdict; reason: string; reason_msg: Msg | null } = compareValue(
    e.value,
    r.compare as Compare,
    plain,
  );
  // A named agency that is missing makes the reading contradicted, whatever the count.
  if (e.evidence?.notes.some((n) => n.startsWith("expected ")) && c.verdict !== "contradicted") {
    c = { verdict: "contradicted", reason: `${c.reason}; ${e.evidence.notes.join("; ")}`, reason_msg: null };
  }
  if (!printed) return { ...base, ...e, ...c, ...none };
  // The figure rests on a correction the claim's author could not have seen: say so in the verdict.
  const p = compareValue(printed.value, r.compare as Compare, plain);
  return {
    ...base,
    ...e,
    verdict: c.verdict,
    reason_msg: null,
    reason:
      `${c.reason}; depends on a correction ICE published after the claim date (${madeOn}): ` +
      `${describeCorrections(printed.corrections)}. With the dates ICE printed on ${madeOn}: ${p.reason} → ${p.verdict}`,
    later_corrections: printed.corrections,
    as_printed: { value: printed.value, verdict: p.verdict, reason: p.reason },
  };
}

export function checkClaim(claim: Claim, file: ClaimFile, ctx: ClaimContext): ClaimResult {
  const madeOn = claimDay(claim.made_on ?? file.article.published);
  const readings = claim.readings.map((r) => checkReading(r, madeOn, ctx));
  const checkable = readings.filter((r) => r.verdict !== "cannot_check");
  let verdict: Verdict = "cannot_check";
  let disagree = false;
  if (checkable.length) {
    // A claim is only as good as its least favourable reasonable reading: never pick the one that agrees.
    const worst = checkable.reduce((a, b) =>
      RANK[b.verdict as keyof typeof RANK] < RANK[a.verdict as keyof typeof RANK] ? b : a,
    );
    verdict = worst.verdict;
    disagree = new Set(checkable.map((r) => r.verdict)).size > 1;
  }
  const summary =
    verdict === "cannot_check"
      ? `cannot be checked from this data: ${readings.map((r) => r.reason).join("; ")}`
      : readings.map((r) => `${r.name}: ${r.value ?? "n/a"} → ${r.verdict}`).join("; ");
  return {
    id: claim.id,
    text: claim.text,
    made_on: madeOn,
    verdict,
    readings_disagree: disagree,
    depends_on_later_correction: readings.some((r) => r.later_corrections.length > 0),
    summary,
    readings,
  };
}

export function checkClaims(file: ClaimFile, ctx: ClaimContext): ClaimResult[] {
  return file.claims.map((c) => checkClaim(c, file, ctx));
}
