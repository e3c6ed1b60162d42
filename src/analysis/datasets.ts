// Whole tables in their public shape, for exports and the release bundle. Rows are sorted by id,
// so the same ledger always gives byte-identical files.

import { AGENCY_COLUMNS, AGREEMENT_COLUMNS, EVENT_COLUMNS, SNAPSHOT_COLUMNS } from "../domain/columns.js";
import { DATASETS, type DatasetName } from "../domain/questions.js";
import { ROSTER_STATUSES } from "../domain/status.js";
import type { Db } from "../store/db.js";
import { agencyNameAndPlace, agreementQuery } from "./rows.js";

export interface Dataset {
  name: string;
  columns: readonly string[];
  rows: Record<string, unknown>[];
}

export const OBSERVATION_COLUMNS = [
  "obs_id",
  "snapshot_id",
  "kind",
  "date",
  "stated_date",
  "date_rule",
  "slot",
  "order_key",
  "basis",
  "basis_detail",
  "original_filename",
  "filename_kind",
  "provenance",
  "status",
  "reason",
] as const;

export { DATASETS, type DatasetName };

export async function dataset(db: Db, name: DatasetName): Promise<Dataset> {
  switch (name) {
    case "agreements":
      return { name, columns: AGREEMENT_COLUMNS, rows: await agreementQuery(db).orderBy("g.agreement_id").execute() };
    case "agencies": {
      const counts = await db
        .selectFrom("agreement")
        .select([
          "agency_id",
          db.fn.countAll<number>().as("n"),
          db.fn
            .sum<number>(
              db
                .case()
                .when("status", "in", [...ROSTER_STATUSES])
                .then(1)
                .else(0)
                .end(),
            )
            .as("active"),
        ])
        .groupBy("agency_id")
        .execute();
      const c = new Map(counts.map((r) => [r.agency_id, r]));
      const rows = await db.selectFrom("agency").selectAll().orderBy("agency_id").execute();
      return {
        name,
        columns: AGENCY_COLUMNS,
        rows: rows.map((a) => ({
          agency_id: a.agency_id,
          state: a.state,
          state_fips: a.state_fips,
          ...agencyNameAndPlace(a),
          statewide: a.statewide,
          ori: a.ori,
          place_basis: a.place_basis,
          first_seen: a.first_seen,
          last_seen: a.last_seen,
          agreements: Number(c.get(a.agency_id)?.n ?? 0),
          active_agreements: Number(c.get(a.agency_id)?.active ?? 0),
          name_variants: (JSON.parse(a.names) as { name: string }[]).map((n) => n.name).join(" | "),
        })),
      };
    }
    case "events": {
      const rows = await db.selectFrom("event").selectAll().orderBy("seq").execute();
      return {
        name,
        columns: EVENT_COLUMNS,
        rows: rows.map((e) => {
          const { list, ...detail } = JSON.parse(e.detail) as Record<string, unknown>;
          return { ...e, list: list ?? null, detail: JSON.stringify(detail) };
        }),
      };
    }
    case "snapshots":
      return {
        name,
        columns: SNAPSHOT_COLUMNS,
        rows: await db
          .selectFrom("snapshot")
          .select([...SNAPSHOT_COLUMNS])
          .orderBy("published_at")
          .orderBy("snapshot_id")
          .execute(),
      };
    case "applications":
      return {
        name,
        columns: [
          "application_id",
          "agency_id",
          "state",
          "model",
          "first_listed",
          "last_listed",
          "status",
          "agreement_id",
          "signed_on",
          "ended_on",
        ],
        rows: await db.selectFrom("application").selectAll().orderBy("application_id").execute(),
      };
    case "periods":
      return {
        name,
        columns: ["agreement_id", "start", "end"],
        rows: await db.selectFrom("agreement_period").selectAll().orderBy("agreement_id").orderBy("start").execute(),
      };
    case "observations":
      return {
        name,
        columns: OBSERVATION_COLUMNS,
        rows: await db
          .selectFrom("observation")
          .select([...OBSERVATION_COLUMNS])
          .orderBy("order_key")
          .orderBy("obs_id")
          .execute(),
      };
  }
}
