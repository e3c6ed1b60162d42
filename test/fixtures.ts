// Hand-made lists for ledger tests: compact rows turned into normalized rows and observations.

import type { Model } from "../src/domain/model.js";
import { stateByUsps } from "../src/domain/state.js";
import type { ListObservation } from "../src/ledger/types.js";
import { agencyKey } from "../src/normalize/agency-key.js";
import type { NormalizedRow } from "../src/normalize/row.js";

export interface R {
  st: string;
  name: string;
  model?: Model;
  signed?: string | null;
  moa?: string | null;
}

export function row(r: R, i: number): NormalizedRow {
  return {
    row: i + 2,
    state: r.st,
    stateFips: stateByUsps(r.st)?.fips ?? null,
    agency: r.name,
    agencyKey: agencyKey(r.name),
    jurisdiction: "county",
    county: null,
    model: r.model ?? "TFM",
    signedOn: r.signed === undefined ? "2025-03-01" : r.signed,
    moaUrl: r.moa ?? null,
    moaStatus: r.moa ? "posted" : null,
    addendumUrl: null,
    corrections: [],
    problems: [],
  };
}

let n = 0;
export function list(
  date: string,
  rows: R[],
  opts: { kind?: "participating" | "pending"; slot?: string; id?: string } = {},
): ListObservation {
  const id = opts.id ?? `snap${++n}`;
  return {
    obsId: `${date}|${opts.slot ?? "am"}|${id}`,
    snapshotId: id,
    kind: opts.kind ?? "participating",
    date,
    order: `${date}T${opts.slot === "pm" ? "22" : "16"}:00:00Z|${id}`,
    label: `${opts.kind ?? "participating"}Agencies-${date}.xlsx`,
    filenameKind: opts.kind ?? "participating",
    rows: rows.map(row),
  };
}

/** `count` distinct agencies in a state, for lists big enough to test the share rules. */
export function many(st: string, count: number, model: Model = "TFM"): R[] {
  return Array.from({ length: count }, (_, i) => ({
    st,
    name: `Town ${i + 1} Police Department`,
    model,
    signed: "2025-03-01",
  }));
}
