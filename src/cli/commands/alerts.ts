// `g287 subscribe`, `subscriptions`, `unsubscribe` and `alerts enqueue|send|status`: change
// alerts by webhook or e-mail, delivered at least once through the outbox.
import fs from "node:fs";
import {
  subscribe as addSubscription,
  unsubscribe as endSubscription,
  SubscriptionError,
  alertStatus as statusOf,
} from "../../alerts/admin.js";
import { sendAlerts } from "../../alerts/deliver.js";
import { enqueueAlerts } from "../../alerts/outbox.js";
import { listSubscriptions, publicView, type Subscription } from "../../alerts/subscriptions.js";
import { alertDb } from "../../alerts/tables.js";
import { toCsv } from "../../domain/csv.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { defaultDbPath, StoreError } from "../../store/db.js";
import { dialectOf } from "../../store/dialect.js";
import type { Ctx } from "../context.js";
import { table } from "../format.js";
import { withStore } from "../store.js";

/** Alerts are about a ledger: these commands never create an empty one. */
function needLedger(c: Ctx): void {
  const file = c.g.db ?? defaultDbPath();
  // A PostgreSQL database says itself, at open, when it holds no ledger.
  if (dialectOf(file) === "sqlite" && !fs.existsSync(file))
    throw new StoreError(`no ledger at ${file}: run \`g287 ingest PATH\` (or \`npm start\`) first, or pass --db`);
}

const SUB_COLUMNS = ["id", "channel", "target", "filters", "created_at", "active"];

function subRow(s: Subscription) {
  const f = Object.entries(s.filters)
    .filter(([, v]) => v.length)
    .map(([k, v]) => `${k}=${v.join(",")}`)
    .join(" ");
  return {
    id: s.id,
    channel: s.channel.type,
    target: s.channel.type === "webhook" ? s.channel.url : s.channel.to,
    filters: f || "(everything)",
    created_at: s.created_at,
    active: s.active ? "yes" : `no (ended ${s.ended_at})`,
  };
}

export async function subscribe(
  c: Ctx,
  o: {
    webhook?: string;
    secret?: string;
    email?: string;
    state?: string[];
    county?: string[];
    agency?: string[];
    model?: string[];
    kind?: string[];
  },
): Promise<void> {
  const { g } = c;
  if (!!o.webhook === !!o.email)
    throw new UsageError("subscribe: give exactly one of --webhook URL or --email ADDRESS");
  if (o.email && o.secret) throw new UsageError("subscribe: --secret is for --webhook only");
  const secret = o.secret ?? process.env.G287_WEBHOOK_SECRET;
  if (o.webhook && !secret) throw new UsageError("subscribe: --webhook needs --secret (or $G287_WEBHOOK_SECRET)");
  const input = {
    filters: {
      state: o.state ?? [],
      county_fips: o.county ?? [],
      agency: o.agency ?? [],
      model: o.model ?? [],
      kind: o.kind ?? [],
    },
    channel: o.webhook ? { type: "webhook", url: o.webhook, secret } : { type: "email", to: o.email },
  };
  needLedger(c);
  await withStore(c, async (store) => {
    let sub: Subscription;
    try {
      sub = await addSubscription(store, input);
    } catch (e) {
      if (e instanceof SubscriptionError) throw new UsageError(`subscribe: ${e.message}`);
      throw e;
    }
    if (g.json) return c.out(toJson(publicView(sub)));
    c.out(sub.id);
    if (!g.quiet) c.err(`subscribed ${subRow(sub).target} (${subRow(sub).filters})\n`);
  });
}

export async function subscriptions(c: Ctx, o: { all?: boolean; format: string }): Promise<void> {
  const { g } = c;
  await withStore(
    c,
    async (store) => {
      const subs = await listSubscriptions(alertDb(store.db), { all: o.all });
      if (g.json) return c.out(toJson(listEnvelope(subs.map(publicView))));
      const rows = subs.map(subRow);
      if (o.format === "csv") return c.write(toCsv(SUB_COLUMNS, rows));
      c.out(rows.length ? table(SUB_COLUMNS, rows, { maxWidth: 60 }) : "no subscriptions");
    },
    { readonly: true },
  );
}

export async function unsubscribe(c: Ctx, id: string): Promise<void> {
  const { g } = c;
  needLedger(c);
  await withStore(c, async (store) => {
    const r = await endSubscription(store, id);
    if (!r) throw new InputError(id, "no such subscription (see `g287 subscriptions --all`)");
    if (g.json) return c.out(toJson({ subscription: publicView(r.subscription), cancelled: r.cancelled }));
    if (!g.quiet) c.err(`ended ${id}; ${r.cancelled} undelivered alert(s) cancelled\n`);
  });
}

export async function enqueue(c: Ctx): Promise<void> {
  const { g } = c;
  needLedger(c);
  await withStore(c, async (store) => {
    const s = await enqueueAlerts(store);
    if (g.json) return c.out(toJson(s));
    if (g.quiet) return;
    c.err(
      s.first_run
        ? `first run: recorded ${s.baseline} existing change(s) as history; nothing queued\n`
        : `${s.new} new change(s): ${s.queued} alert(s) queued, ${s.no_match} matched no subscription, ${s.historical} too old to send\n`,
    );
  });
}

export async function send(c: Ctx, o: { limit?: number }): Promise<void> {
  const { g } = c;
  needLedger(c);
  await withStore(c, async (store) => {
    const s = await sendAlerts(store, { limit: o.limit });
    if (g.json) c.out(toJson(s));
    else if (!g.quiet) {
      const lines = [
        `${s.due} due: ${s.sent} sent in ${s.deliveries} delivery(ies), ${s.failed} failed (will retry), ${s.dead} given up${s.held ? `, ${s.held} held` : ""}`,
        ...s.errors.map((e) => `  ${e.subscription_id}: ${e.rows} alert(s): ${e.error}`),
      ];
      c.err(`${lines.join("\n")}\n`);
    }
    // Cron should hear about failures: exit 1 when anything failed this run.
    const bad = s.failed + s.dead + s.held;
    if (bad > 0) throw new Error(`${bad} alert(s) not delivered in this run; see \`g287 alerts status\``);
  });
}

export async function alertStatus(c: Ctx): Promise<void> {
  const { g } = c;
  await withStore(
    c,
    async (store) => {
      const s = await statusOf(store);
      if (g.json) return c.out(toJson(s));
      const lines = [
        `subscriptions   ${s.subscriptions.active} active, ${s.subscriptions.ended} ended`,
        `outbox          ${s.outbox.pending} pending (${s.outbox.due_now} due now), ${s.outbox.sent} sent, ${s.outbox.dead} given up, ${s.outbox.cancelled} cancelled`,
        `oldest pending  ${s.oldest_pending ?? "none"}`,
        `last sent       ${s.last_sent ?? "never"}`,
        `cursor          ${s.cursor.changes} change(s) handled, newest list ${s.cursor.newest_list ?? "none"} ${JSON.stringify(s.cursor.by_outcome)}`,
      ];
      if (!process.env.G287_PUBLIC_URL) lines.push("note            G287_PUBLIC_URL is not set: alerts carry no links");
      for (const f of s.failing)
        lines.push(
          `retrying        ${f.outbox_id} (${f.subscription_id}) after ${f.attempts} failure(s), next ${f.next_attempt_at}: ${f.last_error}`,
        );
      for (const d of s.dead)
        lines.push(`given up        ${d.outbox_id} (${d.subscription_id}) ${d.change_key}: ${d.last_error}`);
      c.out(lines.join("\n"));
    },
    { readonly: true },
  );
}
