// Questions answered from the store: status, roster as of a date, agreements, one agency, a diff
// between two dates, events, the review queue. Interfaces call these; they never parse sheets.
import { type SqlBool, sql } from "kysely";
import type { AgreementRow } from "../domain/columns.js";
import type { Model } from "../domain/model.js";
import type { Db } from "../store/db.js";
import { agreementQuery } from "./rows.js";

export interface StatusSummary {
  snapshots: { applied: number; quarantined: number; not_applied: number; total: number };
  observations: number;
  quarantined: { file: string; published_at: string; reason: string }[];
  agreements: { active: number; removed: number; superseded: number; pending_removal: number; total: number };
  agencies: number;
  applications: { pending: number; signed: number; dropped: number; pending_removal: number };
  latest_list: string | null;
  latest_pending_list: string | null;
  /** Review items without a decision, and those a rule or a curated row decided. */
  review: number;
  review_decided: number;
  kind_mismatches: { file: string; date: string; file_name_says: string; content_is: string }[];
}

/** Rows per status of one table, and their total. */
async function countByStatus(db: Db, table: "snapshot" | "agreement" | "application") {
  const rows = await db
    .selectFrom(table)
    .select(["status", db.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = Number(r.n);
  return { counts, total: rows.reduce((a, r) => a + Number(r.n), 0) };
}

async function count(db: Db, table: "agency" | "observation"): Promise<number> {
  const r = await db.selectFrom(table).select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function status(db: Db): Promise<StatusSummary> {
  const { counts: sc, total: files } = await countByStatus(db, "snapshot");
  const quarantined = await db
    .selectFrom("observation")
    .select(["original_filename as file", "date as published_at", "reason"])
    .where("status", "=", "quarantined")
    .orderBy("order_key")
    .execute();
  const { counts: ac, total: agreementsTotal } = await countByStatus(db, "agreement");
  const { counts: apc } = await countByStatus(db, "application");
  const latest = await db
    .selectFrom("observation")
    .select([db.fn.max("date").as("d"), "kind"])
    .where("status", "=", "applied")
    .groupBy("kind")
    .execute();
  const latestOf = (k: string) => (latest.find((l) => l.kind === k)?.d as string | undefined) ?? null;

  const mismatches = await db
    .selectFrom("event")
    .select(["date", "detail"])
    .where("type", "=", "list_kind_mismatch")
    .orderBy("seq")
    .execute();
  return {
    snapshots: {
      applied: sc.applied ?? 0,
      quarantined: sc.quarantined ?? 0,
      not_applied: sc.not_applied ?? 0,
      total: files,
    },
    observations: await count(db, "observation"),
    quarantined: quarantined.map((q) => ({ file: q.file, published_at: q.published_at, reason: q.reason ?? "" })),
    agreements: {
      active: ac.active ?? 0,
      removed: ac.removed ?? 0,
      superseded: ac.superseded ?? 0,
      pending_removal: ac.pending_removal ?? 0,
      total: agreementsTotal,
    },
    agencies: await count(db, "agency"),
    applications: {
      pending: apc.pending ?? 0,
      signed: apc.signed ?? 0,
      dropped: apc.dropped ?? 0,
      pending_removal: apc.pending_removal ?? 0,
    },
    latest_list: latestOf("participating"),
    latest_pending_list: latestOf("pending"),
    review: (await reviewQueue(db)).filter((r) => r.status === "open").length,
    review_decided: (await reviewQueue(db)).filter((r) => r.status === "decided").length,
    kind_mismatches: mismatches.map((m) => {
      const d = JSON.parse(m.detail);
      return { file: d.list, date: m.date, file_name_says: d.file_name_says, content_is: d.content_is };
    }),
  };
}

export interface RosterFilter {
  asOf: string;
  state?: string;
  model?: Model;
  /** Also the agreements missing from the list in force whose removal was not yet confirmed. */
  includeUnconfirmed?: boolean;
}

/**
 * Agreements listed on a date: exactly the list in force on that date (a listed period starts on
 * or before it and ends after it). `listing_state` says `listed`; with `includeUnconfirmed`, the
 * agreements missing from that list but not yet confirmed as removed follow, as `unconfirmed`.
 */
export async function roster(db: Db, f: RosterFilter): Promise<AgreementRow[]> {
  const listed = (await listedOn(db, f)).map((r) => ({ ...r, listing_state: "listed" }));
  if (!f.includeUnconfirmed) return listed;
  const missing = (await unconfirmedOn(db, f)).map((r) => ({ ...r, listing_state: "unconfirmed" }));
  const key = (r: AgreementRow) => `${r.state}\u0000${r.agency}\u0000${r.model}\u0000${r.agreement_id}`;
  return [...listed, ...missing].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One of the agreement's listed periods (`g`) covers `asOf`: it was on the list in force that day. */
const periodCovers = (asOf: string) =>
  sql<SqlBool>`exists (select 1 from agreement_period as p where p.agreement_id = g.agreement_id and p.start <= ${asOf} and (p."end" is null or p."end" > ${asOf}))`;

/**
 * Agreements missing from the list in force on `asOf` whose removal was not confirmed by then:
 * the gap closed later, the removal is still unconfirmed, or it was confirmed after `asOf`.
 */
async function unconfirmedOn(db: Db, f: RosterFilter): Promise<AgreementRow[]> {
  let q = agreementQuery(db)
    .where("g.first_listed", "<=", f.asOf)
    .where(sql<SqlBool>`not ${periodCovers(f.asOf)}`);
  if (f.state) q = q.where("a.state", "=", f.state);
  if (f.model) q = q.where("g.model", "=", f.model);
  const rows = (await q.execute()) as AgreementRow[];
  if (!rows.length) return [];
  const ids = rows.map((r) => r.agreement_id as string);
  const periods = new Map<string, { start: string; end: string | null }[]>();
  const confirmed = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const p of await db.selectFrom("agreement_period").selectAll().where("agreement_id", "in", chunk).execute()) {
      const list = periods.get(p.agreement_id) ?? [];
      list.push({ start: p.start, end: p.end });
      periods.set(p.agreement_id, list);
    }
    const ends = await db
      .selectFrom("event")
      .select(["agreement_id", "detail"])
      .where("type", "in", ["removed", "superseded"])
      .where("agreement_id", "in", chunk)
      .execute();
    for (const e of ends) {
      const d = JSON.parse(e.detail) as { confirmed_on?: string };
      if (d.confirmed_on && e.agreement_id) confirmed.set(e.agreement_id, d.confirmed_on);
    }
  }
  return rows.filter((r) => {
    const ps = periods.get(r.agreement_id as string) ?? [];
    if (!ps.some((p) => p.end !== null && p.end <= f.asOf)) return false;
    if (ps.some((p) => p.start > f.asOf)) return true; // a gap that closed later
    if (r.status === "pending_removal") return true;
    const c = confirmed.get(r.agreement_id as string);
    return c !== undefined && c > f.asOf;
  });
}

async function listedOn(db: Db, f: RosterFilter): Promise<AgreementRow[]> {
  let q = agreementQuery(db).where(periodCovers(f.asOf));
  if (f.state) q = q.where("a.state", "=", f.state);
  if (f.model) q = q.where("g.model", "=", f.model);
  return (await q
    .orderBy("a.state")
    .orderBy("a.name")
    .orderBy("g.model")
    .orderBy("g.agreement_id")
    .execute()) as AgreementRow[];
}

export interface AgreementFilter {
  status?: string;
  state?: string;
  model?: Model;
}

export async function agreements(db: Db, f: AgreementFilter = {}): Promise<AgreementRow[]> {
  let q = agreementQuery(db);
  if (f.status) q = q.where("g.status", "=", f.status);
  if (f.state) q = q.where("a.state", "=", f.state);
  if (f.model) q = q.where("g.model", "=", f.model);
  return (await q.orderBy("g.agreement_id").execute()) as AgreementRow[];
}

export interface EventFilter {
  type?: string;
  since?: string;
  until?: string;
  agencyId?: string;
  state?: string;
}

/** Events with their agency's name and state: the one select the event list, the pages and the API share. */
export function eventsWithAgency(db: Db) {
  // Column order is the order of the keys `events` spreads into its rows.
  return db
    .selectFrom("event as e")
    .leftJoin("agency as a", "a.agency_id", "e.agency_id")
    .select([
      "e.seq",
      "e.date",
      "e.type",
      "e.agency_id",
      "a.name as agency",
      "a.state",
      "e.agreement_id",
      "e.application_id",
      "e.obs_id",
      "e.detail",
    ]);
}

export async function events(db: Db, f: EventFilter = {}) {
  let q = eventsWithAgency(db);
  if (f.type) q = q.where("e.type", "=", f.type);
  if (f.since) q = q.where("e.date", ">=", f.since);
  if (f.until) q = q.where("e.date", "<=", f.until);
  if (f.agencyId) q = q.where("e.agency_id", "=", f.agencyId);
  if (f.state) q = q.where("a.state", "=", f.state);
  const rows = await q.orderBy("e.date").orderBy("e.seq").execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail) as Record<string, unknown>;
    return { ...r, list: (detail.list as string) ?? null, detail };
  });
}

/** A LIKE pattern for "contains `text`": its own % and _ (and the escape) match only themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Finds an agency by exact id, else by words of its name (every word must match), else by variant. */
export async function findAgencies(db: Db, text: string) {
  const exact = await db.selectFrom("agency").selectAll().where("agency_id", "=", text).execute();
  if (exact.length) return exact;
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (!words.length) return [];
  let q = db.selectFrom("agency").selectAll();
  for (const w of words) {
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`lower(names) like ${containsPattern(w)} escape '\\'`,
        sql<boolean>`agency_id like ${containsPattern(w)} escape '\\'`,
        eb(sql`lower(state)`, "=", w),
      ]),
    );
  }
  return q.orderBy("state").orderBy("name").limit(50).execute();
}

/** Each list file's first observation in replay order (`first`), to join as a list's replay key. */
export function firstSeen(db: Db) {
  return db
    .selectFrom("observation")
    .select(["snapshot_id", db.fn.min("order_key").as("first")])
    .groupBy("snapshot_id");
}

export async function agencyDetail(db: Db, agencyId: string) {
  const agency = await db.selectFrom("agency").selectAll().where("agency_id", "=", agencyId).executeTakeFirst();
  if (!agency) return null;
  const agreementsOf = (await agreementQuery(db)
    .where("g.agency_id", "=", agencyId)
    .orderBy("g.first_listed")
    .orderBy("g.model")
    .execute()) as AgreementRow[];
  const gExtra = await db
    .selectFrom("agreement")
    .select(["agreement_id", "signed_history", "gaps"])
    .where("agency_id", "=", agencyId)
    .execute();
  const extra = new Map(gExtra.map((g) => [g.agreement_id, g]));
  const periods = await db
    .selectFrom("agreement_period")
    .selectAll()
    .where("agreement_id", "in", agreementsOf.length ? agreementsOf.map((a) => a.agreement_id as string) : [""])
    .orderBy("start")
    .execute();
  const apps = await db
    .selectFrom("application")
    .selectAll()
    .where("agency_id", "=", agencyId)
    .orderBy("first_listed")
    .execute();
  const evs = await events(db, { agencyId });
  // Provenance: the first and the latest list row behind each agreement.
  const sources = await db
    .selectFrom("listing as l")
    .innerJoin("snapshot as s", "s.snapshot_id", "l.snapshot_id")
    .select([
      "l.agreement_id",
      "l.row",
      "l.tier",
      "l.note",
      "l.agency as name_as_listed",
      "l.signed_on",
      "s.snapshot_id",
      "s.original_filename",
      "s.published_at",
    ])
    // An am and a pm list of one day share published_at: the first replayed comes first, on
    // every backend (PostgreSQL returns ties in any order). Each list's replay key is worked out
    // once per request (a 1,400-row scan), not once per listing row as a correlated subquery did
    // (12 ms for an agency with a few hundred rows).
    .innerJoin(firstSeen(db).as("o"), "o.snapshot_id", "s.snapshot_id")
    .where("l.agreement_id", "in", agreementsOf.length ? agreementsOf.map((a) => a.agreement_id as string) : [""])
    .orderBy("s.published_at")
    .orderBy("o.first")
    .orderBy("l.row")
    .execute();
  return {
    agency: {
      ...agency,
      // A spelling on the agency's latest list has no end date of its own (see NameVariant).
      names: (JSON.parse(agency.names) as { name: string; firstSeen: string; lastSeen: string | null }[]).map((n) => ({
        ...n,
        lastSeen: n.lastSeen ?? agency.last_seen,
      })),
      keys: JSON.parse(agency.keys),
    },
    agreements: agreementsOf.map((a) => {
      const x = extra.get(a.agreement_id as string);
      const own = sources.filter((s) => s.agreement_id === a.agreement_id);
      return {
        ...a,
        signed_history: x ? JSON.parse(x.signed_history) : [],
        gaps: x ? JSON.parse(x.gaps) : [],
        periods: periods.filter((p) => p.agreement_id === a.agreement_id).map((p) => ({ start: p.start, end: p.end })),
        first_source: own[0] ?? null,
        latest_source: own[own.length - 1] ?? null,
        listings: own.length,
      };
    }),
    applications: apps,
    events: evs,
  };
}

export interface DiffResult {
  from: string;
  to: string;
  added: AgreementRow[];
  removed: AgreementRow[];
  changed: {
    agreement_id: string;
    agency: string | null;
    state: string | null;
    changes: { type: string; date: string; detail: unknown }[];
  }[];
  counts: { from: number; to: number; added: number; removed: number; changed: number };
}

/** What changed between two dates: agreements listed on one date and not the other, and the
 * renames, re-datings and model changes recorded in between. */
export async function diff(db: Db, from: string, to: string): Promise<DiffResult> {
  const [a, b] = await Promise.all([roster(db, { asOf: from }), roster(db, { asOf: to })]);
  const inA = new Set(a.map((r) => r.agreement_id));
  const inB = new Set(b.map((r) => r.agreement_id));
  const added = b.filter((r) => !inA.has(r.agreement_id));
  const removed = a.filter((r) => !inB.has(r.agreement_id));
  const evs = await db
    .selectFrom("event as e")
    .leftJoin("agency as a", "a.agency_id", "e.agency_id")
    .select(["e.type", "e.date", "e.detail", "e.agreement_id", "e.agency_id", "a.name", "a.state"])
    .where("e.date", ">", from)
    .where("e.date", "<=", to)
    .where("e.type", "in", ["renamed", "redated", "model_changed", "relisted_state", "moa_posted"])
    .orderBy("e.seq")
    .execute();
  const changed = new Map<string, DiffResult["changed"][number]>();
  for (const e of evs) {
    const ids = e.agreement_id
      ? [e.agreement_id]
      : b.filter((r) => r.agency_id === e.agency_id).map((r) => r.agreement_id as string);
    for (const id of ids) {
      if (!inA.has(id) || !inB.has(id)) continue;
      const c = changed.get(id) ?? { agreement_id: id, agency: e.name, state: e.state, changes: [] };
      c.changes.push({ type: e.type, date: e.date, detail: JSON.parse(e.detail) });
      changed.set(id, c);
    }
  }
  return {
    from,
    to,
    added,
    removed,
    changed: [...changed.values()],
    counts: { from: a.length, to: b.length, added: added.length, removed: removed.length, changed: changed.size },
  };
}

/** The review queue. An item is open until a rule or a curated row records a decision on it. */
export async function reviewQueue(db: Db) {
  const rows = await db.selectFrom("review").selectAll().orderBy("date").orderBy("review_id").execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail) as Record<string, unknown>;
    return { ...r, detail, status: detail.decision ? "decided" : "open" };
  });
}
