// Reads the ledger's alertable events, with the agency, agreement and list each one is about,
// and turns them into changes. The only alert module that reads ledger tables.
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { addTo } from "../util/multimap.js";
import { type AgencyRef, ALERT_EVENT_TYPES, type Change, type EventFacts, toChange } from "./changes.js";

export async function readChanges(db: Kysely<Database>): Promise<Change[]> {
  const events = await db
    .selectFrom("event")
    .leftJoin("observation", "observation.obs_id", "event.obs_id")
    .leftJoin("snapshot", "snapshot.snapshot_id", "event.snapshot_id")
    .select([
      "event.seq",
      "event.type",
      "event.date",
      "event.obs_id",
      "event.snapshot_id",
      "event.agency_id",
      "event.agreement_id",
      "event.application_id",
      "event.detail",
      "observation.date as obs_date",
      "observation.original_filename",
      "observation.basis",
      "observation.status as obs_status",
      "snapshot.kind as snap_kind",
      "snapshot.file_name",
    ])
    .where("event.type", "in", ALERT_EVENT_TYPES)
    .orderBy("event.seq")
    .execute();
  if (events.length === 0) return [];

  const agencies = new Map<string, AgencyRef>();
  for (const a of await db
    .selectFrom("agency")
    .select(["agency_id", "name", "state", "county_fips", "county_name", "statewide"])
    .execute()) {
    agencies.set(a.agency_id, {
      id: a.agency_id,
      name: a.name,
      state: a.state,
      county_fips: a.county_fips,
      county_name: a.county_name,
      statewide: a.statewide === 1,
    });
  }
  const modelsOf = new Map<string, string[]>();
  const agreements = new Map<string, NonNullable<EventFacts["agreement"]>>();
  for (const a of await db
    .selectFrom("agreement")
    .select(["agreement_id", "agency_id", "model", "signed_on", "status"])
    .execute()) {
    agreements.set(a.agreement_id, { id: a.agreement_id, model: a.model, signed_on: a.signed_on, status: a.status });
    addTo(modelsOf, a.agency_id, a.model);
  }
  const applications = new Map<string, NonNullable<EventFacts["application"]>>();
  for (const a of await db
    .selectFrom("application")
    .select(["application_id", "agency_id", "model", "status", "first_listed"])
    .execute()) {
    applications.set(a.application_id, {
      id: a.application_id,
      model: a.model,
      status: a.status,
      first_listed: a.first_listed,
    });
    addTo(modelsOf, a.agency_id, a.model);
  }

  const out: Change[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    // A quarantined list establishes nothing but its own notice (the ledger never removes on one;
    // this guards the rule at the alert boundary too).
    if (e.obs_status === "quarantined" && e.type !== "list_quarantined") continue;
    const detail = JSON.parse(e.detail) as Record<string, unknown>;
    const c = toChange({
      type: e.type,
      date: e.date,
      obs_id: e.obs_id,
      snapshot_id: e.snapshot_id,
      agency_id: e.agency_id,
      agreement_id: e.agreement_id,
      application_id: e.application_id,
      detail,
      list: {
        file_name: e.original_filename ?? e.file_name ?? (typeof detail.list === "string" ? detail.list : ""),
        published_at: e.obs_date ?? e.date,
        date_basis: e.basis ?? "publication",
        kind: e.snap_kind ?? "",
        status: e.obs_status ?? "applied",
        snapshot_id: e.snapshot_id,
        obs_id: e.obs_id,
      },
      agency: e.agency_id ? (agencies.get(e.agency_id) ?? null) : null,
      agreement: e.agreement_id ? (agreements.get(e.agreement_id) ?? null) : null,
      application: e.application_id ? (applications.get(e.application_id) ?? null) : null,
      agency_models: e.agency_id ? [...new Set(modelsOf.get(e.agency_id) ?? [])] : [],
    });
    // One change per key: the first event that established it (a file quarantined twice is one notice).
    if (c && !seen.has(c.key)) {
      seen.add(c.key);
      out.push(c);
    }
  }
  return out;
}
