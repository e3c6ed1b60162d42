// Subscriptions: who wants which changes, and where to send them. Validated with zod at every
// boundary (CLI flags, API bodies, rows read back); secrets are stored but never shown back.

import { randomBytes } from "node:crypto";
import { z } from "zod";
import { MODELS } from "../domain/model.js";
import { stateByUsps } from "../domain/state.js";
import { CHANGE_KINDS } from "./changes.js";
import type { AlertDb } from "./tables.js";
import { webhookTargetProblem, webhookUrlProblem } from "./webhook.js";

/** A filter list: deduplicated and sorted, so equal filters compare equal. Empty = any. */
const idList = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .max(500)
    .default([])
    .transform((xs) => [...new Set(xs)].sort());

export const filtersSchema = z
  .object({
    state: idList(
      z
        .string()
        .transform((s) => s.trim().toUpperCase())
        .refine((s) => !!stateByUsps(s), "expected a two-letter state code such as TX"),
    ),
    county_fips: idList(z.string().regex(/^\d{5}$/, "expected a five-digit county FIPS code such as 48201")),
    agency: idList(
      z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/, "expected an agency id such as tx-harris-county-sheriffs-office"),
    ),
    model: idList(
      z
        .string()
        .transform((s) => s.trim().toUpperCase())
        .pipe(z.enum(MODELS, { message: "expected JEM, TFM or WSO" })),
    ),
    kind: idList(z.enum(CHANGE_KINDS, { message: `expected one of ${CHANGE_KINDS.join(", ")}` })),
  })
  .strict();
export type Filters = z.infer<typeof filtersSchema>;

export const webhookChannel = z
  .object({
    type: z.literal("webhook"),
    url: z.string().superRefine((u, ctx) => {
      const p = webhookUrlProblem(u);
      if (p) ctx.addIssue({ code: "custom", message: p });
    }),
    // The HMAC key: long enough that it cannot be guessed from signatures.
    secret: z.string().min(16, "the webhook secret must be at least 16 characters").max(512),
  })
  .strict();
export const emailChannel = z.object({ type: z.literal("email"), to: z.email().max(254) }).strict();
export const channelSchema = z.discriminatedUnion("type", [webhookChannel, emailChannel]);
export type Channel = z.infer<typeof channelSchema>;

export const subscriptionInput = z
  .object({ filters: filtersSchema.default(filtersSchema.parse({})), channel: channelSchema })
  .strict();
export type SubscriptionInput = z.input<typeof subscriptionInput>;

/**
 * The checks zod cannot run (they need DNS): a webhook's host must not resolve to a loopback,
 * private, link-local or metadata address. Problems are worded like zod's, field first.
 */
export async function channelProblems(channel: Channel): Promise<string[]> {
  if (channel.type !== "webhook") return [];
  const p = await webhookTargetProblem(channel.url, { atSubscribe: true });
  return p ? [`channel.url: ${p}`] : [];
}

export interface Subscription {
  id: string;
  filters: Filters;
  channel: Channel;
  created_at: string;
  active: boolean;
  ended_at: string | null;
}

/** A subscription as shown to an admin: the webhook secret is never echoed. */
export interface PublicSubscription extends Omit<Subscription, "channel"> {
  channel: { type: "webhook"; url: string; secret: "(set)" } | { type: "email"; to: string };
}

export function publicView(s: Subscription): PublicSubscription {
  const channel =
    s.channel.type === "webhook"
      ? { type: "webhook" as const, url: s.channel.url, secret: "(set)" as const }
      : { type: "email" as const, to: s.channel.to };
  return { ...s, channel };
}

export function newSubscriptionId(): string {
  return `sub_${randomBytes(6).toString("hex")}`;
}

export function fromRow(r: {
  subscription_id: string;
  channel: string;
  target: string;
  secret: string | null;
  filters: string;
  created_at: string;
  active: number;
  ended_at: string | null;
}): Subscription {
  const channel: Channel =
    r.channel === "webhook"
      ? { type: "webhook", url: r.target, secret: r.secret ?? "" }
      : { type: "email", to: r.target };
  return {
    id: r.subscription_id,
    // Rows were validated on the way in; parsing again fills defaults added since.
    filters: filtersSchema.parse(JSON.parse(r.filters)),
    channel,
    created_at: r.created_at,
    active: r.active === 1,
    ended_at: r.ended_at,
  };
}

export function toRow(s: Subscription) {
  return {
    subscription_id: s.id,
    channel: s.channel.type,
    target: s.channel.type === "webhook" ? s.channel.url : s.channel.to,
    secret: s.channel.type === "webhook" ? s.channel.secret : null,
    filters: JSON.stringify(s.filters),
    created_at: s.created_at,
    active: s.active ? 1 : 0,
    ended_at: s.ended_at,
  };
}

export async function listSubscriptions(db: AlertDb, opts: { all?: boolean } = {}): Promise<Subscription[]> {
  let q = db.selectFrom("subscription").selectAll().orderBy("created_at").orderBy("subscription_id");
  if (!opts.all) q = q.where("active", "=", 1);
  return (await q.execute()).map(fromRow);
}

export async function getSubscription(db: AlertDb, id: string): Promise<Subscription | null> {
  const r = await db.selectFrom("subscription").selectAll().where("subscription_id", "=", id).executeTakeFirst();
  return r ? fromRow(r) : null;
}
