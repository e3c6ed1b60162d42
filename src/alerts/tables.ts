// Kysely types for the alert tables of migration 004, added to the store's handle with
// `withTables` so the shared schema file stays the ledger's own.
import type { Kysely } from "kysely";
import { type Database, type DbWith, dbWith } from "../store/schema.js";

export interface SubscriptionTable {
  subscription_id: string;
  channel: string; // webhook | email
  target: string;
  secret: string | null;
  filters: string; // JSON
  created_at: string;
  active: number;
  ended_at: string | null;
}

export interface AlertCursorTable {
  change_key: string;
  kind: string;
  list_date: string;
  seen_at: string;
  outcome: string; // queued | no_match | baseline | historical
  recipients: number;
}

export interface OutboxTable {
  outbox_id: string;
  subscription_id: string;
  change_key: string;
  kind: string;
  payload: string; // JSON Change
  created_at: string;
  status: string; // pending | sent | dead | cancelled
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  sent_at: string | null;
}

export type AlertTables = {
  subscription: SubscriptionTable;
  alert_cursor: AlertCursorTable;
  outbox: OutboxTable;
};

export type AlertDb = DbWith<AlertTables>;
export const alertDb = (db: Kysely<Database>): AlertDb => dbWith<AlertTables>(db);
