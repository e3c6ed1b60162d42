// State names as ICE misspells them. Odd case and stray spaces (`UTAh`, `WESt VIRGINIA`) are
// absorbed by domain/state.ts's `stateKey`; real typos (`PENNSLYVANIA`) fold to a state by the
// general rule below, or by the curated table data/corrections/states.csv.

import { lookupState, type StateInfo, stateKey, stateKeys } from "../domain/state.js";

// --- State-name typos (the general rule) ---------------------------------------------------------
// ICE has misspelt state names for months at a time (`PENNSLYVANIA`, `NEW HAMSPHIRE`). A value
// that is no state's name but is within two edits (a swap of two neighbouring letters counting
// as one) of exactly one state's name folds to that state. Short names allow one edit only, and a
// value within two edits of two names (`NOUTH DAKOTA`) is left for a person.

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions, capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = row[0] as number;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, max + 1);
}

/** Edits a misspelling of a name of this many letters may hold: 2 from 8 letters, 1 from 4, else 0. */
function allowedEdits(letters: number): number {
  return letters >= 8 ? 2 : letters >= 4 ? 1 : 0;
}

export interface StateTypo {
  state: StateInfo;
  distance: number;
  /** `state_typo`, the rule recorded with the correction. */
  rule: "state_typo";
  /** Why, for the correction's evidence. */
  evidence: string;
}

/** The one state a misspelt value stands for, or null (a real name, a USPS code, too far, or ambiguous). */
export function foldStateTypo(raw: unknown): StateTypo | null {
  if (typeof raw !== "string" || lookupState(raw)) return null;
  const key = stateKey(raw);
  if (key.length < 4) return null;
  const near: { info: StateInfo; key: string; d: number }[] = [];
  for (const [k, info] of stateKeys()) {
    const d = editDistance(key, k, 2);
    if (d <= 2) near.push({ info, key: k, d });
  }
  if (near.length !== 1) return null;
  const hit = near[0] as { info: StateInfo; key: string; d: number };
  if (hit.d > allowedEdits(hit.key.length)) return null;
  return {
    state: hit.info,
    distance: hit.d,
    rule: "state_typo",
    evidence: `general rule: "${raw.trim()}" is ${hit.d} edit${hit.d === 1 ? "" : "s"} from ${hit.info.name.toUpperCase()} and more than 2 from every other state name`,
  };
}
