// Turns the raw reference tables in ../shared/data (reference/ and history/) into the compact,
// normalised tables committed under data/context/layers/. Pure: text in, text out, so the same
// inputs always give byte-identical files (a test re-derives and compares).
import { createHash } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import {
  COUNT_COLUMNS,
  deriveCounts,
  deriveRosters,
  deriveWapo,
  ROSTER_COLUMNS,
  WAPO_COLUMNS,
} from "./derive-history.js";
import { DeriveError, LAYER_INPUTS, type LayerInput, type Row, readCaveats } from "./derive-rows.js";

export { LAYER_INPUTS, type LayerInput };

import {
  deriveLitigation,
  derivePolicies,
  derivePolitics,
  LITIGATION_COLUMNS,
  POLICY_COLUMNS,
  POLITICS_COLUMNS,
} from "./derive-state-layers.js";

/** Derived files, written to data/context/layers/. */
export const LAYER_FILES = {
  policies: "state_policies.csv",
  litigation: "litigation.csv",
  politics: "state_politics.csv",
  rosters: "history_rosters.csv",
  counts: "history_counts.csv",
  wapo: "wapo_sheriffs_2005_2019.csv",
  sources: "SOURCES.csv",
} as const;

// ---------------------------------------------------------------- all layers

function csv(columns: readonly string[], rows: Row[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? "")),
    { header: true, columns: [...columns], record_delimiter: "\n" },
  );
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Every derived file, by name. `inputs` holds the raw text of each LAYER_INPUTS file, `caveats`
 * the curated caveat table. Fails on any row it cannot read, on a medium- or low-confidence row
 * without a caveat, and on a curated caveat that matches no row.
 */
export function deriveLayers(inputs: Record<LayerInput, string>, caveatsText: string): Map<string, string> {
  const caveats = readCaveats(caveatsText);
  const tables: [string, readonly string[], Row[], LayerInput[]][] = [
    [LAYER_FILES.policies, POLICY_COLUMNS, derivePolicies(inputs.policies, caveats), ["policies"]],
    [LAYER_FILES.litigation, LITIGATION_COLUMNS, deriveLitigation(inputs.litigation, caveats), ["litigation"]],
    [LAYER_FILES.politics, POLITICS_COLUMNS, derivePolitics(inputs.politics, caveats), ["politics"]],
    [LAYER_FILES.rosters, ROSTER_COLUMNS, deriveRosters(inputs.iceLists, inputs.oig), ["iceLists", "oig"]],
    [LAYER_FILES.counts, COUNT_COLUMNS, deriveCounts(inputs.counts, caveats), ["counts"]],
    [LAYER_FILES.wapo, WAPO_COLUMNS, deriveWapo(inputs.wapo), ["wapo"]],
  ];
  const unused = caveats.filter((c) => c.used === 0);
  if (unused.length)
    throw new DeriveError(
      `layer-caveats.csv: no row matches ${unused.map((c) => `${c.layer} ${c.state} ${JSON.stringify(c.match)}`).join("; ")}`,
    );
  const files = new Map<string, string>();
  const sources: Row[] = [];
  for (const [name, columns, rows, from] of tables) {
    files.set(name, csv(columns, rows));
    for (const k of from)
      sources.push({ file: name, rows: String(rows.length), input: LAYER_INPUTS[k], input_sha256: sha256(inputs[k]) });
  }
  files.set(LAYER_FILES.sources, csv(["file", "rows", "input", "input_sha256"], sources));
  return files;
}
