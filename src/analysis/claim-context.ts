// Wires claim checks and conflict reports to the store and the context layers: the facts from
// the ledger, state politics and policy, the published pre-2021 counts, and the county list.
import { countiesOf } from "../context/geography.js";
import { HISTORY_FACTS, historicalCounts, sheriffFlagTotals } from "../context/history.js";
import { policiesInEffect, type StatePolicy, statePolicies } from "../context/policies.js";
import { politicsFor } from "../context/politics.js";
import { formatCaveat } from "../context/sourced.js";
import type { Db } from "../store/db.js";
import type { ClaimContext, HistoricalCount, PolicyFact, SignedPrint } from "./claims.js";
import type { CountyRef } from "./conflicts.js";
import { loadFacts } from "./facts.js";

/** A policy row as claims and conflicts see it: `effective` is the first day it surely applied. */
export function policyFact(p: StatePolicy): PolicyFact {
  return {
    state: p.state,
    kind: p.kind,
    proposed: p.proposed,
    enacted: p.enacted,
    effective: p.in_effect_from,
    citation: p.citation,
    source_url: p.source_url ?? "",
    confidence: p.confidence,
    caveat: formatCaveat(p) || null,
  };
}

/** Published counts, plus the WaPo sheriff flags as yearly figures (a different unit, named so). */
export function publishedCounts(): HistoricalCount[] {
  const out: HistoricalCount[] = historicalCounts().map((h) => ({
    as_of: h.as_of,
    n: h.count,
    unit: h.unit,
    basis: h.basis,
    source: `${h.publication}${h.caveat ? ` (${h.caveat})` : ""}`,
  }));
  for (const [year, n] of [...sheriffFlagTotals()].sort((a, b) => a[0] - b[0])) {
    out.push({
      as_of: `${year}-12-31`,
      n,
      unit: "sheriff's offices with an agreement at some time in the year",
      basis: "yearly flags",
      source: "WaPo sheriffs 2005–2019 (CC BY-NC-SA 4.0)",
    });
  }
  return out.sort((a, b) => a.as_of.localeCompare(b.as_of) || a.source.localeCompare(b.source));
}

export interface ConflictContext extends ClaimContext {
  countiesOf(state: string): CountyRef[];
}

/** Each agreement's signed dates as ICE printed them, list by list (the ledger's signed history). */
async function loadSignedHistory(db: Db): Promise<Map<string, SignedPrint[]>> {
  const rows = await db.selectFrom("agreement").select(["agreement_id", "signed_history"]).execute();
  const out = new Map<string, SignedPrint[]>();
  for (const r of rows) {
    const h = JSON.parse(r.signed_history) as { date: string | null; seen: string }[];
    if (h.length > 1)
      out.set(
        r.agreement_id,
        h.map((x) => ({ date: x.date, seen: x.seen })),
      );
  }
  return out;
}

export async function loadClaimContext(db: Db): Promise<ConflictContext> {
  const facts = await loadFacts(db);
  const signedHistory = await loadSignedHistory(db);
  const all = statePolicies();
  const first = HISTORY_FACTS.find((f) => /first 287\(g\) agreement/.test(f.fact));
  return {
    facts,
    politicsFor(state, year) {
      const p = politicsFor(state, year);
      return p ? { trifecta: p.trifecta, governor: p.governor_party, battleground: p.battleground2024 } : undefined;
    },
    policiesInEffect: (state, date) => policiesInEffect(state, date).map(policyFact),
    policiesOf: (state) => all.filter((p) => p.state === state).map(policyFact),
    historicalCounts: publishedCounts(),
    earliestHistorical: first
      ? { year: Number(first.date.slice(0, 4)), source: `${first.fact} (${first.source})` }
      : null,
    countiesOf: (state) => countiesOf(state).map((c) => ({ geoid: c.geoid, name: c.name })),
    signedHistory,
  };
}
