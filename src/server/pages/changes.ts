// data/changes.json and .csv, the whole change log (each list with its events, newest first), and
// its split for the changes page: data/changes/index.json, month/YYYY-MM.json and state/XX.json.
import { ledgerReason } from "../../analysis/messages.js";
import type { EventCategory } from "../../domain/events.js";
import type { ChangesFile, EventItem, ListChanges } from "../../domain/files.js";
import { dataFile, STATE_CODE } from "../data-file.js";
import type { Ctx } from "../resource.js";
import { type Base, baseOf, publicEvent } from "./base.js";
import {
  changesIndex,
  changesMonth,
  changesState,
  modelsById,
  type SplitChanges,
  withModels,
} from "./changes-split.js";

function changes(b: Base): ChangesFile {
  const byObs = new Map<string, EventItem[]>();
  for (const e of b.events) {
    const l = byObs.get(e.obs_id) ?? [];
    l.push(publicEvent(e));
    byObs.set(e.obs_id, l);
  }
  const lists: ListChanges[] = [];
  let quiet = 0;
  for (const o of b.observations) {
    const evs = byObs.get(o.obs_id) ?? [];
    if (!evs.length && o.status === "applied") {
      quiet++;
      continue;
    }
    const counts: Record<EventCategory, number> = { change: 0, pending: 0, fix: 0, moa: 0, list: 0 };
    for (const e of evs) counts[e.category]++;
    const reason_msg = o.reason ? ledgerReason(o.reason) : null;
    lists.push({
      date: o.date,
      file: o.file,
      kind: o.kind,
      status: o.status,
      reason: o.reason,
      reason_msg,
      counts,
      events: evs,
    });
  }
  return { latest_list: b.latest, lists: lists.reverse(), quiet_lists: quiet };
}

const EVENT_CSV = [
  "seq",
  "date",
  "type",
  "category",
  "agency_id",
  "agency",
  "state",
  "agreement_id",
  "application_id",
  "list",
  "row",
  "detail",
];

const whole = (ctx: Ctx) => ctx.memo("changes", async () => changes(await baseOf(ctx)));

/** The change log with each event's model, from the same object as changes.json. */
const split = (ctx: Ctx): Promise<SplitChanges> =>
  ctx.memo("changes-split", async () => withModels(await whole(ctx), await modelsById(ctx.db)));

export const changesFile = dataFile({
  path: "changes",
  load: whole,
  csv: (f) => ({
    columns: EVENT_CSV,
    rows: f.lists.flatMap((l) => l.events.map((e) => ({ ...e, detail: JSON.stringify(e.detail) }))),
  }),
});

export const changesIndexFile = dataFile({
  path: "changes/index",
  load: async (ctx) => changesIndex(await split(ctx)),
});

export const changesMonthFile = dataFile({
  path: "changes/month/{id}",
  id: /\d{4}-\d{2}/,
  ids: async (ctx) => changesIndex(await split(ctx)).months.map((m) => m.month),
  load: async (ctx, month) => changesMonth(await split(ctx), month),
});

export const changesStateFile = dataFile({
  path: "changes/state/{id}",
  id: STATE_CODE,
  ids: async (ctx) => changesIndex(await split(ctx)).states.map((s) => s.state),
  load: async (ctx, state) => changesState(await split(ctx), state),
});
