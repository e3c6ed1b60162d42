// `g287 subscribe`, `subscriptions`, `unsubscribe` and `alerts enqueue|send|status`: change
// alerts by webhook or e-mail, delivered at least once through the outbox.
import fs from "node:fs";
import { Option } from "commander";
import { alertStatus, SubscriptionError, subscribe, unsubscribe } from "../../alerts/admin.js";
import { CHANGE_KINDS } from "../../alerts/changes.js";
import { sendAlerts } from "../../alerts/deliver.js";
import { enqueueAlerts } from "../../alerts/outbox.js";
import { listSubscriptions, publicView, type Subscription } from "../../alerts/subscriptions.js";
import { alertDb } from "../../alerts/tables.js";
import { toCsv } from "../../domain/csv.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { defaultDbPath, StoreError } from "../../store/db.js";
import { type Globals, out, type RegisterCommands, withStore } from "../common.js";
import { table } from "../format.js";

/** `--state TX FL` and `--state TX,FL` both work. */
const many = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Alerts are about a ledger: these commands never create an empty one. */
function needLedger(g: Globals): void {
  const file = g.db ?? defaultDbPath();
  if (!fs.existsSync(file))
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

export const register: RegisterCommands = (program, globals) => {
  program
    .command("subscribe")
    .description(
      "subscribe a webhook or an e-mail address to change alerts; filters of one kind are alternatives, " +
        "place filters (--state, --county, --agency) are alternatives to each other, --model and --kind narrow them. " +
        "A new subscription starts from now: it never receives the ledger's history",
    )
    .option("--webhook <url>", "POST each alert as signed JSON to this http(s) URL")
    .option(
      "--secret <secret>",
      "HMAC-SHA256 key for the webhook signature, 16+ characters (default $G287_WEBHOOK_SECRET, which keeps it out of shell history)",
    )
    .option(
      "--email <address>",
      "send a plain-text and HTML digest to this address (needs $G287_SMTP_URL and $G287_MAIL_FROM)",
    )
    .option("--state <XX...>", "only these states (two-letter codes)", many)
    .option(
      "--county <fips...>",
      "only agencies in these counties (five-digit FIPS), plus their state's statewide agencies",
      many,
    )
    .option("--agency <id...>", "only these agencies (ids as shown by `g287 agency`)", many)
    .option("--model <model...>", "only these models: jem, tfm, wso", many)
    .option(
      "--kind <kind...>",
      `only these kinds of change: ${CHANGE_KINDS.filter((k) => k !== "suspicious_list").join(", ")} (a suspicious-list notice is always sent)`,
      many,
    )
    .action(
      async (o: {
        webhook?: string;
        secret?: string;
        email?: string;
        state?: string[];
        county?: string[];
        agency?: string[];
        model?: string[];
        kind?: string[];
      }) => {
        const g = globals();
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
        needLedger(g);
        await withStore(g, async (store) => {
          let sub: Subscription;
          try {
            sub = await subscribe(store, input);
          } catch (e) {
            if (e instanceof SubscriptionError) throw new UsageError(`subscribe: ${e.message}`);
            throw e;
          }
          if (g.json) return out(toJson(publicView(sub)));
          out(sub.id);
          if (!g.quiet) process.stderr.write(`subscribed ${subRow(sub).target} (${subRow(sub).filters})\n`);
        });
      },
    );

  program
    .command("subscriptions")
    .description("list the alert subscriptions (webhook secrets are never shown)")
    .option("--all", "include ended subscriptions")
    .addOption(new Option("--format <format>", "output format").choices(["table", "csv"]).default("table"))
    .action(async (o: { all?: boolean; format: string }) => {
      const g = globals();
      await withStore(
        g,
        async (store) => {
          const subs = await listSubscriptions(alertDb(store.db), { all: o.all });
          if (g.json) return out(toJson(listEnvelope(subs.map(publicView))));
          const rows = subs.map(subRow);
          if (o.format === "csv") return process.stdout.write(toCsv(SUB_COLUMNS, rows));
          out(rows.length ? table(SUB_COLUMNS, rows, { maxWidth: 60 }) : "no subscriptions");
        },
        { readonly: true },
      );
    });

  program
    .command("unsubscribe")
    .description("end a subscription; its undelivered alerts are cancelled")
    .argument("<id>", "subscription id (from `g287 subscriptions`)")
    .action(async (id: string) => {
      const g = globals();
      needLedger(g);
      await withStore(g, async (store) => {
        const r = await unsubscribe(store, id);
        if (!r) throw new InputError(id, "no such subscription (see `g287 subscriptions --all`)");
        if (g.json) return out(toJson({ subscription: publicView(r.subscription), cancelled: r.cancelled }));
        if (!g.quiet) process.stderr.write(`ended ${id}; ${r.cancelled} undelivered alert(s) cancelled\n`);
      });
    });

  const alerts = program.command("alerts").description("turn new ledger changes into alerts and deliver them");
  alerts
    .command("enqueue")
    .description(
      "queue an alert for each new change and each subscription it matches (run after `g287 ingest`; " +
        "the first run on a ledger records its history and sends nothing)",
    )
    .action(async () => {
      const g = globals();
      needLedger(g);
      await withStore(g, async (store) => {
        const s = await enqueueAlerts(store);
        if (g.json) return out(toJson(s));
        if (g.quiet) return;
        process.stderr.write(
          s.first_run
            ? `first run: recorded ${s.baseline} existing change(s) as history; nothing queued\n`
            : `${s.new} new change(s): ${s.queued} alert(s) queued, ${s.no_match} matched no subscription, ${s.historical} too old to send\n`,
        );
      });
    });
  alerts
    .command("send")
    .description("deliver the alerts that are due (webhooks: signed POST; e-mail: one digest per subscription)")
    .option("--limit <n>", "deliver at most this many alerts in this run", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--limit ${JSON.stringify(v)}: expected a positive whole number`);
      return n;
    })
    .action(async (o: { limit?: number }) => {
      const g = globals();
      needLedger(g);
      await withStore(g, async (store) => {
        const s = await sendAlerts(store, { limit: o.limit });
        if (g.json) out(toJson(s));
        else if (!g.quiet) {
          const lines = [
            `${s.due} due: ${s.sent} sent in ${s.deliveries} delivery(ies), ${s.failed} failed (will retry), ${s.dead} given up${s.held ? `, ${s.held} held` : ""}`,
            ...s.errors.map((e) => `  ${e.subscription_id}: ${e.rows} alert(s): ${e.error}`),
          ];
          process.stderr.write(`${lines.join("\n")}\n`);
        }
        // Cron should hear about failures: exit 1 when anything failed this run.
        const bad = s.failed + s.dead + s.held;
        if (bad > 0) throw new Error(`${bad} alert(s) not delivered in this run; see \`g287 alerts status\``);
      });
    });
  alerts
    .command("status")
    .description("subscriptions, the outbox (pending, due, sent, given up) and the alert cursor")
    .action(async () => {
      const g = globals();
      await withStore(
        g,
        async (store) => {
          const s = await alertStatus(store);
          if (g.json) return out(toJson(s));
          const lines = [
            `subscriptions   ${s.subscriptions.active} active, ${s.subscriptions.ended} ended`,
            `outbox          ${s.outbox.pending} pending (${s.outbox.due_now} due now), ${s.outbox.sent} sent, ${s.outbox.dead} given up, ${s.outbox.cancelled} cancelled`,
            `oldest pending  ${s.oldest_pending ?? "none"}`,
            `last sent       ${s.last_sent ?? "never"}`,
            `cursor          ${s.cursor.changes} change(s) handled, newest list ${s.cursor.newest_list ?? "none"} ${JSON.stringify(s.cursor.by_outcome)}`,
          ];
          if (!process.env.G287_PUBLIC_URL)
            lines.push("note            G287_PUBLIC_URL is not set: alerts carry no links");
          for (const f of s.failing)
            lines.push(
              `retrying        ${f.outbox_id} (${f.subscription_id}) after ${f.attempts} failure(s), next ${f.next_attempt_at}: ${f.last_error}`,
            );
          for (const d of s.dead)
            lines.push(`given up        ${d.outbox_id} (${d.subscription_id}) ${d.change_key}: ${d.last_error}`);
          out(lines.join("\n"));
        },
        { readonly: true },
      );
    });
};
