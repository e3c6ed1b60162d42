// Which agreement a participating row is, once its agency is known and no open agreement has its
// exact model and signed date: a redate, a re-signing, a closed one back, a model relabel, a new
// holder, a repeat of another row, or a new agreement.
import { MODELS, type Model } from "../domain/model.js";
import { cmp } from "../util/compare.js";
import { typeOf } from "./agency-records.js";
import { changeModel, endAgreement, newAgreement, redate, reopen } from "./agreements.js";
import { isOpenAgreement } from "./entities.js";
import { distinctive, moaFile, type Resolution, sameCounty } from "./identity.js";
import type { ListContext } from "./list-context.js";
import type { Agreement, UsableRow } from "./types.js";

const bySignedDesc = (a: Agreement, b: Agreement) => cmp(b.signedOn ?? "", a.signedOn ?? "");

/** The rows of one participating list and the agreements they have been matched to so far. */
export class RowMatching {
  /** Agreement id → the row (index) that carries it. */
  readonly matched = new Map<string, number>();
  /** Row index → its agreement id (a duplicate row shares its partner's). */
  readonly rowAgreement = new Map<number, string>();
  private carrierSet: Set<string> | undefined;
  private modelsByAgency: Map<string, Set<Model>> | undefined;

  constructor(
    readonly ctx: ListContext,
    readonly agencyOf: Map<number, Resolution>,
  ) {}

  resolution(i: number): Resolution {
    const res = this.agencyOf.get(i);
    if (!res) throw new Error(`ledger: row index ${i} has no agency`);
    return res;
  }

  /** `agency|model` of every row of the list: an agency that lets go of a model has no row for it. */
  carriers(): Set<string> {
    this.carrierSet ??= new Set(
      this.ctx.usable.map((j) => `${this.agencyOf.get(j)?.agencyId}|${this.ctx.row(j).model}`),
    );
    return this.carrierSet;
  }

  /** The models the list's rows give an agency. */
  modelsOf(agencyId: string): Set<Model> {
    if (!this.modelsByAgency) {
      this.modelsByAgency = new Map();
      for (const j of this.ctx.usable) {
        const id = this.agencyOf.get(j)?.agencyId;
        if (id === undefined) continue;
        const models = this.modelsByAgency.get(id) ?? new Set();
        models.add(this.ctx.row(j).model);
        this.modelsByAgency.set(id, models);
      }
    }
    return this.modelsByAgency.get(agencyId) ?? new Set();
  }
}

/** Decides which agreement a row belongs to, once its agency is known and no exact match exists. */
export function resolveAgreement(m: RowMatching, r: UsableRow, agencyId: string): string {
  const { ctx, matched } = m;
  const { entities } = ctx;
  const model = r.model;
  const ids = entities.agreementsOf(agencyId, model);
  const prev = ids.filter((a) => isOpenAgreement(a) && !matched.has(a.agreementId)).sort(bySignedDesc)[0];
  if (prev) {
    if (r.signedOn === null) return prev.agreementId; // blank SIGNED: keep the date we know
    // Rule 5: a later date counts as a re-signing only if it falls after the old term was
    // first listed (ICE cannot list a term before it is signed) and the MOA link changed.
    // Otherwise it is ICE correcting the date (Etowah County, AL: 2016-06-08 → 2020-06-09).
    const resigned =
      prev.signedOn !== null &&
      r.signedOn > prev.signedOn &&
      r.signedOn > prev.firstListed &&
      // A first posting of the MOA is not a new MOA (Northwest Florida State College, 2025-06-27).
      prev.moaUrl !== null &&
      (r.moaUrl ?? null) !== prev.moaUrl;
    if (!resigned) {
      redate(ctx, prev, r.signedOn, r);
      return prev.agreementId;
    }
    const next = newAgreement(ctx, agencyId, model, r, { predecessor: prev });
    endAgreement(ctx, prev, "superseded", ctx.obs.date, { successor: next.agreementId, row: r.row });
    return next.agreementId;
  }
  // A closed agreement with the same date is coming back.
  const closed = ids.find((a) => !isOpenAgreement(a) && a.signedOn === r.signedOn && !matched.has(a.agreementId));
  if (closed) {
    reopen(ctx, closed, r);
    return closed.agreementId;
  }
  // Model relabel: the agency's open agreement with the same date under another model vanished,
  // and no row of this list carries that model for the agency.
  if (r.signedOn) {
    const otherModels = m.modelsOf(agencyId);
    for (const other of MODELS) {
      if (other === model || otherModels.has(other)) continue;
      const cand = entities
        .agreementsOf(agencyId, other)
        .find((a) => isOpenAgreement(a) && !matched.has(a.agreementId) && a.signedOn === r.signedOn);
      if (cand) {
        changeModel(ctx, cand, model, r);
        return cand.agreementId;
      }
    }
  }
  const moved = holderChange(m, r, agencyId);
  if (moved) return moved.agreementId;
  // A later agreement of the same agency and model that is still listed is its predecessor.
  const older = ids.filter((a) => isOpenAgreement(a) && (a.signedOn ?? "") < (r.signedOn ?? "")).sort(bySignedDesc)[0];
  return newAgreement(ctx, agencyId, model, r, { predecessor: older }).agreementId;
}

/**
 * One agreement, a new holder. ICE relists an agreement from one body of a county to another:
 * Franklin County Sheriff's Office → County of Franklin / Franklin County Jail (PA, WSO signed
 * 2025-03-07, the same MOA file, 2025-08-11); Gulf County BOCC → Gulf County Sheriff's Office
 * (FL, TFM signed 2025-02-26, 2025-03-06). Same state, model and signed date; the old holder's
 * agreement was on the last list and is not on this one; the same MOA file, or (where the files
 * do not disagree) two bodies of the same county. Only a single candidate is taken.
 */
function holderChange(m: RowMatching, r: UsableRow, agencyId: string): Agreement | null {
  if (!r.signedOn) return null;
  const { ctx } = m;
  const { entities } = ctx;
  const carriers = m.carriers();
  const mine = moaFile(r.moaUrl);
  const found: { a: Agreement; why: string }[] = [];
  for (const a of entities.activeWithTerms(r.state, r.model, r.signedOn)) {
    if (a.status !== "active" || m.matched.has(a.agreementId) || a.agencyId === agencyId) continue;
    if (a.model !== r.model || a.signedOn !== r.signedOn) continue;
    // The old holder must have let go: no row of this list gives it this model.
    if (carriers.has(`${a.agencyId}|${a.model}`)) continue;
    const holder = entities.agencies.get(a.agencyId);
    if (!holder || holder.state !== r.state) continue;
    const county = holder.keys.map((k) => sameCounty(k, r.agencyKey)).find((c) => c !== null);
    if (!county) continue;
    const theirs = moaFile(a.moaUrl);
    if (mine && theirs === mine) found.push({ a, why: `same MOA file ${mine}, both bodies of ${county} county` });
    else if (!(mine && theirs))
      found.push({ a, why: `bodies of ${county} county with the same model and signed date` });
  }
  const only = found.length === 1 ? found[0] : undefined;
  if (!only) return null;
  const a = only.a;
  const from = entities.agency(a.agencyId);
  ctx.event(
    "holder_changed",
    ctx.obs.date,
    { agencyId, agreementId: a.agreementId },
    { from: a.agencyId, from_name: from.name, to: agencyId, to_name: r.agency, evidence: only.why, row: r.row },
  );
  entities.moveAgreement(a, { agencyId, model: a.model });
  ctx.holderRows.set(r.row, `${only.why}; held by ${from.agencyId} until ${a.lastListed}`);
  return a;
}

/**
 * Whether row `o` is the same agreement as row `r` under another spelling: the same state, model
 * and signed date, and the same MOA file, or the same kind of body with the same place words.
 */
export function sameAgreementRow(r: UsableRow, o: UsableRow): boolean {
  if (o.state !== r.state || o.model !== r.model || o.signedOn !== r.signedOn) return false;
  const mine = moaFile(r.moaUrl);
  if (mine && moaFile(o.moaUrl) === mine) return true;
  const place = distinctive(r.agencyKey);
  return (
    place !== "" &&
    distinctive(o.agencyKey) === place &&
    typeOf(o.agency, o.jurisdiction, o.state) === typeOf(r.agency, r.jurisdiction, r.state)
  );
}

/** The agreement of another row of this list that row `i` repeats (see `duplicateOf`). */
export function repeatedAgreement(m: RowMatching, i: number): string | null {
  const { ctx } = m;
  const r = ctx.row(i);
  for (const j of ctx.rowsByTerms().get(`${r.state}|${r.model}|${r.signedOn}`) ?? []) {
    const id = m.rowAgreement.get(j);
    if (!id || j === i) continue;
    if (sameAgreementRow(r, ctx.row(j))) return id;
  }
  return null;
}
