// The participating list: each row resolved to its agency and agreement, every agreement it
// carries seen again, and every open agreement it lacks sent through the removal debounce.
import { cmp } from "../util/compare.js";
import { updateAgencies } from "./agency-records.js";
import { resolveAgencies } from "./agency-resolve.js";
import { RowMatching, repeatedAgreement, resolveAgreement } from "./agreement-match.js";
import { missAgreement, seeAgreement } from "./agreements.js";
import type { MissingFrom } from "./debounce.js";
import { isOpenAgreement } from "./entities.js";
import type { ListContext } from "./list-context.js";
import type { Agreement, Listing } from "./types.js";

/** A stretch of missing lists that started before this one, except for the agreements `unless` keeps. */
export interface BackDated extends MissingFrom {
  unless: (a: Agreement) => boolean;
}

export function applyParticipating(ctx: ListContext, missingFrom?: BackDated): Listing[] {
  const { entities, usable } = ctx;
  const listings = ctx.unresolvedListings(true);
  const m = new RowMatching(ctx, resolveAgencies(ctx, "participating"));
  const { matched, rowAgreement } = m;

  /** Row `i` repeats agreement `id`, which another row of this list carries: listed once, logged. */
  const repeat = (i: number, id: string) => {
    rowAgreement.set(i, id);
    const partner = ctx.obs.rows[matched.get(id) ?? -1]?.row;
    listings[i] = ctx.listing(
      ctx.row(i).row,
      { agreementId: id, agencyId: m.agencyOf.get(i)?.agencyId },
      "duplicate",
      `same as row ${partner}`,
    );
  };
  // Agreements: exact (agency, model, signed date) matches first, so that a row with a new date
  // cannot take the agreement another row of the same list still carries.
  for (const i of usable) {
    const r = ctx.row(i);
    const ag = m.resolution(i);
    if (ag.tier === "duplicate") continue; // after the row it repeats
    const ids = entities.agreementsOf(ag.agencyId, r.model);
    const hit = ids.find((a) => isOpenAgreement(a) && a.signedOn === r.signedOn && !matched.has(a.agreementId));
    if (hit) {
      matched.set(hit.agreementId, i);
      rowAgreement.set(i, hit.agreementId);
    } else {
      // A second row with the same agency, model and date is an exact duplicate (2025-08 lists).
      const dup = ids.find((a) => matched.has(a.agreementId) && a.signedOn === r.signedOn);
      if (dup) repeat(i, dup.agreementId);
    }
  }
  // The rows left (a few per list) in row order, rows that repeat another row last.
  const left = usable.filter((i) => !rowAgreement.has(i));
  const isDup = (i: number) => (m.agencyOf.get(i)?.tier === "duplicate" ? 1 : 0);
  for (const i of left.sort((a, b) => isDup(a) - isDup(b) || a - b)) {
    if (rowAgreement.has(i)) continue;
    const r = ctx.row(i);
    const ag = m.resolution(i);
    // A row repeating an agreement that an earlier row of this list started or resolved.
    const twin = r.signedOn
      ? entities.agreementsOf(ag.agencyId, r.model).find((a) => matched.has(a.agreementId) && a.signedOn === r.signedOn)
          ?.agreementId
      : undefined;
    if (twin ?? (r.signedOn && !entities.hasOpen(ag.agencyId, r.model))) {
      // An agency the row resolved to on its own (often one known from the pending list) that
      // repeats another agency's row of this list: the same MOA file, or the same kind of body
      // with the same place words (`Arkansas State Police` beside `Arkansas State Police
      // Department`, 2025-08-08, one MOA file).
      const other = twin ?? repeatedAgreement(m, i);
      if (other) {
        repeat(i, other);
        continue;
      }
    }
    const id = resolveAgreement(m, r, ag.agencyId);
    matched.set(id, i);
    rowAgreement.set(i, id);
  }

  // Update every matched agreement and agency from its row.
  const byState = new Map<string, number>();
  for (const i of usable) {
    const r = ctx.row(i);
    const ag = m.resolution(i);
    const id = rowAgreement.get(i);
    if (id === undefined) throw new Error(`ledger: row ${r.row} of ${ctx.obs.label} has no agreement`);
    byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    const moved = ctx.holderRows.get(r.row);
    const ids = { agreementId: id, agencyId: ag.agencyId };
    listings[i] ??= moved ? ctx.listing(r.row, ids, "holder_change", moved) : ctx.listing(r.row, ids, ag.tier, ag.note);
    if (matched.get(id) !== i) continue; // duplicate row
    seeAgreement(ctx, entities.agreement(id), r);
  }
  const duplicates = new Set(usable.filter((i) => listings[i]?.tier === "duplicate"));
  updateAgencies(ctx, m.agencyOf, "participating", duplicates);

  missAbsent(ctx, matched, missingFrom);

  const stream = ctx.streams.participating;
  stream.snapshotId = ctx.obs.snapshotId;
  stream.rowCount = usable.length;
  stream.byState = [...byState].sort(([a], [b]) => cmp(a, b));
  stream.present = [...matched.keys()].sort();
  return ctx.settled(listings);
}

/** A repeat of the list already applied: its agreements are seen again, the rest keep missing. */
export function touchParticipating(ctx: ListContext, present: string[]): void {
  const { entities } = ctx;
  const date = ctx.obs.date;
  const here = new Set(present);
  for (const id of present) {
    const a = entities.agreements.get(id);
    if (a && isOpenAgreement(a)) {
      a.lastListed = date;
      const ag = entities.agencies.get(a.agencyId);
      if (ag) ag.lastSeen = date;
    }
  }
  missAbsent(ctx, here);
}

/** Open agreements that the list does not carry start (or continue) their removal debounce. */
function missAbsent(ctx: ListContext, carried: { has(id: string): boolean }, missingFrom?: BackDated): void {
  for (const a of ctx.entities.agreements.values()) {
    if (isOpenAgreement(a) && !carried.has(a.agreementId)) {
      missAgreement(ctx, a, missingFrom && !missingFrom.unless(a) ? missingFrom : undefined);
    }
  }
}
