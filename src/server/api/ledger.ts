// /api/v1/status, /diff and /review: what the ledger holds, what changed between two dates, and
// the near misses the identity rules would not merge.

import { diff, reviewQueue, status } from "../../analysis/queries.js";
import { AGREEMENT_COLUMNS } from "../../domain/columns.js";
import { isoDate } from "../../domain/schemas.js";
import { badParameter, checked } from "../params.js";
import { itemResource, listResource, type Row } from "../resource.js";
import { anyObject } from "./schemas.js";

/** Nested objects as `a.b` keys, so a summary has a two-column CSV twin. */
function flatten(v: unknown, prefix = "", out: Row[] = []): Row[] {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.push({ key: prefix, value: Array.isArray(v) ? JSON.stringify(v) : v });
  return out;
}

export const statusResource = itemResource({
  path: "/status",
  name: "status",
  tag: "ledger",
  summary: "What the ledger holds",
  description:
    "Lists applied and quarantined (with reasons), agreements by status, agencies, pending-list applications, the latest lists, the review queue's size and the lists whose file name gave the wrong kind. The CSV twin is key/value.",
  schema: anyObject,
  query: {},
  async load(ctx) {
    const s = await status(ctx.db);
    return { data: s, csv: { columns: ["key", "value"], rows: flatten(s) } };
  },
});

const DIFF_COLUMNS = ["change", ...AGREEMENT_COLUMNS, "changes"] as const;

export const diffResource = itemResource({
  path: "/diff",
  name: "diff",
  tag: "ledger",
  summary: "What changed between two dates",
  description:
    "Agreements listed on `to` and not on `from` (added), listed on `from` and not on `to` (removed), and the renames, re-datings, model changes and MOA postings recorded in between for agreements listed on both (changed). The CSV twin has one row per agreement with a `change` column.",
  schema: anyObject,
  query: {
    from: checked(isoDate, { description: "the earlier date (YYYY-MM-DD)", example: "2024-12-01" }),
    to: checked(isoDate, { description: "the later date (YYYY-MM-DD)", example: "2025-03-01" }),
  },
  async load(ctx, q) {
    if (q.from > q.to) throw badParameter("to", `${q.to} is before from (${q.from}); give the later date as to`);
    const d = await diff(ctx.db, q.from, q.to);
    const rows: Row[] = [
      ...d.added.map((r) => ({ change: "added", ...r })),
      ...d.removed.map((r) => ({ change: "removed", ...r })),
      ...d.changed.map((c) => ({ change: "changed", ...c, changes: c.changes })),
    ];
    return { data: d, csv: { columns: DIFF_COLUMNS, rows } };
  },
});

const REVIEW_COLUMNS = [
  "review_id",
  "date",
  "reason",
  "state",
  "name",
  "candidate",
  "candidate_name",
  "distance",
  "status",
  "decision",
  "decided_by",
  "list",
  "row",
  "obs_id",
  "snapshot_id",
] as const;

export const reviewResource = listResource({
  path: "/review",
  name: "review",
  tag: "ledger",
  summary: "Near misses kept apart",
  description:
    "Rows the identity rules would not merge with a similar agency (for example by edit distance across disjoint windows). Each is a question for a curator: merge with an alias in data/corrections/agencies.csv, or leave apart.",
  schema: anyObject,
  query: {},
  async load(ctx) {
    const rows = (await reviewQueue(ctx.db)).map(({ detail, ...r }) => ({ ...detail, ...r }));
    return { rows: rows as Row[], columns: REVIEW_COLUMNS, key: (r) => r.review_id as string };
  },
});
