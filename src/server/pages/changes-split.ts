// The change log split for the web app's changes page (data/changes/index.json, month/YYYY-MM.json,
// state/XX.json): a phone loads a few kilobytes for one month or one state, not the 2 MB whole.
// Built from the same ChangesFile as data/changes.json, so both always agree.
import type {
  ChangesIndex,
  ChangesMonthFile,
  ChangesStateFile,
  ModelEvent,
  SplitList,
} from "../../domain/changes-files.js";
import type { EventCategory } from "../../domain/events.js";
import type { ChangesFile, ListChanges } from "../../domain/files.js";
import type { Db } from "../../store/db.js";

const zero = (): Record<EventCategory, number> => ({ change: 0, pending: 0, fix: 0, moa: 0, list: 0 });

/** The changes file with each event's model, ready to split. */
export interface SplitChanges {
  latest_list: string;
  quiet_lists: number;
  lists: SplitList[];
}

export function withModels(f: ChangesFile, models: Map<string, string>): SplitChanges {
  const lists = f.lists.map((l: ListChanges) => ({
    ...l,
    events: l.events.map(
      (e): ModelEvent => ({ ...e, model: models.get(e.agreement_id ?? e.application_id ?? "") ?? null }),
    ),
  }));
  return { latest_list: f.latest_list, quiet_lists: f.quiet_lists, lists };
}

export const monthOf = (date: string) => date.slice(0, 7);

export function changesIndex(s: SplitChanges): ChangesIndex {
  const months = new Map<string, ChangesIndex["months"][number]>();
  const states = new Map<string, ChangesIndex["states"][number]>();
  for (const l of s.lists) {
    const m = monthOf(l.date);
    const ref = months.get(m) ?? { month: m, lists: 0, counts: zero() };
    ref.lists++;
    for (const e of l.events) {
      ref.counts[e.category]++;
      if (!e.state) continue;
      const st = states.get(e.state) ?? { state: e.state, events: 0, counts: zero() };
      st.events++;
      st.counts[e.category]++;
      states.set(e.state, st);
    }
    months.set(m, ref);
  }
  return {
    latest_list: s.latest_list,
    quiet_lists: s.quiet_lists,
    // The lists come newest first, so the months do too.
    months: [...months.values()],
    states: [...states.values()].sort((a, b) => (a.state < b.state ? -1 : 1)),
  };
}

export function changesMonth(s: SplitChanges, month: string): ChangesMonthFile | null {
  const lists = s.lists.filter((l) => monthOf(l.date) === month);
  return lists.length ? { latest_list: s.latest_list, month, lists } : null;
}

export function changesState(s: SplitChanges, state: string): ChangesStateFile | null {
  const lists: SplitList[] = [];
  let any = false;
  for (const l of s.lists) {
    const events = l.events.filter((e) => e.state === state);
    if (events.length) any = true;
    // A list not applied concerns every state: it stays, with this state's events (often none).
    if (!events.length && l.status === "applied") continue;
    const counts = zero();
    for (const e of events) counts[e.category]++;
    lists.push({ ...l, counts, events });
  }
  return any ? { latest_list: s.latest_list, state, lists } : null;
}

/** The model of every agreement and application, by id. */
export async function modelsById(db: Db): Promise<Map<string, string>> {
  const [g, a] = await Promise.all([
    db.selectFrom("agreement").select(["agreement_id as id", "model"]).execute(),
    db.selectFrom("application").select(["application_id as id", "model"]).execute(),
  ]);
  return new Map([...g, ...a].map((r) => [r.id, r.model]));
}
