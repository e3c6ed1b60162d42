// State names as ICE misspells them. Odd case and stray spaces (`UTAh`, `WESt VIRGINIA`) are
// absorbed by domain/state.ts's `stateKey`; real typos (`PENNSLYVANIA`) fold to a state by the
// general rule below, or by the curated table data/corrections/states.csv.

import { lookupState, type StateInfo, stateKey, stateKeys } from "../domain/state.js";
import { editDistance } from "../util/edit-distance.js";

export { editDistance };

// --- State-name typos (the general rule) ---------------------------------------------------------
// ICE has misspelt state names for months at a time (`PENNSLYVANIA`, `NEW HAMSPHIRE`). A value
// that is no state's name but is within two edits (a swap of two neighbouring letters counting
// as one) of exactly one state's name folds to that state. Short names allow one edit only, and a
// value within two edits of two names (`NOUTH DAKOTA`) is left for a person.

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
