// The checks every derived layer shares: reading a raw CSV, required columns, state names,
// confidence ratings, and the curated caveats that a medium- or low-confidence row must carry.
import { parse } from "csv-parse/sync";
import { lookupState } from "../domain/state.js";
import { CONFIDENCES, type Confidence, needsCaveat } from "./sourced.js";

/** Raw inputs, by path relative to the shared data folder. */
export const LAYER_INPUTS = {
  policies: "reference/state_policies.csv",
  litigation: "reference/litigation.csv",
  politics: "reference/state_politics.csv",
  iceLists: "history/ice_partner_lists_2007_2008.csv",
  oig: "history/dhs_oig_2009_appendix_e.csv",
  counts: "history/agreement_counts_2007_2017.csv",
  wapo: "history/wapo_sheriffs_2005_2019.csv",
} as const;
export type LayerInput = keyof typeof LAYER_INPUTS;

export class DeriveError extends Error {}

export type Row = Record<string, string>;

/** CSV text to rows keyed by trimmed header; columns without a header are dropped. */
export function readCsv(text: string, file: string): Row[] {
  let grid: string[][];
  try {
    grid = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new DeriveError(`${file}: ${(e as Error).message}`);
  }
  const [head, ...body] = grid;
  if (!head) throw new DeriveError(`${file}: empty file`);
  const names = head.map((h) => h.trim());
  return body.map((cells) => {
    const r: Row = {};
    names.forEach((n, i) => {
      if (n) r[n] = (cells[i] ?? "").trim();
    });
    return r;
  });
}

/** One raw row, whose checks name its file and row when they fail. */
export class RawRow {
  /** The row's number in its file, counting from 1 below the header. */
  readonly row: string;

  constructor(
    readonly cells: Row,
    private readonly file: string,
    i: number,
  ) {
    this.row = String(i + 1);
  }

  error(what: string): DeriveError {
    return new DeriveError(`${this.file} row ${this.row}: ${what}`);
  }

  need(col: string): string {
    const v = this.cells[col];
    if (v === undefined) throw this.error(`no column ${col}`);
    return v;
  }

  usps(raw: string): string {
    const m = lookupState(raw);
    if (!m) throw this.error(`unknown state ${JSON.stringify(raw)}`);
    return m.state.usps;
  }

  /** The row's `state` column as a USPS code: every layer is keyed on it. */
  state(): string {
    return this.usps(this.need("state"));
  }

  confidence(raw: string): Confidence {
    const c = raw.toLowerCase();
    if (!(CONFIDENCES as readonly string[]).includes(c))
      throw this.error(`confidence ${JSON.stringify(raw)} is not high, medium or low`);
    return c as Confidence;
  }

  oneOf(v: string, allowed: readonly string[], what: string): string {
    if (!allowed.includes(v)) throw this.error(`${what} ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`);
    return v;
  }

  /** The row's confidence and caveat: the source's own rating, or the curated one where the source has none. */
  rated(sourceRating: Confidence | null, curated: CuratedCaveat | null): { confidence: Confidence; caveat: string } {
    if (sourceRating && curated?.confidence && curated.confidence !== sourceRating)
      throw this.error("a curated caveat may not change the source's own rating");
    const c = sourceRating ?? curated?.confidence ?? "high";
    const caveat = curated?.caveat ?? "";
    if (needsCaveat(c) && !caveat)
      throw this.error(`${c}-confidence row has no caveat in data/context/curated/layer-caveats.csv`);
    return { confidence: c, caveat };
  }

  /** The last columns of a row that names its source and rates itself: host, URL, rating, caveat. */
  sourced(curated: CuratedCaveat | null): {
    source: string;
    source_url: string;
    confidence: Confidence;
    caveat: string;
  } {
    const url = this.need("source_url");
    return { source: host(url), source_url: url, ...this.rated(this.confidence(this.need("confidence")), curated) };
  }
}

/** A raw CSV's rows, each with its checks. */
export function rawRows(text: string, file: string): RawRow[] {
  return readCsv(text, file).map((r, i) => new RawRow(r, file, i));
}

export function host(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------- curated caveats

export interface CuratedCaveat {
  layer: string;
  state: string;
  match: string;
  confidence: Confidence | null;
  caveat: string;
  used: number;
}

export function readCaveats(text: string): CuratedCaveat[] {
  return rawRows(text, "layer-caveats.csv").map((r) => ({
    layer: r.need("layer"),
    state: r.need("state"),
    match: r.need("match"),
    confidence: r.cells.confidence ? r.confidence(r.cells.confidence) : null,
    caveat: r.need("caveat"),
    used: 0,
  }));
}

/**
 * The curated caveat for one row: same layer and state, and `match` found in the row's text
 * (`*` matches every row of the state). Two caveats for one row is an error.
 */
export function caveatFor(caveats: CuratedCaveat[], layer: string, state: string, text: string): CuratedCaveat | null {
  const hits = caveats.filter(
    (c) => c.layer === layer && c.state === state && (c.match === "*" || text.includes(c.match)),
  );
  if (hits.length > 1)
    throw new DeriveError(`layer-caveats.csv: ${hits.length} caveats match ${layer} ${state} ${text}`);
  const hit = hits[0] ?? null;
  if (hit) hit.used++;
  return hit;
}
