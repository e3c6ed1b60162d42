// The pending list: each row resolved to its agency and application, and every open application
// it lacks sent through the removal debounce (or found signed).

import { updateAgencies } from "./agency-records.js";
import { resolveAgencies } from "./agency-resolve.js";
import { missApp, newApplication } from "./applications.js";
import { clearMissing } from "./debounce.js";
import { isOpenApplication } from "./entities.js";
import type { ListContext } from "./list-context.js";
import type { Listing } from "./types.js";

export function applyPending(ctx: ListContext): Listing[] {
  const { entities, usable } = ctx;
  const listings = ctx.unresolvedListings(false);
  const agencyOf = resolveAgencies(ctx, "pending");
  const matched = new Set<string>();
  for (const i of usable) {
    const r = ctx.row(i);
    const ag = agencyOf.get(i);
    if (!ag) throw new Error(`ledger: row ${r.row} of ${ctx.obs.label} has no agency`);
    const apps = entities.applicationsOf(ag.agencyId, r.model);
    let app = apps.find((a) => isOpenApplication(a) && !matched.has(a.applicationId));
    if (!app) {
      const dup = apps.find((a) => matched.has(a.applicationId));
      if (dup) {
        listings[i] = ctx.listing(
          r.row,
          { applicationId: dup.applicationId, agencyId: ag.agencyId },
          "duplicate",
          null,
        );
        continue;
      }
      // ICE often leaves an agency on the pending list for a while after it signs: that is the
      // signed application still listed, not a new one.
      const signed = apps.find(
        (a) => a.status === "signed" && !matched.has(a.applicationId) && entities.isOpen(a.agreementId),
      );
      if (signed) {
        matched.add(signed.applicationId);
        listings[i] = ctx.listing(
          r.row,
          { applicationId: signed.applicationId, agencyId: ag.agencyId },
          ag.tier,
          "signed, still on the pending list",
        );
        continue;
      }
      app = newApplication(ctx, ag.agencyId, r.model, r);
    } else if (app.status === "pending_removal") {
      app.status = "pending";
      clearMissing(app);
    }
    app.lastListed = ctx.obs.date;
    matched.add(app.applicationId);
    listings[i] = ctx.listing(r.row, { applicationId: app.applicationId, agencyId: ag.agencyId }, ag.tier, ag.note);
  }
  updateAgencies(ctx, agencyOf, "pending");
  missAbsent(ctx, matched);
  const stream = ctx.streams.pending;
  stream.snapshotId = ctx.obs.snapshotId;
  stream.rowCount = usable.length;
  stream.byState = [];
  stream.present = [...matched].sort();
  return ctx.settled(listings);
}

/** A repeat of the list already applied: its applications are seen again, the rest keep missing. */
export function touchPending(ctx: ListContext, present: string[]): void {
  const { entities } = ctx;
  const here = new Set(present);
  for (const id of present) {
    const a = entities.applications.get(id);
    if (a && isOpenApplication(a)) a.lastListed = ctx.obs.date;
  }
  missAbsent(ctx, here);
}

/** Open applications that the list does not carry are missed (found signed, or debounced). */
function missAbsent(ctx: ListContext, carried: Set<string>): void {
  for (const a of ctx.entities.applications.values()) {
    if (isOpenApplication(a) && !carried.has(a.applicationId)) missApp(ctx, a);
  }
}
