// Sends what the outbox holds: one signed POST per row to a webhook, one digest per batch of rows
// to an e-mail address. A row is marked sent only after the receiver accepted it; a failure is
// retried by a later run with exponential backoff, and given up as `dead` after a few runs, or at
// once when the outbound policy refuses the target (it would be refused on every run).
import { createHash } from "node:crypto";
import type { Store } from "../store/db.js";
import { addTo } from "../util/multimap.js";
import { alertJson, digest, publicBase } from "./compose.js";
import { createMailer, type Mailer, mailConfig } from "./email.js";
import { claimDue, DEFAULT_RETRY, type DueRow, markFailed, markSent, type RetryPolicy } from "./outbox.js";
import { getSubscription } from "./subscriptions.js";
import { alertDb } from "./tables.js";
import { postWebhook, type WebhookOptions } from "./webhook.js";

export interface SendOptions extends WebhookOptions, Partial<RetryPolicy> {
  /** The clock, for tests (default: the real one). */
  now?: () => Date;
  /** Rows per run (default 1000). */
  limit?: number;
  /** How long a run holds its rows before another run may take them (default 5 minutes). */
  leaseMs?: number;
  /** Changes per e-mail digest (default 200). */
  digestMax?: number;
  /** Base URL of the web app for links (default $G287_PUBLIC_URL). */
  publicUrl?: string | null;
  smtpUrl?: string;
  mailFrom?: string;
}

export interface SendSummary {
  due: number;
  sent: number;
  /** Rows that failed this run and wait for a retry. */
  failed: number;
  /** Rows given up this run. */
  dead: number;
  /** Rows left pending because their channel is not configured (no attempt counted). */
  held: number;
  /** POSTs and e-mails that succeeded. */
  deliveries: number;
  errors: { subscription_id: string; rows: number; error: string }[];
}

export async function sendAlerts(store: Store, opts: SendOptions = {}): Promise<SendSummary> {
  const clock = opts.now ?? (() => new Date());
  const policy: RetryPolicy = {
    retryBaseMs: opts.retryBaseMs ?? DEFAULT_RETRY.retryBaseMs,
    retryMaxMs: opts.retryMaxMs ?? DEFAULT_RETRY.retryMaxMs,
    maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
  };
  const webhookOpts: WebhookOptions = {
    ...opts,
    denyPrivate: opts.denyPrivate ?? process.env.G287_WEBHOOK_DENY_PRIVATE === "1",
  };
  const base = publicBase(opts.publicUrl === undefined ? process.env.G287_PUBLIC_URL : opts.publicUrl);
  const due = await claimDue(store, { now: clock(), leaseMs: opts.leaseMs ?? 5 * 60_000, limit: opts.limit ?? 1000 });
  const summary: SendSummary = { due: due.length, sent: 0, failed: 0, dead: 0, held: 0, deliveries: 0, errors: [] };
  const bySub = new Map<string, DueRow[]>();
  for (const r of due) addTo(bySub, r.subscription_id, r);

  const fail = async (subId: string, rows: DueRow[], error: string, final = false) => {
    summary.errors.push({ subscription_id: subId, rows: rows.length, error });
    const dead = await markFailed(store, rows, error, clock(), policy, { final });
    summary.dead += dead;
    summary.failed += rows.length - dead;
  };

  let mailer: Mailer | null = null;
  try {
    for (const [subId, rows] of bySub) {
      const sub = await getSubscription(alertDb(store.db), subId);
      if (!sub) continue;
      if (sub.channel.type === "webhook") {
        const { url, secret } = sub.channel;
        for (const r of rows) {
          const res = await postWebhook(
            url,
            secret,
            r.outbox_id,
            (at) =>
              JSON.stringify({
                type: "g287.alert",
                version: 1,
                delivery_id: r.outbox_id,
                subscription_id: subId,
                // Inside the signed body, so a replayed old request can be told by its age.
                sent_at: at.toISOString(),
                alert: alertJson(r.change, base),
              }),
            webhookOpts,
          );
          if (res.ok) {
            await markSent(store, [r.outbox_id], clock());
            summary.sent++;
            summary.deliveries++;
          } else await fail(subId, [r], res.error, res.refused === true);
        }
        continue;
      }
      const cfg = mailConfig({ smtpUrl: opts.smtpUrl, from: opts.mailFrom });
      if ("problem" in cfg) {
        // Not the receiver's fault: keep the rows, count no attempt, and say so.
        summary.errors.push({ subscription_id: subId, rows: rows.length, error: cfg.problem });
        await markFailed(store, rows, cfg.problem, clock(), { ...policy, retryBaseMs: 0 }, { countAttempt: false });
        summary.held += rows.length;
        continue;
      }
      mailer ??= createMailer(cfg);
      const max = opts.digestMax ?? 200;
      for (let i = 0; i < rows.length; i += max) {
        const batch = rows.slice(i, i + max);
        const ids = batch.map((r) => r.outbox_id).sort();
        const digestId = `dg_${createHash("sha256").update(ids.join("\n")).digest("hex").slice(0, 24)}`;
        try {
          await mailer.send(
            sub.channel.to,
            digest(
              batch.map((r) => r.change),
              base,
              subId,
            ),
            { messageId: `<${digestId}@g287.alerts>`, deliveryId: digestId },
          );
          await markSent(store, ids, clock());
          summary.sent += batch.length;
          summary.deliveries++;
        } catch (e) {
          await fail(subId, batch, `SMTP: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    mailer?.close();
  }
  return summary;
}
