// The pending → signed → removed funnel: applications seen on ICE's pending lists, which of them
// signed, how long that took, which signed agreements were later removed, and which never signed.

import { daysBetween } from "../domain/date.js";
import type { ApplicationFact, FunnelResult, Quartiles, Stage } from "../domain/statistics.js";
import type { Db } from "../store/db.js";
import { cmp } from "../util/compare.js";
import { EMPTY_LEDGER } from "./population.js";

export type { ApplicationFact, FunnelResult, Quartiles, Stage };

/** What the funnel needs of an agreement. */
export interface FunnelAgreement {
  agreement_id: string;
  state: string;
  model: string;
  first_listed: string;
  status: string;
  ended_on: string | null;
}

/** Quartiles by linear interpolation between closest ranks (the default of R, NumPy and Excel's QUARTILE.INC). */
export function quartiles(values: readonly number[]): Quartiles {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const at = (p: number): number | null => {
    if (!n) return null;
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    return (v[lo] as number) + (h - lo) * ((v[hi] as number) - (v[lo] as number));
  };
  return {
    n,
    min: n ? (v[0] as number) : null,
    q1: at(0.25),
    median: at(0.5),
    q3: at(0.75),
    max: n ? (v[n - 1] as number) : null,
    negative: v.filter((x) => x < 0).length,
  };
}

const stage = (ids: string[]): Stage => ({ count: ids.length, ids: [...ids].sort(cmp) });

export interface FunnelOptions {
  state?: string;
  model?: string;
}

/** The pure core: applications, agreements and the dates of the first and latest pending lists. */
export function computeFunnel(
  apps: readonly ApplicationFact[],
  agreements: readonly FunnelAgreement[],
  pendingLists: { first: string | null; latest: string | null },
  o: FunnelOptions = {},
): FunnelResult {
  const keep = (x: { state: string; model: string }) =>
    (!o.state || x.state === o.state) && (!o.model || x.model === o.model);
  const A = apps.filter(keep);
  const G = agreements.filter(keep);
  const byId = new Map(agreements.map((g) => [g.agreement_id, g]));
  const ids = (f: (a: ApplicationFact) => boolean) => A.filter(f).map((a) => a.application_id);

  const signed = A.filter((a) => a.status === "signed");
  const toSigned: number[] = [];
  const toListing: number[] = [];
  const signedAgreements = new Map<string, FunnelAgreement>();
  for (const a of signed) {
    if (a.signed_on) toSigned.push(daysBetween(a.first_listed, a.signed_on));
    const g = a.agreement_id ? byId.get(a.agreement_id) : undefined;
    if (g) {
      toListing.push(daysBetween(a.first_listed, g.first_listed));
      signedAgreements.set(g.agreement_id, g);
    }
  }
  const sg = [...signedAgreements.values()];
  const ofStatus = (s: string) => stage(sg.filter((g) => g.status === s).map((g) => g.agreement_id));

  const linked = new Set(apps.map((a) => a.agreement_id).filter((x): x is string => !!x));
  const direct = pendingLists.first
    ? G.filter((g) => g.first_listed >= (pendingLists.first as string) && !linked.has(g.agreement_id))
    : [];

  const stillPending = ids((a) => a.status === "pending" || a.status === "pending_removal");
  const neverSigned = A.filter((a) => a.status !== "signed").sort(
    (x, y) => cmp(x.state, y.state) || cmp(x.agency, y.agency) || cmp(x.application_id, y.application_id),
  );
  const onFirst = pendingLists.first ? A.filter((a) => a.first_listed === pendingLists.first).length : 0;

  const notes = [
    "time to sign: days from the first pending list showing the application; quartiles interpolate between ranks",
    `the pending lists run from ${pendingLists.first ?? "—"} to ${pendingLists.latest ?? "—"}; an application already on the first one (${onFirst} here) may have been pending longer`,
    "a negative time to the signed date means ICE's signed date is earlier than the application's first pending listing",
    "dropped: missing from three consecutive pending lists spanning five days or more, with no agreement of the same agency and model listed",
  ];
  return {
    state: o.state ?? null,
    model: o.model ?? null,
    pending_lists: pendingLists,
    applications: {
      ever_pending: stage(A.map((a) => a.application_id)),
      signed: stage(signed.map((a) => a.application_id)),
      dropped: stage(ids((a) => a.status === "dropped")),
      still_pending: {
        ...stage(stillPending),
        missing_from_latest: A.filter((a) => a.status === "pending_removal").length,
      },
    },
    time_to_sign_days: { to_signed_date: quartiles(toSigned), to_first_listing: quartiles(toListing) },
    signed_agreements: {
      total: stage(sg.map((g) => g.agreement_id)),
      active: ofStatus("active"),
      removed: ofStatus("removed"),
      superseded: ofStatus("superseded"),
      pending_removal: ofStatus("pending_removal"),
    },
    signed_without_pending_listing: stage(direct.map((g) => g.agreement_id)),
    on_first_pending_list: onFirst,
    never_signed: neverSigned,
    notes,
  };
}

export async function loadApplications(db: Db, o: FunnelOptions = {}): Promise<ApplicationFact[]> {
  let q = db
    .selectFrom("application as p")
    .innerJoin("agency as a", "a.agency_id", "p.agency_id")
    .select([
      "p.application_id",
      "p.agency_id",
      "a.name as agency",
      "p.state",
      "p.model",
      "p.first_listed",
      "p.last_listed",
      "p.status",
      "p.agreement_id",
      "p.signed_on",
      "p.ended_on",
    ]);
  if (o.state) q = q.where("p.state", "=", o.state);
  if (o.model) q = q.where("p.model", "=", o.model);
  return q.orderBy("p.application_id").execute();
}

export async function funnel(db: Db, o: FunnelOptions = {}): Promise<FunnelResult> {
  const apps = await loadApplications(db, o);
  const agreements = await db
    .selectFrom("agreement")
    .select(["agreement_id", "state", "model", "first_listed", "status", "ended_on"])
    .orderBy("agreement_id")
    .execute();
  const span = await db
    .selectFrom("observation")
    .select([db.fn.min("date").as("first"), db.fn.max("date").as("latest")])
    .where("status", "=", "applied")
    .where("kind", "=", "pending")
    .executeTakeFirst();
  if (!agreements.length && !apps.length) throw new Error(EMPTY_LEDGER);
  return computeFunnel(
    apps,
    agreements,
    { first: (span?.first as string | null) ?? null, latest: (span?.latest as string | null) ?? null },
    o,
  );
}
