// An agreement's life: it appears, is seen again (closing a gap, posting an MOA), is redated,
// relabelled to another model, reopened, superseded or removed. Each change is an event.
import type { Model } from "../domain/model.js";
import type { NormalizedRow } from "../normalize/row.js";
import { linkApplication } from "./applications.js";
import { clearMissing, countMissing, type MissingFrom, removalDue } from "./debounce.js";
import { freshId, isOpenAgreement } from "./entities.js";
import type { ListContext } from "./list-context.js";
import type { Agreement } from "./types.js";

const lastPeriod = (a: Agreement) => a.periods[a.periods.length - 1];

export function newAgreement(
  ctx: ListContext,
  agencyId: string,
  model: Model,
  r: NormalizedRow,
  link: { predecessor?: Agreement | undefined },
): Agreement {
  const { obs, entities } = ctx;
  const id = freshId(`${agencyId}/${model.toLowerCase()}/${r.signedOn ?? "undated"}`, entities.agreements);
  const a: Agreement = {
    agreementId: id,
    agencyId,
    model,
    signedOn: r.signedOn,
    signedHistory: [{ date: r.signedOn, seen: obs.date, obsId: obs.obsId }],
    firstListed: obs.date,
    lastListed: obs.date,
    status: "active",
    endedOn: null,
    moaUrl: r.moaUrl,
    addendumUrl: r.addendumUrl,
    predecessorId: link.predecessor?.agreementId ?? null,
    successorId: null,
    periods: [{ start: obs.date, end: null }],
    gaps: [],
    missingSince: null,
    missingLists: 0,
  };
  if (link.predecessor) link.predecessor.successorId = id;
  entities.addAgreement(a);
  ctx.event(
    "appeared",
    obs.date,
    { agencyId, agreementId: id },
    {
      row: r.row,
      agency: r.agency,
      model,
      signed_on: r.signedOn,
      ...(link.predecessor ? { predecessor: link.predecessor.agreementId } : {}),
    },
  );
  linkApplication(ctx, a);
  return a;
}

/** Marks an agreement as seen on the current list, and records what changed on it. */
export function seeAgreement(ctx: ListContext, a: Agreement, r: NormalizedRow): void {
  const date = ctx.obs.date;
  const ids = { agencyId: a.agencyId, agreementId: a.agreementId };
  a.lastListed = date;
  if (a.status === "pending_removal") {
    a.gaps.push({ from: a.missingSince ?? date, to: date, lists: a.missingLists });
    ctx.event("gap", date, ids, { missing_from: a.missingSince, lists_missed: a.missingLists, row: r.row });
    a.status = "active";
    clearMissing(a);
    a.periods.push({ start: date, end: null });
  }
  if (r.moaUrl && r.moaUrl !== a.moaUrl) {
    ctx.event("moa_posted", date, ids, { url: r.moaUrl, previous: a.moaUrl, row: r.row });
    a.moaUrl = r.moaUrl;
  }
  if (r.addendumUrl && r.addendumUrl !== a.addendumUrl) a.addendumUrl = r.addendumUrl;
}

/** ICE gave the agreement another signed date: a correction, not a new agreement (rule 5). */
export function redate(ctx: ListContext, a: Agreement, to: string, r: NormalizedRow): void {
  const { obs } = ctx;
  ctx.event(
    "redated",
    obs.date,
    { agencyId: a.agencyId, agreementId: a.agreementId },
    { from: a.signedOn, to, row: r.row, moa_changed: (r.moaUrl ?? null) !== (a.moaUrl ?? null) },
  );
  ctx.entities.setSigned(a, to);
  a.signedHistory.push({ date: to, seen: obs.date, obsId: obs.obsId });
}

export function changeModel(ctx: ListContext, a: Agreement, to: Model, r: NormalizedRow): void {
  ctx.event(
    "model_changed",
    ctx.obs.date,
    { agencyId: a.agencyId, agreementId: a.agreementId },
    { from: a.model, to, row: r.row },
  );
  ctx.entities.moveAgreement(a, { agencyId: a.agencyId, model: to });
}

/** A closed agreement back on the list: the same agreement, not a new one. */
export function reopen(ctx: ListContext, a: Agreement, r: NormalizedRow): void {
  const date = ctx.obs.date;
  ctx.event(
    "reappeared",
    date,
    { agencyId: a.agencyId, agreementId: a.agreementId },
    { ended_on: a.endedOn, previous_status: a.status, row: r.row },
  );
  a.status = "active";
  a.endedOn = null;
  clearMissing(a);
  a.periods.push({ start: date, end: null });
}

export function endAgreement(
  ctx: ListContext,
  a: Agreement,
  status: "removed" | "superseded",
  on: string,
  detail: Record<string, unknown>,
): void {
  a.status = status;
  a.endedOn = on;
  const p = lastPeriod(a);
  if (p && p.end === null) p.end = on;
  clearMissing(a);
  ctx.event(status, on, { agencyId: a.agencyId, agreementId: a.agreementId }, detail);
}

/** Rule 4: an open agreement missing from an applied list goes through the removal debounce. */
export function missAgreement(ctx: ListContext, a: Agreement, from?: MissingFrom): void {
  const { obs, entities } = ctx;
  const since = countMissing(a, obs.date, from);
  if (since !== null) {
    // "Listed on D" is exactly the list in force on D: the period ends with the first list
    // without the agreement, whether or not its removal is ever confirmed.
    const p = lastPeriod(a);
    if (p && p.end === null) p.end = since;
  }
  if (!removalDue(a, obs.date, ctx.config) || ctx.isHeld(a)) return;
  const succ = a.successorId ? entities.agreements.get(a.successorId) : undefined;
  const detail = {
    confirmed_by: obs.obsId,
    confirmed_on: obs.date,
    lists_missed: a.missingLists,
    last_listed: a.lastListed,
  };
  if (succ && isOpenAgreement(succ))
    endAgreement(ctx, a, "superseded", a.missingSince, { ...detail, successor: succ.agreementId });
  else endAgreement(ctx, a, "removed", a.missingSince, detail);
}
