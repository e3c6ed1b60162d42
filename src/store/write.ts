// Writes what an ingest produced. Everything happens inside one transaction opened by the caller,
// so a failure leaves the store exactly as it was.
import { gunzipSync } from "node:zlib";
import type { Transaction } from "kysely";
import type { LedgerState } from "../ledger/ledger.js";
import type { Agency, Agreement, Application, LedgerEvent, Listing, ReviewItem } from "../ledger/types.js";
import type { NormalizedRow } from "../normalize/row.js";
import type { Database } from "./schema.js";

type Trx = Transaction<Database>;

/** Rows per INSERT: well under SQLite's 32766 bound variables for our widest table. */
const BATCH = 400;

export async function insertMany<T extends keyof Database>(
  trx: Trx,
  table: T,
  rows: readonly Database[T][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    // The row type is checked at the call (`Database[T]`); Kysely cannot relate it to a generic T.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + BATCH) as never)
      .execute();
  }
}

const json = (v: unknown) => JSON.stringify(v);

export function listingRow(r: NormalizedRow, l: Listing): Database["listing"] {
  return {
    snapshot_id: l.snapshotId,
    row: r.row,
    state: r.state,
    agency: r.agency,
    agency_key: r.agencyKey,
    jurisdiction: r.jurisdiction,
    county: r.county,
    model: r.model,
    signed_on: r.signedOn,
    moa_url: r.moaUrl,
    moa_status: r.moaStatus,
    addendum_url: r.addendumUrl,
    agency_id: l.agencyId,
    agreement_id: l.agreementId,
    application_id: l.applicationId,
    tier: l.tier,
    note: l.note,
  };
}

export function correctionRows(snapshotId: string, rows: NormalizedRow[]): Database["correction"][] {
  return rows.flatMap((r) =>
    r.corrections.map((c) => ({
      snapshot_id: snapshotId,
      row: r.row,
      field: c.field,
      rule: c.rule,
      before: c.before,
      after: c.after,
      evidence: c.evidence ?? null,
    })),
  );
}

export function eventRow(e: LedgerEvent): Database["event"] {
  return {
    seq: e.seq,
    type: e.type,
    date: e.date,
    obs_id: e.obsId,
    snapshot_id: e.snapshotId,
    agency_id: e.agencyId,
    agreement_id: e.agreementId,
    application_id: e.applicationId,
    detail: json(e.detail),
  };
}

export function reviewRows(items: ReviewItem[]): Database["review"][] {
  return items.map((r, i) => ({
    review_id: `${r.obsId}#${i + 1}`,
    obs_id: r.obsId,
    snapshot_id: r.snapshotId,
    date: r.date,
    row: r.row,
    reason: r.reason,
    detail: json(r.detail),
  }));
}

/** Replaces the entity tables with the ledger's current entities. */
export async function writeEntities(
  trx: Trx,
  e: { agencies: Agency[]; agreements: Agreement[]; applications: Application[] },
): Promise<void> {
  await trx.deleteFrom("agency").execute();
  await trx.deleteFrom("agreement").execute();
  await trx.deleteFrom("agreement_period").execute();
  await trx.deleteFrom("application").execute();
  const stateOf = new Map(e.agencies.map((a) => [a.agencyId, a.state]));
  await insertMany(
    trx,
    "agency",
    e.agencies.map((a) => ({
      agency_id: a.agencyId,
      state: a.state,
      state_fips: a.stateFips,
      name: a.name,
      jurisdiction: a.jurisdiction,
      type: a.type,
      county: a.county,
      first_seen: a.firstSeen,
      last_seen: a.lastSeen,
      names: json(a.names),
      keys: json(a.keys),
    })),
  );
  await insertMany(
    trx,
    "agreement",
    e.agreements.map((a) => ({
      agreement_id: a.agreementId,
      agency_id: a.agencyId,
      state: stateOf.get(a.agencyId) ?? "",
      model: a.model,
      signed_on: a.signedOn,
      first_listed: a.firstListed,
      last_listed: a.lastListed,
      status: a.status,
      ended_on: a.endedOn,
      moa_url: a.moaUrl,
      addendum_url: a.addendumUrl,
      predecessor_id: a.predecessorId,
      successor_id: a.successorId,
      signed_history: json(a.signedHistory),
      gaps: json(a.gaps),
    })),
  );
  await insertMany(
    trx,
    "agreement_period",
    e.agreements.flatMap((a) => a.periods.map((p) => ({ agreement_id: a.agreementId, start: p.start, end: p.end }))),
  );
  await insertMany(
    trx,
    "application",
    e.applications.map((a) => ({
      application_id: a.applicationId,
      agency_id: a.agencyId,
      state: stateOf.get(a.agencyId) ?? "",
      model: a.model,
      first_listed: a.firstListed,
      last_listed: a.lastListed,
      status: a.status,
      agreement_id: a.agreementId,
      signed_on: a.signedOn,
      ended_on: a.endedOn,
    })),
  );
}

export async function writeLedgerState(trx: Trx, state: LedgerState): Promise<void> {
  await trx.deleteFrom("ledger_state").execute();
  await trx
    .insertInto("ledger_state")
    .values({ id: 1, state: json(state), updated_at: state.lastOrder })
    .execute();
}

export async function setMeta(trx: Trx, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await trx.deleteFrom("meta").where("key", "=", key).execute();
    await trx.insertInto("meta").values({ key, value }).execute();
  }
}

/** Derives each snapshot's dates and status from its observations. */
export async function refreshSnapshotStatus(trx: Trx, snapshotIds: string[]): Promise<void> {
  for (const id of snapshotIds) {
    const obs = await trx
      .selectFrom("observation")
      .select(["date", "status", "reason", "basis_detail", "date_rule"])
      .where("snapshot_id", "=", id)
      .orderBy("order_key")
      .execute();
    if (!obs.length) continue;
    const first = obs[0] as (typeof obs)[number];
    const applied = obs.some((o) => o.status === "applied");
    const quarantined = obs.filter((o) => o.status === "quarantined").pop();
    const dates = obs.map((o) => o.date).sort();
    await trx
      .updateTable("snapshot")
      .set({
        published_at: first.date,
        published_basis: first.date_rule ?? first.basis_detail,
        first_seen: dates[0] as string,
        last_seen: dates[dates.length - 1] as string,
        status: applied ? "applied" : quarantined ? "quarantined" : "not_applied",
        status_reason: applied ? null : (quarantined?.reason ?? null),
      })
      .where("snapshot_id", "=", id)
      .execute();
  }
}

export function readSnapshotRows(row: Database["snapshot_rows"]): { columns: string[]; rows: [number, unknown[]][] } {
  return { columns: JSON.parse(row.columns), rows: JSON.parse(gunzipSync(row.rows_gz).toString("utf8")) };
}
