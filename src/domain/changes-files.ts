// The split change files (data/changes/…): the changes page loads a small index, then one month
// or one state at a time instead of the whole change log.
import type { EventCategory } from "./events.js";
import type { EventItem, FileBase, ListChanges } from "./files.js";

/** An event with the model of its agreement or application, so the page can filter by model. */
export interface ModelEvent extends EventItem {
  model: string | null;
}

export interface SplitList extends Omit<ListChanges, "events"> {
  events: ModelEvent[];
}

export interface ChangesMonthRef {
  /** YYYY-MM, of the lists' dates. */
  month: string;
  lists: number;
  counts: Record<EventCategory, number>;
}

export interface ChangesStateRef {
  state: string;
  events: number;
  counts: Record<EventCategory, number>;
}

/** data/changes/index.json: what months and states have files, newest month first. */
export interface ChangesIndex extends FileBase {
  months: ChangesMonthRef[];
  states: ChangesStateRef[];
  quiet_lists: number;
}

/** data/changes/month/YYYY-MM.json: every list of that month that changed something, newest first. */
export interface ChangesMonthFile extends FileBase {
  month: string;
  lists: SplitList[];
}

/** data/changes/state/XX.json: the lists with events in that state (their events only), newest first; lists not applied are in every state's file. */
export interface ChangesStateFile extends FileBase {
  state: string;
  lists: SplitList[];
}
