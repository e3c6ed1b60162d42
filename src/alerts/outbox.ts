// The outbox: turns new ledger changes into one row per subscription × change, and tracks each
// row until it is delivered. Delivery is at-least-once: rows are written and the cursor advanced
// in one transaction, and a row is marked sent only after the receiver accepted it.
//
// The cursor is the set of change keys already handled (alert_cursor), not an event seq: a full
// replay (`g287 rebuild`, or an ingest that replays because the rules changed or an older list
// arrived) deletes and renumbers every event, but gives the same changes the same keys.
//
// What counts as new:
// - The first enqueue on a ledger records every change in it as `baseline` and sends nothing: the
//   history is not news.
// - A new subscription starts from its creation: `subscribe` runs an enqueue for the existing
//   subscriptions first, in the same transaction, so every change already in the ledger is in
//   the cursor before the subscription exists.
// - A change whose key is new but whose list is older than the newest list already handled by
//   more than `historyDays` (default 14) is `historical`, not sent: that is a replay rewriting
//   the past (a fix table that merges two spellings of 2022), not something ICE just published.
import { createHash } from "node:crypto";
import type { Store } from "../store/db.js";
import type { Change } from "./changes.js";
import { recipients } from "./match.js";
import { readChanges } from "./read.js";
import { listSubscriptions } from "./subscriptions.js";
import { type AlertCursorTable, type AlertDb, alertDb, type OutboxTable } from "./tables.js";

export const DEFAULT_HISTORY_DAYS = 14;
const BATCH = 400;

export interface EnqueueOptions {
  now?: Date;
  historyDays?: number;
}

export interface EnqueueSummary {
  /** Changes in the ledger (alertable events, one per key). */
  changes: number;
  /** Keys the cursor had not seen. */
  new: number;
  /** Outbox rows written. */
  queued: number;
  no_match: number;
  baseline: number;
  historical: number;
  first_run: boolean;
}

export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Stable per subscription and change, so a replayed enqueue writes the same id. */
export function outboxId(subscriptionId: string, changeKey: string): string {
  return `ob_${createHash("sha256").update(`${subscriptionId}\n${changeKey}`).digest("hex").slice(0, 24)}`;
}

export async function enqueueAlerts(store: Store, opts: EnqueueOptions = {}): Promise<EnqueueSummary> {
  return store.transaction((db) => enqueueWithin(alertDb(db), opts));
}

/** The enqueue itself, inside a transaction the caller holds. */
export async function enqueueWithin(db: AlertDb, opts: EnqueueOptions = {}): Promise<EnqueueSummary> {
  const now = (opts.now ?? new Date()).toISOString();
  const historyDays = opts.historyDays ?? DEFAULT_HISTORY_DAYS;
  const seen = new Set((await db.selectFrom("alert_cursor").select("change_key").execute()).map((r) => r.change_key));
  const firstRun = seen.size === 0;
  const high = await db
    .selectFrom("alert_cursor")
    .select((eb) => eb.fn.max("list_date").as("d"))
    .executeTakeFirst();
  const floor = high?.d ? addDays(high.d, -historyDays) : null;
  const changes = await readChanges(db);
  const subs = await listSubscriptions(db);

  const summary: EnqueueSummary = {
    changes: changes.length,
    new: 0,
    queued: 0,
    no_match: 0,
    baseline: 0,
    historical: 0,
    first_run: firstRun,
  };
  const cursorRows: AlertCursorTable[] = [];
  const outboxRows: OutboxTable[] = [];
  for (const c of changes) {
    if (seen.has(c.key)) continue;
    summary.new++;
    let outcome: "queued" | "no_match" | "baseline" | "historical";
    let to: typeof subs = [];
    if (firstRun) outcome = "baseline";
    else if (floor && c.list.published_at < floor) outcome = "historical";
    else {
      to = recipients(subs, c);
      outcome = to.length ? "queued" : "no_match";
    }
    if (outcome !== "queued") summary[outcome]++;
    cursorRows.push({
      change_key: c.key,
      kind: c.kind,
      list_date: c.list.published_at,
      seen_at: now,
      outcome,
      recipients: to.length,
    });
    for (const s of to) outboxRows.push(outboxRow(s.id, c, now));
  }
  for (let i = 0; i < cursorRows.length; i += BATCH) {
    await db
      .insertInto("alert_cursor")
      .values(cursorRows.slice(i, i + BATCH))
      .onConflict((oc) => oc.column("change_key").doNothing())
      .execute();
  }
  for (let i = 0; i < outboxRows.length; i += BATCH) {
    const r = await db
      .insertInto("outbox")
      .values(outboxRows.slice(i, i + BATCH))
      .onConflict((oc) => oc.columns(["subscription_id", "change_key"]).doNothing())
      .executeTakeFirst();
    summary.queued += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return summary;
}

function outboxRow(subscriptionId: string, c: Change, now: string): OutboxTable {
  return {
    outbox_id: outboxId(subscriptionId, c.key),
    subscription_id: subscriptionId,
    change_key: c.key,
    kind: c.kind,
    payload: JSON.stringify(c),
    created_at: now,
    status: "pending",
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    last_error: null,
    sent_at: null,
  };
}

export interface DueRow {
  outbox_id: string;
  subscription_id: string;
  change: Change;
  attempts: number;
}

/**
 * Claims the rows due now for delivery: pending, past their retry time, of an active
 * subscription, and not leased by another `alerts send` (a lease that outlived its process, say
 * after a crash mid-send, expires and the row is sent again with the same delivery id).
 */
export async function claimDue(store: Store, opts: { now: Date; leaseMs: number; limit: number }): Promise<DueRow[]> {
  const now = opts.now.toISOString();
  const lease = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  return store.transaction(async (raw) => {
    const db = alertDb(raw);
    const rows = await db
      .selectFrom("outbox")
      .innerJoin("subscription", "subscription.subscription_id", "outbox.subscription_id")
      .select(["outbox.outbox_id", "outbox.subscription_id", "outbox.payload", "outbox.attempts"])
      .where("outbox.status", "=", "pending")
      .where("subscription.active", "=", 1)
      .where("outbox.next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("outbox.lease_until", "is", null), eb("outbox.lease_until", "<", now)]))
      .orderBy("outbox.created_at")
      .orderBy("outbox.outbox_id")
      .limit(opts.limit)
      .execute();
    const ids = rows.map((r) => r.outbox_id);
    for (let i = 0; i < ids.length; i += BATCH) {
      await db
        .updateTable("outbox")
        .set({ lease_until: lease })
        .where("outbox_id", "in", ids.slice(i, i + BATCH))
        .execute();
    }
    return rows.map((r) => ({
      outbox_id: r.outbox_id,
      subscription_id: r.subscription_id,
      change: JSON.parse(r.payload) as Change,
      attempts: r.attempts,
    }));
  });
}

export async function markSent(store: Store, ids: string[], at: Date): Promise<void> {
  const db = alertDb(store.db);
  for (let i = 0; i < ids.length; i += BATCH) {
    await db
      .updateTable("outbox")
      .set((eb) => ({
        status: "sent",
        sent_at: at.toISOString(),
        lease_until: null,
        last_error: null,
        attempts: eb("attempts", "+", 1),
      }))
      .where("outbox_id", "in", ids.slice(i, i + BATCH))
      .where("status", "=", "pending")
      .execute();
  }
}

export interface RetryPolicy {
  /** Delay before the next send run may retry: doubled per failed run (default 5 minutes). */
  retryBaseMs: number;
  /** Longest delay between runs (default 6 hours). */
  retryMaxMs: number;
  /** Failed runs after which a row is given up as `dead` (default 8). */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retryBaseMs: 5 * 60_000, retryMaxMs: 6 * 3600_000, maxAttempts: 8 };

/**
 * Records a failed delivery: retried by a later run with exponential backoff, or given up. `final`
 * gives it up at once: a target the outbound policy refuses will be refused on every run.
 */
export async function markFailed(
  store: Store,
  rows: Pick<DueRow, "outbox_id" | "attempts">[],
  error: string,
  at: Date,
  policy: RetryPolicy,
  opts: { countAttempt?: boolean; final?: boolean } = {},
): Promise<number> {
  const db = alertDb(store.db);
  let dead = 0;
  for (const r of rows) {
    const attempts = r.attempts + (opts.countAttempt === false ? 0 : 1);
    const delay = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempts - 1));
    const isDead = opts.final === true || attempts >= policy.maxAttempts;
    if (isDead) dead++;
    await db
      .updateTable("outbox")
      .set({
        status: isDead ? "dead" : "pending",
        attempts,
        last_error: error.slice(0, 500),
        lease_until: null,
        next_attempt_at: new Date(at.getTime() + delay).toISOString(),
      })
      .where("outbox_id", "=", r.outbox_id)
      .where("status", "=", "pending")
      .execute();
  }
  return dead;
}
