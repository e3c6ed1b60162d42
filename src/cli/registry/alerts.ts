// `g287 subscribe`, `subscriptions`, `unsubscribe` and `alerts enqueue|send|status`: change alerts
// by webhook or e-mail.
import { Option } from "commander";
import { CHANGE_KINDS } from "../../alerts/changes.js";
import { UsageError } from "../../errors.js";
import type { Define } from "./index.js";

/** `--state TX FL` and `--state TX,FL` both work. */
const many = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

export const define: Define = (program, lazy) => {
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
    .action(lazy(async () => (await import("../commands/alerts.js")).subscribe));

  program
    .command("subscriptions")
    .description("list the alert subscriptions (webhook secrets are never shown)")
    .option("--all", "include ended subscriptions")
    .addOption(new Option("--format <format>", "output format").choices(["table", "csv"]).default("table"))
    .action(lazy(async () => (await import("../commands/alerts.js")).subscriptions));

  program
    .command("unsubscribe")
    .description("end a subscription; its undelivered alerts are cancelled")
    .argument("<id>", "subscription id (from `g287 subscriptions`)")
    .action(lazy(async () => (await import("../commands/alerts.js")).unsubscribe));

  const alerts = program.command("alerts").description("turn new ledger changes into alerts and deliver them");
  alerts
    .command("enqueue")
    .description(
      "queue an alert for each new change and each subscription it matches (run after `g287 ingest`; " +
        "the first run on a ledger records its history and sends nothing)",
    )
    .action(lazy(async () => (await import("../commands/alerts.js")).enqueue));
  alerts
    .command("send")
    .description("deliver the alerts that are due (webhooks: signed POST; e-mail: one digest per subscription)")
    .option("--limit <n>", "deliver at most this many alerts in this run", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--limit ${JSON.stringify(v)}: expected a positive whole number`);
      return n;
    })
    .action(lazy(async () => (await import("../commands/alerts.js")).send));
  alerts
    .command("status")
    .description("subscriptions, the outbox (pending, due, sent, given up) and the alert cursor")
    .action(lazy(async () => (await import("../commands/alerts.js")).alertStatus));
};
