// `g287 status`: what the ledger holds, as a few lines or --json. `g287 start` ends with it too.
import { status as ledgerStatus } from "../../analysis/queries.js";
import { toJson } from "../../export/json.js";
import type { Store } from "../../store/db.js";
import type { Ctx } from "../context.js";
import { say } from "../say.js";
import { readStore } from "../store.js";

export async function printStatus(c: Ctx, store: Store): Promise<void> {
  const s = await ledgerStatus(store.db);
  const files = s.snapshots;
  const json = {
    snapshots: {
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
      files: files.total,
    },
    quarantined: s.quarantined,
    agreements: s.agreements,
    agencies: s.agencies,
    applications: s.applications,
    latest_list: s.latest_list,
    latest_pending_list: s.latest_pending_list,
    review: s.review,
    kind_mismatches: s.kind_mismatches,
    db: store.file,
  };
  if (c.g.json) return c.out(toJson(json));
  const a = s.agreements;
  const lines = [
    `g287 ledger ${store.file}`,
    `latest participating list  ${s.latest_list ?? "none"}${s.latest_pending_list ? `   (latest pending list ${s.latest_pending_list})` : ""}`,
    `lists                      ${files.total} files, ${s.observations} dated observations: ${json.snapshots.applied} applied, ${s.quarantined.length} quarantined`,
    `agreements                 ${a.total}: ${a.active} on the latest list, ${a.pending_removal} missing from it (removal not yet confirmed), ${a.removed} removed, ${a.superseded} superseded`,
    `agencies                   ${s.agencies}`,
    `pending applications       ${s.applications.pending} pending, ${s.applications.signed} signed, ${s.applications.dropped} dropped`,
  ];
  if (s.quarantined.length) {
    lines.push("quarantined lists (recorded, not applied):");
    for (const q of s.quarantined)
      lines.push(`  ${q.published_at}  ${q.file}  ${q.reason === null ? "" : say(c, q.reason)}`);
  }
  for (const k of s.kind_mismatches) {
    lines.push(
      `flagged: ${k.date} ${k.file} is named as ${k.file_name_says} but holds a ${k.content_is} list (read by content)`,
    );
  }
  if (s.review || s.review_decided)
    lines.push(
      `review queue               ${s.review} open, ${s.review_decided} decided near miss(es): see \`g287 review\``,
    );
  c.out(lines.join("\n"));
}

export const status = (c: Ctx) => readStore(c, (s) => printStatus(c, s));
