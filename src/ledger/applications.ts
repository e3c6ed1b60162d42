// Pending applications: an agency and model on ICE's pending list. One is signed when an agreement
// of the same agency and model appears, and dropped when it leaves the list for good.
import { daysBetween } from "../domain/date.js";
import type { Model } from "../domain/model.js";
import type { NormalizedRow } from "../normalize/row.js";
import { cmp } from "../util/compare.js";
import { clearMissing, countMissing, removalDue } from "./debounce.js";
import { freshId, isOpenAgreement, isOpenApplication } from "./entities.js";
import type { ListContext } from "./list-context.js";
import type { Agreement, Application } from "./types.js";

export function newApplication(ctx: ListContext, agencyId: string, model: Model, r: NormalizedRow): Application {
  const { obs, entities } = ctx;
  const id = freshId(`${agencyId}/${model.toLowerCase()}/pending-${obs.date}`, entities.applications);
  const a: Application = {
    applicationId: id,
    agencyId,
    model,
    firstListed: obs.date,
    lastListed: obs.date,
    status: "pending",
    missingSince: null,
    missingLists: 0,
    agreementId: null,
    signedOn: null,
    endedOn: null,
  };
  entities.addApplication(a);
  ctx.event("pending_added", obs.date, { agencyId, applicationId: id }, { row: r.row, agency: r.agency, model });
  return a;
}

/** When an agreement appears, an open application of the same agency and model has been signed. */
export function linkApplication(ctx: ListContext, agr: Agreement): void {
  for (const app of ctx.entities.applicationsOf(agr.agencyId, agr.model)) {
    if (isOpenApplication(app)) signApplication(ctx, app, agr);
  }
}

function signApplication(ctx: ListContext, app: Application, agr: Agreement): void {
  app.status = "signed";
  app.agreementId = agr.agreementId;
  app.signedOn = agr.signedOn;
  app.endedOn = agr.firstListed;
  clearMissing(app);
  ctx.event(
    "pending_signed",
    agr.firstListed,
    { agencyId: app.agencyId, agreementId: agr.agreementId, applicationId: app.applicationId },
    {
      pending_since: app.firstListed,
      signed_on: agr.signedOn,
      days_pending: daysBetween(app.firstListed, agr.firstListed),
      observed_on: ctx.obs.date,
    },
  );
}

/** An open application missing from the pending list: signed meanwhile, or on its way out. */
export function missApp(ctx: ListContext, app: Application): void {
  const { obs } = ctx;
  // Signed already? An agreement of the same agency and model listed since the application was.
  const signed = ctx.entities
    .agreementsOf(app.agencyId, app.model)
    .filter((a) => isOpenAgreement(a) && a.firstListed >= app.firstListed)
    .sort((a, b) => cmp(a.firstListed, b.firstListed))[0];
  if (signed) {
    signApplication(ctx, app, signed);
    return;
  }
  countMissing(app, obs.date);
  if (removalDue(app, obs.date, ctx.config)) {
    const since = app.missingSince;
    app.status = "dropped";
    app.endedOn = since;
    clearMissing(app);
    ctx.event(
      "pending_dropped",
      since,
      { agencyId: app.agencyId, applicationId: app.applicationId },
      { confirmed_by: obs.obsId, last_listed: app.lastListed },
    );
  }
}
