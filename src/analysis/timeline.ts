// Agreements and agencies listed per day or per month, from the replayed listing periods (not
// from signed dates: an agreement counts from the first list that shows it until the first that
// no longer does, and not during a gap).

import { addDays, monthEnd } from "../domain/date.js";
import { modelCounts } from "../domain/model.js";
import type { TimelinePoint, TimelineResult } from "../domain/statistics.js";
import { UsageError } from "../errors.js";
import type { Db } from "../store/db.js";
import { cmp } from "../util/compare.js";
import { type AgreementFact, activeOn, EMPTY_LEDGER, loadFacts, recordSpan } from "./population.js";

export type { TimelinePoint, TimelineResult };
export { recordSpan };

export interface TimelineOptions {
  by: "day" | "month";
  /** Inclusive; default and floor: the first applied list. */
  from?: string;
  /** Inclusive; default and ceiling: the latest applied list. */
  to?: string;
  state?: string;
  model?: string;
  /** Every point carries the full list of agreement ids, not just what entered and left. */
  ids?: boolean;
}

/** The dates a value is taken on: every day, or the last day of each month (the final month cut at `to`). */
export function pointDates(by: "day" | "month", from: string, to: string): { date: string; month?: string }[] {
  const out: { date: string; month?: string }[] = [];
  if (by === "day") {
    for (let d = from; d <= to; d = addDays(d, 1)) out.push({ date: d });
    return out;
  }
  for (let d = from; d <= to; d = addDays(monthEnd(d), 1)) {
    const end = monthEnd(d);
    out.push({ date: end <= to ? end : to, month: d.slice(0, 7) });
  }
  return out;
}

/** The pure core. `record` is the first and latest applied list: outside them the ledger knows nothing. */
export function computeTimeline(
  all: readonly AgreementFact[],
  o: TimelineOptions,
  record: { first_list: string; latest_list: string },
): TimelineResult {
  const notes: string[] = [];
  let from = o.from ?? record.first_list;
  let to = o.to ?? record.latest_list;
  if (from > to) throw new UsageError(`timeline: --from ${from} is after --to ${to}`);
  if (from < record.first_list) {
    notes.push(`the record starts with the first list, ${record.first_list}; --from ${from} was moved to it`);
    from = record.first_list;
  }
  if (to > record.latest_list) {
    notes.push(`the record ends with the latest list, ${record.latest_list}; --to ${to} was moved to it`);
    to = record.latest_list;
  }
  if (from > to) throw new UsageError(`timeline: nothing to show between ${o.from} and ${o.to}`);
  if (o.by === "month")
    notes.push(
      `each month shows the value on its last day${monthEnd(to) !== to ? ` (${to.slice(0, 7)}: on ${to})` : ""}`,
    );
  notes.push(
    "listed = between the first list that shows an agreement and the first that no longer does; gaps excluded",
  );

  const rows = all.filter((a) => (!o.state || a.state === o.state) && (!o.model || a.model === o.model));
  // Only agreements whose listing starts or ends between two points can change between them.
  const changes = new Map<string, AgreementFact[]>();
  for (const a of rows) {
    for (const p of a.periods) {
      for (const d of p.end === null ? [p.start] : [p.start, p.end]) {
        const l = changes.get(d) ?? [];
        l.push(a);
        changes.set(d, l);
      }
    }
  }
  const changeDates = [...changes.keys()].sort(cmp);

  const points: TimelinePoint[] = [];
  const active = new Map<string, AgreementFact>();
  let prev: string | null = null;
  let ci = 0;
  for (const pd of pointDates(o.by, from, to)) {
    const entered: string[] = [];
    const left: string[] = [];
    if (prev === null) {
      for (const a of rows) if (activeOn(a.periods, pd.date)) active.set(a.agreement_id, a);
      entered.push(...active.keys());
      while (ci < changeDates.length && (changeDates[ci] as string) <= pd.date) ci++;
    } else {
      const touched = new Map<string, AgreementFact>();
      while (ci < changeDates.length && (changeDates[ci] as string) <= pd.date) {
        for (const a of changes.get(changeDates[ci] as string) ?? []) touched.set(a.agreement_id, a);
        ci++;
      }
      for (const [id, a] of touched) {
        const now = activeOn(a.periods, pd.date);
        if (now && !active.has(id)) {
          active.set(id, a);
          entered.push(id);
        } else if (!now && active.has(id)) {
          active.delete(id);
          left.push(id);
        }
      }
    }
    const byModel: Record<string, number> = modelCounts();
    const agencies = new Set<string>();
    for (const a of active.values()) {
      byModel[a.model] = (byModel[a.model] ?? 0) + 1;
      agencies.add(a.agency_id);
    }
    const point: TimelinePoint = {
      date: pd.date,
      ...(pd.month ? { month: pd.month } : {}),
      agreements: active.size,
      agencies: agencies.size,
      JEM: byModel.JEM ?? 0,
      TFM: byModel.TFM ?? 0,
      WSO: byModel.WSO ?? 0,
      entered: entered.sort(cmp),
      left: left.sort(cmp),
    };
    if (o.ids) point.ids = [...active.keys()].sort(cmp);
    points.push(point);
    prev = pd.date;
  }
  return {
    by: o.by,
    from,
    to,
    state: o.state ?? null,
    model: o.model ?? null,
    record,
    points,
    notes,
  };
}

export async function timeline(db: Db, o: TimelineOptions): Promise<TimelineResult> {
  const record = await recordSpan(db);
  if (!record) throw new Error(EMPTY_LEDGER);
  return computeTimeline(await loadFacts(db, { state: o.state, model: o.model }), o, record);
}
