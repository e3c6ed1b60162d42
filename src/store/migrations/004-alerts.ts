// Change alerts: subscriptions, the outbox of deliveries, and the alert cursor (every
// change already turned into outbox rows, keyed by what changed, not by event seq).
import type { Kysely } from "kysely";
import { textType } from "./types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable("subscription")
    .addColumn("subscription_id", text, (c) => c.primaryKey())
    .addColumn("channel", text, (c) => c.notNull()) // webhook | email
    .addColumn("target", text, (c) => c.notNull()) // the URL or the address
    .addColumn("secret", text) // webhook HMAC key; never shown back
    .addColumn("filters", text, (c) => c.notNull()) // JSON {state, county_fips, agency, model, kind}
    .addColumn("created_at", text, (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("ended_at", text)
    .execute();

  await db.schema
    .createTable("alert_cursor")
    .addColumn("change_key", text, (c) => c.primaryKey())
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("list_date", text, (c) => c.notNull()) // date of the list that established it
    .addColumn("seen_at", text, (c) => c.notNull())
    .addColumn("outcome", text, (c) => c.notNull()) // queued | no_match | baseline | historical
    .addColumn("recipients", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("outbox")
    .addColumn("outbox_id", text, (c) => c.primaryKey())
    .addColumn("subscription_id", text, (c) => c.notNull().references("subscription.subscription_id"))
    .addColumn("change_key", text, (c) => c.notNull())
    .addColumn("kind", text, (c) => c.notNull())
    .addColumn("payload", text, (c) => c.notNull()) // JSON: the change as it was when enqueued
    .addColumn("created_at", text, (c) => c.notNull())
    .addColumn("status", text, (c) => c.notNull()) // pending | sent | dead | cancelled
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", text, (c) => c.notNull())
    .addColumn("lease_until", text)
    .addColumn("last_error", text)
    .addColumn("sent_at", text)
    .addUniqueConstraint("outbox_once", ["subscription_id", "change_key"])
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "next_attempt_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("outbox").execute();
  await db.schema.dropTable("alert_cursor").execute();
  await db.schema.dropTable("subscription").execute();
}
