// The facts that claim checks and conflict reports compute from: every agreement with its listed
// periods and its agency's place and type (the rows the statistics count, see population.ts),
// and the applied lists a figure is computed from. Everything downstream is a pure function of these.

import type { Db } from "../store/db.js";
import { type Msg, msg } from "./messages.js";
import { type AgreementFact, loadFacts as loadAgreementFacts } from "./population.js";

export interface FactList {
  date: string;
  file: string;
  kind: string;
}

export interface Facts {
  agreements: AgreementFact[];
  /** Applied participating lists, oldest first: "computed from" names one of these. */
  lists: FactList[];
}

/** The latest applied list published on or before `d`: the list a figure as of `d` comes from. */
export function listAsOf(lists: FactList[], d: string): FactList | null {
  let best: FactList | null = null;
  for (const l of lists) if (l.date <= d) best = l;
  return best;
}

export async function loadFacts(db: Db): Promise<Facts> {
  const lists = await db
    .selectFrom("observation")
    .select(["date", "original_filename as file", "kind"])
    .where("status", "=", "applied")
    .where("kind", "=", "participating")
    .orderBy("order_key")
    .execute();
  return { agreements: await loadAgreementFacts(db), lists };
}

/** "ICE participating list of 2026-02-27 (file)": what a figure as of `d` is computed from. */
export function computedFrom(facts: Facts, d: string): string {
  return computedFromMsg(facts, d).text;
}

/** The same sentence as a message key, for other languages. */
export function computedFromMsg(facts: Facts, d: string): Msg {
  const l = listAsOf(facts.lists, d);
  return l ? msg("computed_from.list", { date: l.date, file: l.file }) : msg("computed_from.none", { date: d });
}
