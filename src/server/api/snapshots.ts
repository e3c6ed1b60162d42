// /api/v1/snapshots and /snapshots/{id}: every dated observation of a published list, with its
// provenance (file, date and the basis for it, sha256, size, where it was found) and, for a
// quarantined list, the reason it was not applied.
import { LISTING_RESOLUTION_COLUMNS } from "../../domain/columns.js";
import { p, z } from "../params.js";
import { type Ctx, itemResource, listResource, type Row } from "../resource.js";
import { snapshotRow } from "./schemas.js";

export const SNAPSHOT_LIST_COLUMNS = [
  "obs_id",
  "published_at",
  "slot",
  "kind",
  "status",
  "reason",
  "file",
  "file_name",
  "published_basis",
  "basis_detail",
  "sha256",
  "bytes",
  "row_count",
  "cells_sha256",
  "kind_mismatch",
  "sources",
] as const;

function observationQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom("observation as o")
    .innerJoin("snapshot as s", "s.snapshot_id", "o.snapshot_id")
    .select([
      "o.obs_id",
      "o.date as published_at",
      "o.slot",
      "o.kind",
      "o.status",
      "o.reason",
      "o.original_filename as file",
      "s.file_name",
      "o.basis as published_basis",
      "o.basis_detail",
      "s.snapshot_id as sha256",
      "s.bytes",
      "s.row_count",
      "s.cells_sha256",
      "s.kind_mismatch",
      "o.provenance",
      "o.order_key",
      "o.stated_date",
      "o.date_rule",
      "o.filename_kind",
    ]);
}

type ObsRow = Awaited<ReturnType<ReturnType<typeof observationQuery>["execute"]>>[number];

function shape(o: ObsRow): Row {
  const { provenance, kind_mismatch, ...rest } = o;
  return { ...rest, kind_mismatch: !!kind_mismatch, sources: JSON.parse(provenance) };
}

export const snapshotsResource = listResource({
  path: "/snapshots",
  name: "snapshots",
  tag: "provenance",
  summary: "Every observation of a published list",
  description:
    "One row per dated sighting of a list file, in replay order: the file name, the publication date and its basis (publication = the date ICE gave; capture = an archive's capture date), the sha256 and size of the bytes, where the file was found, and whether it was applied or quarantined (with the reason). Files with identical cells share a cells_sha256.",
  schema: snapshotRow,
  query: {
    kind: p.either(["participating", "pending"]),
    status: p.either(["applied", "quarantined"]),
    since: p.date("published on or after this date"),
    until: p.date("published on or before this date"),
  },
  async load(ctx, f) {
    let q = observationQuery(ctx);
    if (f.kind) q = q.where("o.kind", "=", f.kind);
    if (f.status) q = q.where("o.status", "=", f.status);
    if (f.since) q = q.where("o.date", ">=", f.since);
    if (f.until) q = q.where("o.date", "<=", f.until);
    const rows = (await q.orderBy("o.order_key").execute()).map(shape);
    return { rows, columns: SNAPSHOT_LIST_COLUMNS, key: (r) => r.order_key as string };
  },
});

const LIST_ROW_COLUMNS = [
  "row",
  "state",
  "agency",
  "model",
  "signed_on",
  "county",
  "moa_url",
  "addendum_url",
  ...LISTING_RESOLUTION_COLUMNS,
] as const;

export const snapshotResource = itemResource({
  path: "/snapshots/{id}",
  name: "snapshot",
  tag: "provenance",
  summary: "One list file and what it said",
  description:
    "By snapshot id (the sha256 of the bytes) or observation id (`2025-04-21|am|2a49c89d7a7f4374`, URL-encoded). The file's provenance, every dated observation of it, the events it caused, and its rows as read and resolved. The CSV twin is the rows.",
  params: {
    id: z.string().openapi({ param: { name: "id", in: "path" }, example: "2025-04-21|am|2a49c89d7a7f4374" }),
  },
  query: {},
  async load(ctx, _q, { id }) {
    const byObs = await ctx.db
      .selectFrom("observation")
      .select("snapshot_id")
      .where("obs_id", "=", id)
      .executeTakeFirst();
    const snapshotId = byObs?.snapshot_id ?? id;
    const snap = await ctx.db
      .selectFrom("snapshot")
      .selectAll()
      .where("snapshot_id", "=", snapshotId)
      .executeTakeFirst();
    if (!snap) return null;
    const observations = (
      await observationQuery(ctx).where("o.snapshot_id", "=", snapshotId).orderBy("o.order_key").execute()
    ).map(shape);
    const events = await ctx.db
      .selectFrom("event")
      .select(["type", ctx.db.fn.countAll<number>().as("n")])
      .where("snapshot_id", "=", snapshotId)
      .groupBy("type")
      .orderBy("type")
      .execute();
    const rows = await ctx.db
      .selectFrom("listing")
      .select([...LIST_ROW_COLUMNS])
      .where("snapshot_id", "=", snapshotId)
      .orderBy("row")
      .execute();
    const { header, sheet_names, reader_notes, location: _location, ...rest } = snap;
    return {
      data: {
        snapshot: {
          ...rest,
          sha256: snap.snapshot_id,
          kind_mismatch: !!snap.kind_mismatch,
          header: JSON.parse(header),
          sheet_names: JSON.parse(sheet_names),
          reader_notes: JSON.parse(reader_notes),
        },
        observations,
        events: Object.fromEntries(events.map((e) => [e.type, Number(e.n)])),
        events_url: `/api/v1/events?snapshot=${snapshotId}`,
        rows,
      },
      csv: { columns: LIST_ROW_COLUMNS, rows: rows as Row[] },
    };
  },
});
