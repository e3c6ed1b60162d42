// The agreements a statistic counts, shared by stats, timeline, funnel and coverage: plain rows
// (agreement + agency placement + listed periods), the date rules, and one loader from the store.
import type { AgreementItem } from "../domain/files.js";
import type { Model } from "../domain/model.js";
import type { Db } from "../store/db.js";
import { cmp } from "../util/compare.js";

export interface Period {
  start: string;
  /** The first list without the agreement; null = still listed. */
  end: string | null;
}

/** One agreement with what the statistics need of its agency. */
export interface AgreementFact
  extends Pick<
    AgreementItem,
    | "agreement_id"
    | "agency_id"
    | "agency"
    | "state"
    | "model"
    | "signed_on"
    | "first_listed"
    | "last_listed"
    | "status"
    | "ended_on"
    | "agency_type"
    | "jurisdiction"
    | "county_fips"
    | "statewide"
  > {
  county_name: string | null;
  periods: Period[];
}

export interface PopulationFilter {
  /** Agreements listed on this date (a period with start <= d < end). */
  asOf: string;
  /** Every agreement ever listed instead of those listed on asOf. */
  ever?: boolean;
  /** Inclusive bounds on signed_on. */
  signedFrom?: string;
  signedTo?: string;
  state?: string;
  model?: Model | string;
}

/** The rule behind every roster: listed on d when some period has start <= d < end (end null = open). */
export function activeOn(periods: readonly Period[], d: string): boolean {
  return periods.some((p) => p.start <= d && (p.end === null || p.end > d));
}

export interface Population {
  rows: AgreementFact[];
  /** Agreements left out only because --signed-from/--signed-to cannot be tested on them. */
  unknownSignedExcluded: string[];
  /** Plain words for the output: which agreements were counted. */
  basis: string;
}

/** Picks the agreements a statistic counts. Agreements without a signed date stay in unless a
 * signed-date bound is given; then they are listed apart rather than silently dropped. */
export function selectPopulation(all: readonly AgreementFact[], f: PopulationFilter): Population {
  const rows: AgreementFact[] = [];
  const unknownSignedExcluded: string[] = [];
  const bounded = f.signedFrom !== undefined || f.signedTo !== undefined;
  for (const a of all) {
    if (f.state && a.state !== f.state) continue;
    if (f.model && a.model !== f.model) continue;
    if (!f.ever && !activeOn(a.periods, f.asOf)) continue;
    if (bounded) {
      if (a.signed_on === null) {
        unknownSignedExcluded.push(a.agreement_id);
        continue;
      }
      if (f.signedFrom !== undefined && a.signed_on < f.signedFrom) continue;
      if (f.signedTo !== undefined && a.signed_on > f.signedTo) continue;
    }
    rows.push(a);
  }
  rows.sort((a, b) => cmp(a.agreement_id, b.agreement_id));
  return { rows, unknownSignedExcluded, basis: describePopulation(f) };
}

export function describePopulation(f: PopulationFilter): string {
  const parts = [f.ever ? "every agreement ever listed" : `agreements listed on ${f.asOf}`];
  if (f.state) parts.push(`in ${f.state}`);
  if (f.model) parts.push(`model ${f.model}`);
  if (f.signedFrom && f.signedTo) parts.push(`signed ${f.signedFrom} to ${f.signedTo}`);
  else if (f.signedFrom) parts.push(`signed on or after ${f.signedFrom}`);
  else if (f.signedTo) parts.push(`signed on or before ${f.signedTo}`);
  return parts.join(", ");
}

// ---------------------------------------------------------------- loader

/** Every agreement with its agency's placement and its listed periods. */
export async function loadFacts(db: Db, f: { state?: string; model?: string } = {}): Promise<AgreementFact[]> {
  let q = db
    .selectFrom("agreement as g")
    .innerJoin("agency as a", "a.agency_id", "g.agency_id")
    .select([
      "g.agreement_id",
      "g.agency_id",
      "a.name as agency",
      "a.state",
      "g.model",
      "g.signed_on",
      "g.first_listed",
      "g.last_listed",
      "g.status",
      "g.ended_on",
      "a.type as agency_type",
      "a.jurisdiction",
      "a.county_fips",
      "a.county_name",
      "a.statewide",
    ]);
  if (f.state) q = q.where("a.state", "=", f.state);
  if (f.model) q = q.where("g.model", "=", f.model);
  const rows = await q.orderBy("g.agreement_id").execute();
  const periods = await db
    .selectFrom("agreement_period")
    .select(["agreement_id", "start", "end"])
    .orderBy("agreement_id")
    .orderBy("start")
    .execute();
  const byId = new Map<string, Period[]>();
  for (const p of periods) {
    const list = byId.get(p.agreement_id) ?? [];
    list.push({ start: p.start, end: p.end });
    byId.set(p.agreement_id, list);
  }
  return rows.map((r) => ({
    ...r,
    statewide: Number(r.statewide) === 1,
    periods: byId.get(r.agreement_id) ?? [],
  }));
}

/** The date of the latest applied participating list: the default "as of" of every statistic. */
export async function latestListDate(db: Db): Promise<string | null> {
  const r = await db
    .selectFrom("observation")
    .select(db.fn.max("date").as("d"))
    .where("status", "=", "applied")
    .where("kind", "=", "participating")
    .executeTakeFirst();
  return (r?.d as string | null | undefined) ?? null;
}

/** The first and latest applied participating lists. */
export async function recordSpan(db: Db): Promise<{ first_list: string; latest_list: string } | null> {
  const r = await db
    .selectFrom("observation")
    .select([db.fn.min("date").as("first"), db.fn.max("date").as("latest")])
    .where("status", "=", "applied")
    .where("kind", "=", "participating")
    .executeTakeFirst();
  if (!r?.first || !r.latest) return null;
  return { first_list: r.first as string, latest_list: r.latest as string };
}

export const EMPTY_LEDGER = "the ledger holds no applied list yet: run `g287 ingest` (or `g287 start`) first";

/** What a date outside the record means for a count on it. */
export function asOfNotes(asOf: string, span: { first_list: string; latest_list: string } | null): string[] {
  if (!span) return [];
  if (asOf < span.first_list)
    return [
      `${asOf} is before the first list in the record (${span.first_list}): the ledger cannot say what was listed then`,
    ];
  if (asOf > span.latest_list)
    return [`${asOf} is after the latest list (${span.latest_list}): the counts are those of the latest list`];
  return [];
}
