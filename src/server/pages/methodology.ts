// data/methodology.json: what the methodology page states about the archive and the rules: lists
// read, applied and quarantined, identity tiers, corrections, placement and the context layers.
import { allStates, CT_CROSSWALK } from "../../context/geography.js";
import { litigation } from "../../context/litigation.js";
import { statePolicies } from "../../context/policies.js";
import { allPolitics } from "../../context/politics.js";
import type { MethodologyFile } from "../../domain/files.js";
import { DEFAULT_CONFIG } from "../../ledger/types.js";
import type { Db } from "../../store/db.js";
import { dataFile } from "../data-file.js";
import { type Base, baseOf } from "./base.js";

async function methodology(db: Db, b: Base): Promise<MethodologyFile> {
  const s = b.status;
  const tiers = await db
    .selectFrom("listing")
    .select(["tier", db.fn.countAll<number>().as("n")])
    .groupBy("tier")
    .orderBy("tier")
    .execute();
  const corr = await db
    .selectFrom("correction")
    .select([
      "rule",
      "field",
      db.fn.countAll<number>().as("n"),
      db.fn.count<number>("snapshot_id").distinct().as("lists"),
    ])
    .groupBy(["rule", "field"])
    .orderBy("rule")
    .orderBy("field")
    .execute();
  const place = await db
    .selectFrom("agency")
    .select(["place_basis", db.fn.countAll<number>().as("n")])
    .groupBy("place_basis")
    .orderBy("place_basis")
    .execute();
  return {
    latest_list: b.latest,
    first_list: b.first,
    archive: {
      files: s.snapshots.total,
      observations: s.observations,
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
      not_applied: s.snapshots.not_applied,
    },
    quarantined: s.quarantined.map((q) => ({ date: q.published_at, file: q.file, reason: q.reason })),
    kind_mismatches: s.kind_mismatches.map((k) => ({
      date: k.date,
      file: k.file,
      file_name_says: k.file_name_says,
      content_is: k.content_is,
    })),
    rules: { ...DEFAULT_CONFIG },
    identity_tiers: tiers.map((t) => ({ tier: t.tier, rows: Number(t.n) })),
    corrections: corr.map((c) => ({ rule: c.rule, field: c.field, cells: Number(c.n), lists: Number(c.lists) })),
    placement: place.map((p) => ({ basis: p.place_basis ?? "unplaced", agencies: Number(p.n) })),
    review_queue: s.review,
    layers: [
      { name: "states", rows: allStates().length, note: null },
      { name: "policies", rows: statePolicies().length, note: null },
      { name: "litigation", rows: litigation().length, note: null },
      { name: "politics", rows: allPolitics().length, note: null },
      { name: "ct_crosswalk", rows: CT_CROSSWALK.pairs.length, note: CT_CROSSWALK.note },
    ],
    missing: [],
  };
}

export const methodologyFile = dataFile({
  path: "methodology",
  load: async (ctx) => methodology(ctx.db, await baseOf(ctx)),
});
