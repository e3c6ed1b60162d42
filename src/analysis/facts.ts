// The facts that claim checks and conflict reports compute from: every agreement with its listed
// periods and its agency's place and type, and the applied lists. Loaded once from the store;
// everything downstream is a pure function of these arrays.
import type { Db } from "../store/db.js";

export interface FactAgreement {
  agreementId: string;
  agencyId: string;
  agency: string;
  state: string;
  model: string;
  signedOn: string | null;
  firstListed: string;
  lastListed: string;
  status: string;
  endedOn: string | null;
  /** Listed intervals [start, end); end null while still listed. */
  periods: { start: string; end: string | null }[];
  agencyType: string;
  jurisdiction: string | null;
  statewide: boolean;
  countyFips: string | null;
}

export interface FactList {
  date: string;
  file: string;
  kind: string;
}

export interface Facts {
  agreements: FactAgreement[];
  /** Applied participating lists, oldest first: "computed from" names one of these. */
  lists: FactList[];
}

/** Listed on day `d`: some period has start <= d < end. */
export function activeOn(a: Pick<FactAgreement, "periods">, d: string): boolean {
  return a.periods.some((p) => p.start <= d && (p.end === null || p.end > d));
}

/** The latest applied list published on or before `d`: the list a figure as of `d` comes from. */
export function listAsOf(lists: FactList[], d: string): FactList | null {
  let best: FactList | null = null;
  for (const l of lists) if (l.date <= d) best = l;
  return best;
}

export async function loadFacts(db: Db): Promise<Facts> {
  const rows = await db
    .selectFrom("agreement as g")
    .innerJoin("agency as a", "a.agency_id", "g.agency_id")
    .select([
      "g.agreement_id",
      "g.agency_id",
      "a.name",
      "a.state",
      "g.model",
      "g.signed_on",
      "g.first_listed",
      "g.last_listed",
      "g.status",
      "g.ended_on",
      "a.type",
      "a.jurisdiction",
      "a.statewide",
      "a.county_fips",
    ])
    .orderBy("g.agreement_id")
    .execute();
  const periods = await db
    .selectFrom("agreement_period")
    .select(["agreement_id", "start", "end"])
    .orderBy("agreement_id")
    .orderBy("start")
    .execute();
  const byId = new Map<string, { start: string; end: string | null }[]>();
  for (const p of periods) {
    const list = byId.get(p.agreement_id) ?? [];
    list.push({ start: p.start, end: p.end });
    byId.set(p.agreement_id, list);
  }
  const lists = await db
    .selectFrom("observation")
    .select(["date", "original_filename as file", "kind"])
    .where("status", "=", "applied")
    .where("kind", "=", "participating")
    .orderBy("order_key")
    .execute();
  return {
    agreements: rows.map((r) => ({
      agreementId: r.agreement_id,
      agencyId: r.agency_id,
      agency: r.name,
      state: r.state,
      model: r.model,
      signedOn: r.signed_on,
      firstListed: r.first_listed,
      lastListed: r.last_listed,
      status: r.status,
      endedOn: r.ended_on,
      periods: byId.get(r.agreement_id) ?? [],
      agencyType: r.type,
      jurisdiction: r.jurisdiction,
      statewide: Number(r.statewide) === 1,
      countyFips: r.county_fips,
    })),
    lists: lists.map((l) => ({ date: l.date, file: l.file, kind: l.kind })),
  };
}
