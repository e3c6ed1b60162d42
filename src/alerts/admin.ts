// Managing subscriptions and reading the outbox's state: what the CLI and the admin API call.
import type { Store } from "../store/db.js";
import { DEFAULT_HISTORY_DAYS, enqueueWithin } from "./outbox.js";
import {
  channelProblems,
  getSubscription,
  newSubscriptionId,
  type Subscription,
  type SubscriptionInput,
  subscriptionInput,
  toRow,
} from "./subscriptions.js";
import { alertDb } from "./tables.js";

/** Bad subscription input: each issue names the field. The CLI exits 2, the API answers 400. */
export class SubscriptionError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(issues.join("; "));
    this.name = "SubscriptionError";
    this.issues = issues;
  }
}

export function parseSubscription(input: unknown): ReturnType<typeof subscriptionInput.parse> {
  const r = subscriptionInput.safeParse(input);
  if (!r.success) throw new SubscriptionError(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`));
  return r.data;
}

/**
 * Adds a subscription. It starts from now: the changes already in the ledger are first queued
 * for the existing subscriptions (and so enter the cursor), in the same transaction.
 */
export async function subscribe(
  store: Store,
  input: SubscriptionInput | unknown,
  opts: { now?: Date; historyDays?: number } = {},
): Promise<Subscription> {
  const parsed = parseSubscription(input);
  const refused = await channelProblems(parsed.channel);
  if (refused.length) throw new SubscriptionError(refused);
  return store.transaction(async (raw) => {
    const db = alertDb(raw);
    if (parsed.filters.agency.length) {
      const known = new Set(
        (
          await db.selectFrom("agency").select("agency_id").where("agency_id", "in", parsed.filters.agency).execute()
        ).map((r) => r.agency_id),
      );
      const unknown = parsed.filters.agency.filter((a) => !known.has(a));
      if (unknown.length)
        throw new SubscriptionError(
          unknown.map((a) => `filters.agency: no agency ${a} in the ledger (find ids with \`g287 agency NAME\`)`),
        );
    }
    await enqueueWithin(db, { now: opts.now, historyDays: opts.historyDays ?? DEFAULT_HISTORY_DAYS });
    const sub: Subscription = {
      id: newSubscriptionId(),
      filters: parsed.filters,
      channel: parsed.channel,
      created_at: (opts.now ?? new Date()).toISOString(),
      active: true,
      ended_at: null,
    };
    await db.insertInto("subscription").values(toRow(sub)).execute();
    return sub;
  });
}

/** Ends a subscription; its undelivered rows are cancelled. Null when there is no such id. */
export async function unsubscribe(
  store: Store,
  id: string,
  opts: { now?: Date } = {},
): Promise<{ subscription: Subscription; cancelled: number } | null> {
  return store.transaction(async (raw) => {
    const db = alertDb(raw);
    const sub = await getSubscription(db, id);
    if (!sub) return null;
    const at = (opts.now ?? new Date()).toISOString();
    if (sub.active) {
      await db.updateTable("subscription").set({ active: 0, ended_at: at }).where("subscription_id", "=", id).execute();
    }
    const r = await db
      .updateTable("outbox")
      .set({ status: "cancelled", lease_until: null })
      .where("subscription_id", "=", id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return {
      subscription: { ...sub, active: false, ended_at: sub.ended_at ?? at },
      cancelled: Number(r.numUpdatedRows),
    };
  });
}

export interface AlertStatus {
  subscriptions: { active: number; ended: number };
  outbox: { pending: number; due_now: number; sent: number; dead: number; cancelled: number };
  oldest_pending: string | null;
  last_sent: string | null;
  cursor: { changes: number; newest_list: string | null; by_outcome: Record<string, number> };
  dead: {
    outbox_id: string;
    subscription_id: string;
    change_key: string;
    attempts: number;
    last_error: string | null;
  }[];
  failing: {
    outbox_id: string;
    subscription_id: string;
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
  }[];
}

export async function alertStatus(store: Store, opts: { now?: Date } = {}): Promise<AlertStatus> {
  const db = alertDb(store.db);
  const now = (opts.now ?? new Date()).toISOString();
  const subs = await db
    .selectFrom("subscription")
    .select(["active", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("active")
    .execute();
  const box = await db
    .selectFrom("outbox")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const count = (s: string) => Number(box.find((b) => b.status === s)?.n ?? 0);
  const dueNow = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .executeTakeFirstOrThrow();
  const times = await db
    .selectFrom("outbox")
    .select((eb) => [
      eb.fn.min(eb.case().when("status", "=", "pending").then(eb.ref("created_at")).end()).as("oldest"),
      eb.fn.max("sent_at").as("last_sent"),
    ])
    .executeTakeFirst();
  const cursor = await db
    .selectFrom("alert_cursor")
    .select(["outcome", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.max("list_date").as("newest")])
    .groupBy("outcome")
    .execute();
  const dead = await db
    .selectFrom("outbox")
    .select(["outbox_id", "subscription_id", "change_key", "attempts", "last_error"])
    .where("status", "=", "dead")
    .orderBy("created_at", "desc")
    .limit(20)
    .execute();
  const failing = await db
    .selectFrom("outbox")
    .select(["outbox_id", "subscription_id", "attempts", "next_attempt_at", "last_error"])
    .where("status", "=", "pending")
    .where("attempts", ">", 0)
    .orderBy("next_attempt_at")
    .limit(20)
    .execute();
  const newest = cursor
    .map((c) => c.newest as string | null)
    .filter((d): d is string => !!d)
    .sort();
  return {
    subscriptions: {
      active: Number(subs.find((s) => s.active === 1)?.n ?? 0),
      ended: Number(subs.find((s) => s.active === 0)?.n ?? 0),
    },
    outbox: {
      pending: count("pending"),
      due_now: Number(dueNow.n),
      sent: count("sent"),
      dead: count("dead"),
      cancelled: count("cancelled"),
    },
    oldest_pending: (times?.oldest as string | null) ?? null,
    last_sent: (times?.last_sent as string | null) ?? null,
    cursor: {
      changes: cursor.reduce((n, c) => n + Number(c.n), 0),
      newest_list: newest[newest.length - 1] ?? null,
      by_outcome: Object.fromEntries(cursor.map((c) => [c.outcome, Number(c.n)])),
    },
    dead,
    failing,
  };
}
