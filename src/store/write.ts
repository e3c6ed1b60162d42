// Writes what an ingest produced. Everything happens inside one transaction opened by the caller,
// so a failure leaves the store exactly as it was.
import { gunzipSync, gzipSync } from "node:zlib";
import type Sqlite from "better-sqlite3";
import type { Kysely } from "kysely";
import type { LedgerState } from "../ledger/ledger.js";
import type { Agency, Agreement, Application, LedgerEvent, Listing, ReviewItem } from "../ledger/types.js";
import type { NormalizedRow } from "../normalize/row.js";
import { addTo } from "../util/multimap.js";
import { BULK_INSERT, RAW_SQLITE } from "./db.js";
import type { Database } from "./schema.js";

/** The store's handle inside `Store.transaction`. */
type Trx = Kysely<Database>;

/** Rows per INSERT when no prepared statement can be reused: under SQLite's 32766 variables. */
const BATCH = 400;

const statements = new WeakMap<Sqlite.Database, Map<string, Sqlite.Statement>>();

export async function insertMany<T extends keyof Database>(
  trx: Trx,
  table: T,
  rows: readonly Database[T][],
): Promise<void> {
  if (rows.length === 0) return;
  // PostgreSQL's bulk form (pg/bulk.ts); SQLite's is the prepared statement below.
  const bulk = BULK_INSERT.get(trx);
  if (bulk) return bulk(table, rows);
  const raw = RAW_SQLITE.get(trx);
  if (raw) {
    // Columns come from our own row types, never from input; values are bound parameters.
    const columns = Object.keys(rows[0] as object);
    const sql = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`;
    const cache = statements.get(raw) ?? new Map<string, Sqlite.Statement>();
    statements.set(raw, cache);
    const stmt = cache.get(sql) ?? raw.prepare(sql);
    cache.set(sql, stmt);
    for (const r of rows) stmt.run(columns.map((c) => (r as unknown as Record<string, unknown>)[c] ?? null));
    return;
  }
  for (let i = 0; i < rows.length; i += BATCH) {
    // The row type is checked at the call (`Database[T]`); Kysely cannot relate it to a generic T.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + BATCH) as never)
      .execute();
  }
}

const json = (v: unknown) => JSON.stringify(v);

/** Page cache while a full replay loads: its dirty pages spill to the WAL instead of filling memory. */
const BULK_CACHE_KIB = 16 * 1024;

/**
 * Runs `load` with the secondary indexes of `tables` set aside and created again after it, in the
 * same transaction: building an index once over the loaded rows costs less than keeping it
 * ordered through ~300,000 inserts. On SQLite the page cache is also held small meanwhile (a
 * full replay writes ~190 MB). On other backends `load` simply runs.
 */
export async function withBulkLoad<T>(trx: Trx, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const raw = RAW_SQLITE.get(trx);
  if (!raw) return load();
  const marks = tables.map(() => "?").join(", ");
  // Indexes with SQL are the ones a migration created; PRIMARY KEY and UNIQUE ones have none.
  const indexes = raw
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${marks})`)
    .all(...tables) as { name: string; sql: string }[];
  const cache = raw.pragma("cache_size", { simple: true }) as number;
  for (const i of indexes) raw.exec(`drop index "${i.name.replace(/"/g, '""')}"`);
  raw.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  try {
    const out = await load();
    for (const i of indexes) raw.exec(i.sql);
    return out;
  } finally {
    raw.pragma(`cache_size = ${Number(cache)}`);
  }
}

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

/** Tables a full replay rewrites from scratch (the entities are written by `writeEntities`). */
export const REPLAY_TABLES = [
  "listing",
  "correction",
  "event",
  "review",
  "observation",
  "snapshot_rows",
  "snapshot",
] as const;
export const ENTITY_TABLES = ["agency", "agreement", "agreement_period", "application"] as const;

type Entities = { agencies: Agency[]; agreements: Agreement[]; applications: Application[] };

/** Where an agency sits, as the pipeline placed it (context/geography.ts); the store only writes it. */
export interface AgencyPlace {
  statewide: boolean;
  countyFips: string | null;
  countyName: string | null;
  ori: string | null;
  basis: string | null;
}

/** The placement of each agency, by agency id; an agency without one is written unplaced. */
export type Placements = ReadonlyMap<string, AgencyPlace>;

const UNPLACED: AgencyPlace = { statewide: false, countyFips: null, countyName: null, ori: null, basis: null };

export interface EntityRows {
  agency: Database["agency"][];
  agreement: Database["agreement"][];
  agreement_period: Database["agreement_period"][];
  application: Database["application"][];
}

export function entityRows(e: Entities, placements: Placements): EntityRows {
  const stateOf = new Map(e.agencies.map((a) => [a.agencyId, a.state]));
  return {
    agency: e.agencies.map((a) => {
      const p = placements.get(a.agencyId) ?? UNPLACED;
      return {
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
        county_fips: p.countyFips,
        county_name: p.countyName,
        statewide: p.statewide ? 1 : 0,
        ori: p.ori,
        place_basis: p.basis,
      };
    }),
    agreement: e.agreements.map((a) => ({
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
    agreement_period: e.agreements.flatMap((a) =>
      a.periods.map((p) => ({ agreement_id: a.agreementId, start: p.start, end: p.end })),
    ),
    application: e.applications.map((a) => ({
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
  };
}

/** Replaces the entity tables with the ledger's current entities. */
export async function writeEntities(trx: Trx, rows: EntityRows): Promise<void> {
  for (const t of ENTITY_TABLES) {
    await trx.deleteFrom(t).execute();
    await insertMany(trx, t, rows[t]);
  }
}

// Each new list moves the last-seen date of every agency and agreement on it; that drift is
// written with one UPDATE per date, and only rows that changed otherwise are rewritten.
const TABLES = [
  { table: "agency", key: "agency_id", drift: "last_seen" },
  { table: "agreement", key: "agreement_id", drift: "last_listed" },
  { table: "application", key: "application_id", drift: "last_listed" },
] as const;

const CHUNK = 500;

/** Two rows of one table (all values scalars) alike in every column but `drift`. */
function sameBesides(a: Record<string, unknown>, b: Record<string, unknown>, drift: string): boolean {
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  for (const k of keys) if (k !== drift && a[k] !== b[k]) return false;
  return true;
}

/**
 * Writes only what changed between two sets of entities (an incremental ingest). `prev` must be
 * taken before the ledger applies anything: the ledger mutates the entities it was loaded with.
 */
export async function writeEntityChanges(trx: Trx, prev: EntityRows, next: EntityRows): Promise<number> {
  let written = 0;
  for (const { table, key, drift } of TABLES) {
    const old = new Map((prev[table] as unknown as Record<string, unknown>[]).map((r) => [r[key] as string, r]));
    const replace: Record<string, unknown>[] = [];
    const moved = new Map<string, string[]>();
    for (const r of next[table] as unknown as Record<string, unknown>[]) {
      const id = r[key] as string;
      const p = old.get(id);
      old.delete(id);
      if (!p || !sameBesides(p, r, drift)) replace.push(r);
      else if (p[drift] !== r[drift]) addTo(moved, r[drift] as string, id);
    }
    const gone = [...old.keys(), ...replace.map((r) => r[key] as string)];
    for (let i = 0; i < gone.length; i += CHUNK) {
      // biome-ignore lint/suspicious/noExplicitAny: table and key are a matched pair from TABLES
      await (trx.deleteFrom(table) as any).where(key, "in", gone.slice(i, i + CHUNK)).execute();
    }
    await insertMany(trx, table, replace as never);
    for (const [date, ids] of moved) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        // biome-ignore lint/suspicious/noExplicitAny: as above
        await (trx.updateTable(table) as any)
          .set({ [drift]: date })
          .where(key, "in", ids.slice(i, i + CHUNK))
          .execute();
      }
    }
    written += replace.length + old.size;
  }
  // Periods change only when an agreement starts or ends one.
  const periodsOf = (rows: Database["agreement_period"][]) => {
    const m = new Map<string, string>();
    for (const p of rows) m.set(p.agreement_id, `${m.get(p.agreement_id) ?? ""}|${p.start}:${p.end}`);
    return m;
  };
  const [pb, pa] = [periodsOf(prev.agreement_period), periodsOf(next.agreement_period)];
  const changed = [...new Set([...pb.keys(), ...pa.keys()])].filter((id) => pb.get(id) !== pa.get(id));
  for (let i = 0; i < changed.length; i += CHUNK) {
    await trx
      .deleteFrom("agreement_period")
      .where("agreement_id", "in", changed.slice(i, i + CHUNK))
      .execute();
  }
  const ids = new Set(changed);
  await insertMany(
    trx,
    "agreement_period",
    next.agreement_period.filter((p) => ids.has(p.agreement_id)),
  );
  return written + changed.length;
}

// The state is ~2 MB of JSON; compressed it is a tenth of that to write and to commit.
export async function writeLedgerState(trx: Trx, state: LedgerState): Promise<void> {
  await trx.deleteFrom("ledger_state").execute();
  await trx
    .insertInto("ledger_state")
    .values({ id: 1, state: gzipSync(json(state), { level: 1 }), updated_at: state.lastOrder })
    .execute();
}

export function readLedgerState(row: { state: Uint8Array }): LedgerState {
  return JSON.parse(gunzipSync(row.state).toString("utf8")) as LedgerState;
}

export async function setMeta(trx: Trx, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await trx.deleteFrom("meta").where("key", "=", key).execute();
    await trx.insertInto("meta").values({ key, value }).execute();
  }
}

/** Derives each snapshot's dates and status from its observations. */
export async function refreshSnapshotStatus(trx: Trx, snapshotIds: string[]): Promise<void> {
  const byId = new Map<
    string,
    { date: string; status: string; reason: string | null; basis_detail: string; date_rule: string | null }[]
  >();
  for (let i = 0; i < snapshotIds.length; i += CHUNK) {
    const rows = await trx
      .selectFrom("observation")
      .select(["snapshot_id", "date", "status", "reason", "basis_detail", "date_rule", "order_key"])
      .where("snapshot_id", "in", snapshotIds.slice(i, i + CHUNK))
      .orderBy("snapshot_id")
      .orderBy("order_key")
      .execute();
    for (const o of rows) addTo(byId, o.snapshot_id, o);
  }
  for (const id of snapshotIds) {
    const obs = byId.get(id);
    if (!obs?.length) continue;
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
