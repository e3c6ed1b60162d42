// Runs the identity tiers (identity.ts) over one list: each usable row gets its agency by alias or
// exact key, loose key, typo, relabel, a repeat of another row, or as a new agency. Near misses
// that no tier settles go to the review queue.
import { distance } from "fastest-levenshtein";
import { realPlace } from "../context/place-names.js";
import { MODELS } from "../domain/model.js";
import { digitsOf } from "../normalize/agency-key.js";
import type { ListKind } from "../sheets/types.js";
import { cmp } from "../util/compare.js";
import { newAgency, typeOf } from "./agency-records.js";
import { sameAgreementRow } from "./agreement-match.js";
import { isOpenAgreement, isOpenApplication } from "./entities.js";
import {
  distinctive,
  looseKey,
  matchRelabels,
  matchTypo,
  type NearMiss,
  type Resolution,
  type RowGroup,
  typoLimit,
  type VanishedAgency,
} from "./identity.js";
import type { ListContext } from "./list-context.js";
import type { Agency, UsableRow } from "./types.js";

const places = new Map<string, string | null>();

/** `realPlace`, remembered: the typo guard asks it of the same few names on every list. */
function placeOf(state: string, name: string): string | null {
  const k = `${state}|${name}`;
  let p = places.get(k);
  if (p === undefined) {
    p = realPlace(state, name);
    places.set(k, p);
  }
  return p;
}

const aliased = (r: UsableRow) => r.corrections.some((c) => c.rule === "agency_alias");
const byAgencyId = (a: VanishedAgency, b: VanishedAgency) => cmp(a.agencyId, b.agencyId);

/** Runs the identity tiers over a list's usable rows; returns each row's agency. */
export function resolveAgencies(ctx: ListContext, kind: ListKind): Map<number, Resolution> {
  const { entities } = ctx;
  const out = new Map<number, Resolution>();
  const groups = new Map<string, RowGroup>();
  const seenAgencies = new Set<string>();
  const group = (i: number, r: UsableRow, fallback?: string) => {
    const k = `${r.state}|${r.agencyKey}`;
    const g = groups.get(k) ?? { state: r.state, key: r.agencyKey, rows: [], ...(fallback ? { fallback } : {}) };
    g.rows.push(i);
    groups.set(k, g);
  };
  for (const i of ctx.usable) {
    const r = ctx.row(i);
    const id = entities.agencyByKey(r.state, r.agencyKey);
    if (id && kind === "participating" && !ctx.withAgreements().has(id)) {
      // Known only from the pending list: another agency's agreement with the same terms that
      // vanished from this list may be this row under its signed name (`Arkansas State Police`
      // for `Arkansas State Police Department`, 2025-08-08). Failing that, the pending agency.
      group(i, r, id);
      continue;
    }
    if (id) {
      out.set(i, { agencyId: id, tier: aliased(r) ? "alias" : "exact", note: null });
      seenAgencies.add(id);
      continue;
    }
    // One body under another spelling (`City of …`, `… Borough …`, `Sheriff's Department`):
    // the same agency, whatever else the list carries.
    const loose = entities.agencyByLooseKey(r.state, r.agencyKey);
    if (loose) {
      entities.addKey(loose, r.agencyKey);
      out.set(i, {
        agencyId: loose,
        tier: "relabel",
        note: "name variant (City of / Town of / Borough / Sheriff's Department)",
      });
      seenAgencies.add(loose);
      continue;
    }
    group(i, r);
  }
  if (groups.size === 0) return out;

  const { vanished, dormantIn } = candidates(ctx, kind, seenAgencies);
  const rest: RowGroup[] = [];
  const claimed = new Set<string>();
  const unclaimed = (vs: VanishedAgency[]) => vs.filter((v) => !claimed.has(v.agencyId));
  // Near misses are recorded only for groups that no later rule resolves.
  const pendingMisses: NearMiss[] = [];
  // A dormant agency can be long gone, so only a one-letter slip reaches it.
  const strict = { ...ctx.config, typoMaxDistance: 1 };
  for (const g of groups.values()) {
    if (g.fallback) {
      rest.push(g);
      continue;
    }
    const models = new Set<string>(g.rows.map((i) => ctx.row(i).model));
    const refuse = (v: VanishedAgency) => refuseTypo(ctx, g, v);
    let { match, nearMiss } = matchTypo(g, models, unclaimed(vanished), ctx.config, refuse);
    if (!match && !nearMiss) match = matchTypo(g, models, unclaimed(dormantIn(g)), strict, refuse).match;
    if (match) {
      claimed.add(match.agencyId);
      for (const i of g.rows) out.set(i, match);
      entities.addKey(match.agencyId, g.key);
      continue;
    }
    if (nearMiss) pendingMisses.push(nearMiss);
    rest.push(g);
  }

  if (kind === "participating" && rest.length) {
    const free = unclaimed(vanished).filter((v) => !rest.some((g) => g.fallback === v.agencyId));
    const { matches, ambiguous } = matchRelabels(rest, ctx.obs.rows, free);
    pendingMisses.push(...ambiguous);
    for (const g of rest) {
      const m = matches.get(g);
      if (m) {
        for (const i of g.rows) out.set(i, m);
        entities.addKey(m.agencyId, g.key);
      }
    }
  }

  // Every row's terms as they stood when the first group asked (see renamedAgreement).
  let carried: Set<string> | undefined;
  const carriedSoFar = () => {
    if (!carried) carried = carriedTerms(ctx, out);
    return carried;
  };
  for (const g of rest) {
    if (out.has(g.rows[0] ?? -1)) continue;
    const first = ctx.row(g.rows[0] ?? -1);
    const same =
      kind === "participating" ? (duplicateOf(ctx, g, out) ?? renamedAgreement(ctx, g, carriedSoFar())) : null;
    if (same) {
      for (const i of g.rows) out.set(i, same);
      if (same.tier !== "duplicate") entities.addKey(same.agencyId, g.key);
      continue;
    }
    if (g.fallback) {
      for (const i of g.rows)
        out.set(i, { agencyId: g.fallback, tier: aliased(first) ? "alias" : "exact", note: null });
      continue;
    }
    const agency = newAgency(ctx, first);
    for (const i of g.rows) out.set(i, { agencyId: agency.agencyId, tier: "new", note: null });
  }
  for (const m of pendingMisses) {
    const res = out.get(m.group.rows[0] ?? -1);
    if (
      !res ||
      res.tier === "new" ||
      (m.reason === "ambiguous_relabel" && !m.group.fallback && res.tier !== "relabel") ||
      m.reason === "refused_typo"
    )
      nearMiss(ctx, m);
  }
  return out;
}

/**
 * The agencies a new spelling may be: those with an open agreement (or application) that no row
 * of this list resolved to, and, for a one-letter slip only, dormant ones (nothing open).
 */
function candidates(
  ctx: ListContext,
  kind: ListKind,
  seenAgencies: Set<string>,
): { vanished: VanishedAgency[]; dormantIn: (g: RowGroup) => VanishedAgency[] } {
  const { entities } = ctx;
  const vanished: VanishedAgency[] = [];
  const byAgency = new Map<string, VanishedAgency>();
  const addTerm = (agencyId: string, model: string, signedOn: string | null) => {
    if (seenAgencies.has(agencyId)) return;
    let v = byAgency.get(agencyId);
    if (!v) {
      const ag = entities.agency(agencyId);
      v = { agencyId, state: ag.state, keys: ag.keys, terms: new Set(), models: new Set() };
      byAgency.set(agencyId, v);
      vanished.push(v);
    }
    v.models.add(model);
    if (signedOn) v.terms.add(`${model}|${signedOn}`);
  };
  if (kind === "participating") {
    for (const a of entities.agreements.values()) if (isOpenAgreement(a)) addTerm(a.agencyId, a.model, a.signedOn);
    // An agency known only from the pending list is a candidate too: ICE spells it one way there
    // and fixes it when it signs ("New Port Richey Polce Department" → "…Police Department").
    for (const a of entities.applications.values()) {
      if (isOpenApplication(a) && !entities.hasAgreements(a.agencyId)) addTerm(a.agencyId, a.model, null);
    }
  } else {
    for (const a of entities.applications.values()) if (isOpenApplication(a)) addTerm(a.agencyId, a.model, null);
  }
  vanished.sort(byAgencyId);
  // Dormant agencies (nothing open) are typo candidates too: `Alachua Police Departent`
  // (2025-07-03) is the `Alachua Police Department` of an earlier, dropped pending entry.
  const dormant = new Map<string, VanishedAgency[]>();
  const dormantIn = (g: RowGroup): VanishedAgency[] => {
    const k = `${g.state}|${g.key.length}`;
    let found = dormant.get(k);
    if (!found) {
      found = [];
      for (const ag of ctx.agenciesIn(g.state)) {
        if (byAgency.has(ag.agencyId) || seenAgencies.has(ag.agencyId)) continue;
        // Only a one-letter slip reaches a dormant agency, so its key is within one letter's length.
        if (!ag.keys.some((k) => Math.abs(k.length - g.key.length) <= 1)) continue;
        const models = new Set<string>(MODELS.filter((m) => entities.knowsModel(ag.agencyId, m)));
        if (models.size)
          found.push({ agencyId: ag.agencyId, state: ag.state, keys: ag.keys, terms: new Set(), models });
      }
      found.sort(byAgencyId);
      dormant.set(k, found);
    }
    return found;
  };
  return { vanished, dormantIn };
}

/**
 * A row group that repeats, under another spelling, an agreement another row of the same list
 * carries: same model and signed date, and the same MOA file, or the same kind of body with the
 * same place words (`Hopewell Sheriff's Office` beside `Hopewell County Sheriff's Office`,
 * 2025-09-02; `Wyoming Highway State Patrol` beside `Wyoming State Highway Patrol`).
 */
function duplicateOf(ctx: ListContext, g: RowGroup, out: Map<number, Resolution>): Resolution | null {
  let found: { agencyId: string; row: number } | null = null;
  for (const i of g.rows) {
    const r = ctx.row(i);
    if (!r.signedOn) return null;
    let partner: { res: Resolution; row: number } | undefined;
    for (const j of ctx.rowsByTerms().get(`${r.state}|${r.model}|${r.signedOn}`) ?? []) {
      const res = out.get(j);
      if (!res || res.tier === "duplicate" || g.rows.includes(j)) continue;
      const o = ctx.row(j);
      if (sameAgreementRow(r, o)) {
        partner = { res, row: o.row };
        break;
      }
    }
    if (!partner) return null;
    if (found && found.agencyId !== partner.res.agencyId) return null;
    found = { agencyId: partner.res.agencyId, row: partner.row };
  }
  return found ? { agencyId: found.agencyId, tier: "duplicate", note: `same agreement as row ${found.row}` } : null;
}

/** `agency|model|signed date` of every row resolved so far. */
function carriedTerms(ctx: ListContext, out: Map<number, Resolution>): Set<string> {
  const c = new Set<string>();
  for (const [i, res] of out) {
    const r = ctx.row(i);
    c.add(`${res.agencyId}|${r.model}|${r.signedOn}`);
  }
  return c;
}

/**
 * Same-agreement evidence for an agency that did not vanish: one of its agreements is missing
 * from this list while a row with another spelling carries the same state, model and signed
 * date (`Hopewell Sheriff's Office` for `Hopewell County Sheriff's Office`, JEM signed
 * 2025-07-02, 2025-09-02, while its WSO and TFM rows kept the old name). The names must agree:
 * the same loose key, a typo, or the same place words for the same kind of body.
 * `carried` is every row's terms as they stood when the first group asked.
 */
function renamedAgreement(ctx: ListContext, g: RowGroup, carried: Set<string>): Resolution | null {
  const { entities } = ctx;
  const first = ctx.row(g.rows[0] ?? -1);
  const type = typeOf(first.agency, first.jurisdiction, g.state);
  const limit = typoLimit(g.key.length, ctx.config);
  const agrees = (ag: Agency) =>
    ag.keys.some(
      (k) =>
        looseKey(k) === looseKey(g.key) ||
        (digitsOf(k) === digitsOf(g.key) && distance(k, g.key) <= limit) ||
        (distinctive(k) !== "" && distinctive(k) === distinctive(g.key) && ag.type === type),
    );
  let found: string | null = null;
  for (const i of g.rows) {
    const r = ctx.row(i);
    if (!r.signedOn) return null;
    const cands = new Set<string>();
    for (const a of entities.activeWithTerms(g.state, r.model, r.signedOn)) {
      if (a.status !== "active" || a.model !== r.model || a.signedOn !== r.signedOn) continue;
      if (carried.has(`${a.agencyId}|${a.model}|${a.signedOn}`)) continue;
      const ag = entities.agency(a.agencyId);
      if (ag.state === g.state && agrees(ag)) cands.add(a.agencyId);
    }
    const [id] = cands;
    if (cands.size !== 1 || id === undefined) return null;
    if (found && found !== id) return null;
    found = id;
  }
  return found ? { agencyId: found, tier: "relabel", note: "same agreement under another spelling" } : null;
}

/**
 * The typo tier never merges two real places of one state (`Kane County Sheriff's Office` is
 * not a typo of `Cache County Sheriff's Office`, Utah, 2025-07-24), nor names whose signed dates
 * differ.
 */
function refuseTypo(ctx: ListContext, g: RowGroup, v: VanishedAgency): string | null {
  const first = ctx.row(g.rows[0] ?? -1);
  const mine = placeOf(g.state, first.agency);
  if (mine) {
    const theirs = v.keys.map((k) => placeOf(v.state, k)).find((p) => p !== null);
    if (theirs && theirs !== mine) return `both are real places of ${g.state}: ${mine}, ${theirs}`;
  }
  const dated = g.rows.map((i) => ctx.row(i)).filter((r) => r.signedOn);
  if (dated.length && v.terms.size && !dated.some((r) => v.terms.has(`${r.model}|${r.signedOn}`))) {
    return "the signed dates differ";
  }
  return null;
}

function nearMiss(ctx: ListContext, m: NearMiss): void {
  const first = ctx.obs.rows[m.group.rows[0] ?? -1];
  const cand = ctx.entities.agencies.get(m.agencyId);
  ctx.review(first?.row ?? null, m.reason, {
    name: first?.agency,
    state: m.group.state,
    candidate: m.agencyId,
    candidate_name: cand?.name,
    ...(m.distance >= 0 ? { distance: m.distance } : {}),
    // A refusal is the rule's decision; any other near miss waits for a curated one (an alias in
    // data/corrections/agencies.csv, or a row in review-decisions.csv that keeps them apart).
    ...(m.reason === "refused_typo"
      ? { decision: `kept apart: ${m.why}`, decided_by: "rule:typo_guard" }
      : { decision: null }),
  });
}
