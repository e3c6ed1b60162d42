// data/state/<ST>.json and .csv: a state page's agreements, counties and timeline, its law,
// litigation and politics, and where its agreements conflict with its law.
import { loadClaimContext } from "../../analysis/claim-context.js";
import { banConflicts, mandateCompliance } from "../../analysis/conflicts.js";
import { computedFrom } from "../../analysis/facts.js";
import { computeTimeline } from "../../analysis/timeline.js";
import { litigation } from "../../context/litigation.js";
import { inEffect, statePolicies } from "../../context/policies.js";
import { allPolitics } from "../../context/politics.js";
import type { BanConflictItem, MandateItem, PolicyItem, StateFile } from "../../domain/files.js";
import type { Db } from "../../store/db.js";
import { dataFile, STATE_CODE } from "../data-file.js";
import { agreementTable, type Base, baseOf, itemOf, stripPoint } from "./base.js";
import { countyItems, stateItems } from "./map.js";

/** Conflicts of a state's agreements with its law, computed for every state once per version. */
interface Conflicts {
  bans: Map<string, BanConflictItem[]>;
  mandates: Map<string, MandateItem[]>;
  computedFrom: string;
}

async function loadConflicts(db: Db, b: Base): Promise<Conflicts> {
  const ctx = await loadClaimContext(db);
  const bans = new Map<string, BanConflictItem[]>();
  for (const c of banConflicts(ctx.facts, ctx.policiesOf, b.latest)) {
    const { state, ...rest } = c;
    const l = bans.get(state) ?? [];
    l.push(rest);
    bans.set(state, l);
  }
  const mandates = new Map<string, MandateItem[]>();
  for (const m of mandateCompliance(ctx.facts, ctx.policiesOf, ctx.countiesOf, b.latest)) {
    const l = mandates.get(m.state) ?? [];
    l.push({
      kind: m.kind,
      effective: m.effective,
      citation: m.citation,
      source_url: m.source_url || null,
      confidence: m.confidence,
      caveat: m.caveat,
      counties: m.counties,
      covered: m.with_agreement,
      uncovered: m.without_agreement.map((c) => c.county),
      summary: m.summary,
      limits: m.limits,
      limits_msg: m.limits_msg,
    });
    mandates.set(m.state, l);
  }
  return { bans, mandates, computedFrom: computedFrom(ctx.facts, b.latest) };
}

function statePage(b: Base, conflicts: Conflicts, state: string): StateFile | null {
  const item = stateItems(b).find((s) => s.state === state);
  if (!item) return null;
  const t = computeTimeline(b.facts, { by: "month", state }, { first_list: b.first, latest_list: b.latest });
  const policies: PolicyItem[] = statePolicies()
    .filter((p) => p.state === state)
    .map((p) => ({
      state: p.state,
      kind: p.kind,
      proposed: p.proposed,
      in_effect: inEffect(p, b.latest),
      scope: p.scope,
      instrument: p.instrument || null,
      citation: p.citation || null,
      enacted: p.enacted,
      effective: p.effective,
      until: p.until,
      summary: p.summary || null,
      source_url: p.source_url,
      confidence: p.confidence,
      caveat: p.caveat,
    }));
  return {
    latest_list: b.latest,
    state: item,
    agreements: b.facts.filter((f) => f.state === state).map((f) => itemOf(b, f)),
    counties: countyItems(b, state),
    timeline: t.points.map(stripPoint),
    policies,
    litigation: litigation()
      .filter((l) => l.state === state)
      .map((l) => ({
        state: l.state,
        title: l.case,
        kind: l.type || null,
        court: l.court_or_issuer || null,
        filed: l.filed,
        last_date: l.last_date,
        status: l.status || null,
        status_kind: l.status_kind,
        summary: l.summary || null,
        source_url: l.source_url,
        confidence: l.confidence,
        caveat: l.caveat,
      })),
    politics: allPolitics()
      .filter((p) => p.state === state)
      .sort((x, y) => x.year - y.year)
      .map((p) => ({
        year: p.year,
        governor: p.governor_party,
        legislature: p.legislature_control,
        trifecta: p.trifecta,
        battleground: p.battleground2024,
        source_url: p.source_url,
        confidence: p.confidence,
        caveat: p.caveat,
      })),
    conflicts: {
      bans: conflicts.bans.get(state) ?? [],
      mandates: conflicts.mandates.get(state) ?? [],
      computed_from: conflicts.computedFrom,
    },
    missing: [],
  };
}

export const stateFile = dataFile({
  path: "state/{id}",
  id: STATE_CODE,
  ids: async (ctx) => (await baseOf(ctx)).states,
  async load(ctx, state) {
    const b = await baseOf(ctx);
    const conflicts = await ctx.memo("state-conflicts", () => loadConflicts(ctx.db, b));
    return statePage(b, conflicts, state);
  },
  csv: (f) => agreementTable(f.agreements),
});
