// Turns the raw reference tables in ../shared/data (reference/ and history/) into the compact,
// normalised tables committed under data/context/layers/. Pure: text in, text out, so the same
// inputs always give byte-identical files (a test re-derives and compares).
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { lookupState } from "../domain/state.js";
import { firstLooseDate, type LooseDate, lastDay, looseDates } from "./loose-date.js";
import { parsePolicyLabel } from "./policy-label.js";
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

// Where each history table was first published. Commit permalinks, so the link keeps pointing at
// the version these files were taken from.
const DEPORTATIONDATA = "https://github.com/deportationdata/ice-287g/blob";
export const HISTORY_SOURCES = {
  iceLists: {
    source: "ICE 287(g) partners page (Wayback captures), transcribed by deportationdata/ice-287g",
    url: `${DEPORTATIONDATA}/bbf51df77a25fd89e471243d1607a52cb030902f/data/intermediate/historical-ice-lists.csv`,
  },
  oig: {
    source: "DHS OIG-10-63 Appendix E Table 3, transcribed by deportationdata/ice-287g",
    url: `${DEPORTATIONDATA}/919d29993cc51e9faf9f3dad5419f5b3e25cb6c9/data/intermediate/historical-oig-2009.csv`,
  },
  counts: {
    source: "deportationdata/ice-287g completeness_by_period (GAO, CRS, DHS OIG, MPI, FOIA, ICE fact sheets)",
    url: `${DEPORTATIONDATA}/92556ed51e6084d8672c45611063fc2e2956160a/inputs/pre2018/prebuilt/completeness_by_period.csv`,
  },
  wapo: {
    source: "The Washington Post, wpinvestigative/sheriffs_287g (287g_curated_2019.xlsx), CC BY-NC-SA 4.0",
    url: "https://github.com/wpinvestigative/sheriffs_287g",
  },
} as const;
export const WAPO_LICENCE =
  "CC BY-NC-SA 4.0 (https://creativecommons.org/licenses/by-nc-sa/4.0/): The Washington Post, wpinvestigative/sheriffs_287g. Non-commercial use, with credit; derivatives under the same licence.";
export const POLITICS_SOURCE = "state_politics.csv, compiled for this project";

export class DeriveError extends Error {}

type Row = Record<string, string>;

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

function need(r: Row, col: string, file: string, i: number): string {
  const v = r[col];
  if (v === undefined) throw new DeriveError(`${file} row ${i + 1}: no column ${col}`);
  return v;
}

function usps(raw: string, file: string, i: number): string {
  const m = lookupState(raw);
  if (!m) throw new DeriveError(`${file} row ${i + 1}: unknown state ${JSON.stringify(raw)}`);
  return m.state.usps;
}

function confidence(raw: string, file: string, i: number): Confidence {
  const c = raw.toLowerCase();
  if (!(CONFIDENCES as readonly string[]).includes(c))
    throw new DeriveError(`${file} row ${i + 1}: confidence ${JSON.stringify(raw)} is not high, medium or low`);
  return c as Confidence;
}

function host(url: string): string {
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
  return readCsv(text, "layer-caveats.csv").map((r, i) => ({
    layer: need(r, "layer", "layer-caveats.csv", i),
    state: need(r, "state", "layer-caveats.csv", i),
    match: need(r, "match", "layer-caveats.csv", i),
    confidence: r.confidence ? confidence(r.confidence, "layer-caveats.csv", i) : null,
    caveat: need(r, "caveat", "layer-caveats.csv", i),
    used: 0,
  }));
}

/**
 * The curated caveat for one row: same layer and state, and `match` found in the row's text
 * (`*` matches every row of the state). Two caveats for one row is an error.
 */
function caveatFor(caveats: CuratedCaveat[], layer: string, state: string, text: string): CuratedCaveat | null {
  const hits = caveats.filter(
    (c) => c.layer === layer && c.state === state && (c.match === "*" || text.includes(c.match)),
  );
  if (hits.length > 1)
    throw new DeriveError(`layer-caveats.csv: ${hits.length} caveats match ${layer} ${state} ${text}`);
  const hit = hits[0] ?? null;
  if (hit) hit.used++;
  return hit;
}

/** The row's confidence and caveat: the source's own rating, or the curated one where the source has none. */
function rated(
  file: string,
  i: number,
  sourceRating: Confidence | null,
  curated: CuratedCaveat | null,
): { confidence: Confidence; caveat: string } {
  if (sourceRating && curated?.confidence && curated.confidence !== sourceRating)
    throw new DeriveError(`${file} row ${i + 1}: a curated caveat may not change the source's own rating`);
  const c = sourceRating ?? curated?.confidence ?? "high";
  const caveat = curated?.caveat ?? "";
  if (needsCaveat(c) && !caveat)
    throw new DeriveError(
      `${file} row ${i + 1}: ${c}-confidence row has no caveat in data/context/curated/layer-caveats.csv`,
    );
  return { confidence: c, caveat };
}

// ---------------------------------------------------------------- policies

const POLICY_COLUMNS = [
  "row",
  "state",
  "kind",
  "proposed",
  "scope",
  "label_note",
  "instrument",
  "citation",
  "enacted",
  "effective",
  "effective_approx",
  "in_effect_from",
  "until",
  "deadline",
  "last_action",
  "summary",
  "source",
  "source_url",
  "confidence",
  "caveat",
  "raw_policy",
  "raw_enacted",
  "raw_effective",
] as const;

// A dated end or deadline written into the text: `(rescinded 2026-01-17)`, `sheriffs must comply
// by 2026-12-01`, `existing agreements must be terminated by 2025-08-13`, `termination of existing
// agreements by July 2026` (a deadline may be partial: `2026-07`).
const RESCINDED = /rescinded\s+(\d{4}-\d{2}-\d{2})/i;
const DEADLINE = /\b(?:comply|terminated|terminate|termination of existing agreements)\s+by\s+/i;

function deadlineIn(text: string): string | null {
  const m = DEADLINE.exec(text);
  if (!m) return null;
  const d = firstLooseDate(text.slice(m.index + m[0].length));
  return d && d.index === 0 ? d.date : null;
}

function derivePolicies(text: string, caveats: CuratedCaveat[]): Row[] {
  const file = LAYER_INPUTS.policies;
  return readCsv(text, file).map((r, i) => {
    const state = usps(need(r, "state", file, i), file, i);
    const rawPolicy = need(r, "policy", file, i);
    const instrument = need(r, "instrument", file, i);
    const citation = need(r, "citation", file, i);
    const label = parsePolicyLabel(rawPolicy, instrument);
    const rawEnacted = need(r, "enacted", file, i);
    const rawEffective = need(r, "effective", file, i);
    const summary = need(r, "summary", file, i);
    const enactedDate = firstLooseDate(rawEnacted);
    // A proposal has no enactment: its date is the last legislative action we know of.
    const effective: LooseDate | null = label.proposed ? null : firstLooseDate(rawEffective);
    const url = need(r, "source_url", file, i);
    const cav = caveatFor(caveats, "policies", state, citation);
    const { confidence: c, caveat } = rated(file, i, confidence(need(r, "confidence", file, i), file, i), cav);
    return {
      row: String(i + 1),
      state,
      kind: label.kind,
      proposed: String(label.proposed),
      scope: label.scope ?? "",
      label_note: label.note ?? "",
      instrument,
      citation,
      enacted: label.proposed ? "" : (enactedDate?.date ?? ""),
      effective: effective?.date ?? "",
      effective_approx: String(effective?.approx ?? false),
      // A date known only to the month or year counts from its last day: a law is never shown in
      // effect before it surely was (`2025-02` → 2025-02-28, `2022` → 2022-12-31).
      in_effect_from: effective ? lastDay(effective) : "",
      until: RESCINDED.exec(rawEffective)?.[1] ?? "",
      deadline: deadlineIn(rawEffective) ?? deadlineIn(summary) ?? "",
      last_action: label.proposed ? (enactedDate?.date ?? "") : "",
      summary,
      source: host(url),
      source_url: url,
      confidence: c,
      caveat,
      raw_policy: rawPolicy,
      raw_enacted: rawEnacted,
      raw_effective: rawEffective,
    };
  });
}

// ---------------------------------------------------------------- litigation

const LITIGATION_COLUMNS = [
  "row",
  "state",
  "case",
  "type",
  "court_or_issuer",
  "case_number",
  "plaintiffs_or_requester",
  "defendants",
  "filed",
  "filed_note",
  "key_dates",
  "events",
  "last_date",
  "status_kind",
  "status",
  "summary",
  "source",
  "source_url",
  "confidence",
  "caveat",
] as const;

/** `2025-12-18 (served) / 2025-12-19 (filed per ACLU-MN)`: the date marked as the filing wins. */
function filedDate(raw: string): LooseDate | null {
  if (/^not filed/i.test(raw)) return null;
  const ds = looseDates(raw);
  const marked = ds.find((d) => /^[\d-]+\s*\(filed/i.test(raw.slice(d.index)));
  return marked ?? ds[0] ?? null;
}

/** `Pending (no outcome found)` → pending; `Unverified` → unverified; `No filing found` → not_filed. */
export function statusKind(status: string): "pending" | "resolved" | "unverified" | "not_filed" {
  if (/^pending/i.test(status)) return "pending";
  if (/^unverified/i.test(status)) return "unverified";
  if (/^no filing/i.test(status)) return "not_filed";
  return "resolved";
}

function deriveLitigation(text: string, caveats: CuratedCaveat[]): Row[] {
  const file = LAYER_INPUTS.litigation;
  return readCsv(text, file).map((r, i) => {
    const state = usps(need(r, "state", file, i), file, i);
    const name = need(r, "case_or_action", file, i);
    const rawFiled = need(r, "filed", file, i);
    const keyDates = need(r, "key_dates", file, i);
    // Each `;`-separated step of the key dates, with the first date written in it.
    const events = keyDates
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => ({ date: firstLooseDate(s)?.date ?? null, text: s }));
    const dated = events.map((e) => e.date).filter((d): d is string => !!d);
    const filed = filedDate(rawFiled);
    const last = [...dated, ...(filed ? [filed.date] : [])].sort().at(-1) ?? "";
    const status = need(r, "status_outcome", file, i);
    const url = need(r, "source_url", file, i);
    const cav = caveatFor(caveats, "litigation", state, name);
    const { confidence: c, caveat } = rated(file, i, confidence(need(r, "confidence", file, i), file, i), cav);
    return {
      row: String(i + 1),
      state,
      case: name,
      type: need(r, "type", file, i),
      court_or_issuer: need(r, "court_or_issuer", file, i),
      case_number: need(r, "case_number", file, i),
      plaintiffs_or_requester: need(r, "plaintiffs_or_requester", file, i),
      defendants: need(r, "defendants", file, i),
      filed: filed?.date ?? "",
      filed_note: rawFiled,
      key_dates: keyDates,
      events: JSON.stringify(events),
      last_date: last,
      status_kind: statusKind(status),
      status,
      summary: need(r, "summary", file, i),
      source: host(url),
      source_url: url,
      confidence: c,
      caveat,
    };
  });
}

// ---------------------------------------------------------------- politics

const POLITICS_COLUMNS = [
  "state",
  "year",
  "governor_party",
  "legislature_control",
  "trifecta",
  "battleground_2024",
  "source",
  "source_url",
  "confidence",
  "caveat",
] as const;

function oneOf(v: string, allowed: readonly string[], what: string, file: string, i: number): string {
  if (!allowed.includes(v))
    throw new DeriveError(`${file} row ${i + 1}: ${what} ${JSON.stringify(v)} is not one of ${allowed.join(", ")}`);
  return v;
}

function derivePolitics(text: string, caveats: CuratedCaveat[]): Row[] {
  const file = LAYER_INPUTS.politics;
  return readCsv(text, file).map((r, i) => {
    const state = usps(need(r, "state", file, i), file, i);
    const year = need(r, "year", file, i);
    if (!/^\d{4}$/.test(year)) throw new DeriveError(`${file} row ${i + 1}: year ${JSON.stringify(year)}`);
    const bg = need(r, "battleground_2024", file, i).toLowerCase();
    const { confidence: c, caveat } = rated(file, i, null, caveatFor(caveats, "politics", state, year));
    return {
      state,
      year,
      governor_party: oneOf(need(r, "governor_party", file, i), ["R", "D", "I"], "governor_party", file, i),
      legislature_control: oneOf(
        need(r, "legislature_control", file, i),
        ["R", "D", "Split", "Coalition"],
        "legislature_control",
        file,
        i,
      ),
      trifecta: oneOf(need(r, "trifecta", file, i).toLowerCase(), ["r", "d", "divided"], "trifecta", file, i).replace(
        /^[rd]$/,
        (x) => x.toUpperCase(),
      ),
      battleground_2024: String(oneOf(bg, ["true", "false"], "battleground_2024", file, i) === "true"),
      source: POLITICS_SOURCE,
      source_url: "",
      confidence: c,
      caveat,
    };
  });
}

// ---------------------------------------------------------------- history: rosters and counts

const ROSTER_COLUMNS = [
  "roster",
  "row",
  "as_of",
  "state",
  "agency",
  "model",
  "signed_on",
  "status",
  "capture",
  "source",
  "source_url",
] as const;

const OIG_MODELS: Record<string, string> = { "Jail Enforcement": "JEM", "Task Force": "TFM", Hybrid: "hybrid" };

function deriveRosters(iceText: string, oigText: string): Row[] {
  const out: Row[] = [];
  const iceFile = LAYER_INPUTS.iceLists;
  readCsv(iceText, iceFile).forEach((r, i) => {
    const asOf = need(r, "as_of", iceFile, i);
    out.push({
      roster: `ice-list-${asOf}`,
      row: String(i + 1),
      as_of: asOf,
      state: usps(need(r, "state_abbr", iceFile, i) || need(r, "state", iceFile, i), iceFile, i),
      agency: need(r, "agency", iceFile, i),
      model: "",
      signed_on: "",
      status: "listed",
      capture: need(r, "capture", iceFile, i),
      source: need(r, "source", iceFile, i),
      source_url: HISTORY_SOURCES.iceLists.url,
    });
  });
  const oigFile = LAYER_INPUTS.oig;
  readCsv(oigText, oigFile).forEach((r, i) => {
    const asOf = need(r, "as_of", oigFile, i);
    const model = need(r, "model", oigFile, i);
    const status = need(r, "status", oigFile, i);
    if (!OIG_MODELS[model]) throw new DeriveError(`${oigFile} row ${i + 1}: model ${JSON.stringify(model)}`);
    out.push({
      roster: `oig-${asOf}`,
      row: String(i + 1),
      as_of: asOf,
      state: usps(need(r, "state", oigFile, i), oigFile, i),
      agency: need(r, "agency", oigFile, i),
      model: OIG_MODELS[model] as string,
      signed_on: need(r, "date_signed_original", oigFile, i),
      status: oneOf(status, ["signed", "pending"], "status", oigFile, i),
      capture: "",
      source: need(r, "source", oigFile, i),
      source_url: HISTORY_SOURCES.oig.url,
    });
  });
  return out;
}

const COUNT_COLUMNS = [
  "as_of",
  "count",
  "moa_links",
  "unit",
  "basis",
  "claim",
  "source",
  "source_url",
  "confidence",
  "caveat",
] as const;

// The basis column says how each figure was dated; two bases leave the date itself uncertain.
const BASIS_CAVEATS: Record<string, string> = {
  "capture date (caption stale)":
    "Dated by the web capture: the page's own caption was stale, so the figure may describe an earlier date.",
  "ICE production date": "Dated by ICE's FOIA production, not by a stated as-of date.",
};

function deriveCounts(text: string, caveats: CuratedCaveat[]): Row[] {
  const file = LAYER_INPUTS.counts;
  return readCsv(text, file).map((r, i) => {
    const asOf = need(r, "as_of", file, i);
    const basis = need(r, "basis", file, i);
    const cav = caveatFor(caveats, "history_counts", "", asOf);
    const byBasis = BASIS_CAVEATS[basis];
    const { confidence: c, caveat } = cav
      ? rated(file, i, null, cav)
      : byBasis
        ? { confidence: "medium" as Confidence, caveat: byBasis }
        : rated(file, i, null, null);
    const n = need(r, "n_agreements", file, i);
    if (!/^\d+$/.test(n)) throw new DeriveError(`${file} row ${i + 1}: n_agreements ${JSON.stringify(n)}`);
    return {
      as_of: asOf,
      count: n,
      moa_links: need(r, "moa_links", file, i),
      unit: need(r, "unit", file, i),
      basis,
      claim: need(r, "claim", file, i),
      source: need(r, "source", file, i),
      source_url: HISTORY_SOURCES.counts.url,
      confidence: c,
      caveat,
    };
  });
}

// ---------------------------------------------------------------- history: the newsroom's sheriff list

const WAPO_COLUMNS = [
  "row",
  "section",
  "state",
  "state_basis",
  "agency",
  "ori",
  "ori_basis",
  "fips",
  "years",
  "joined_after_2018",
  "sheriff_column",
  "notes",
  "confidence",
  "caveat",
] as const;

const WAPO_CAVEAT =
  "A newsroom's hand-curated list: an X marks a year in which the agency had an agreement at some point; some end years are inferred (see notes).";

/**
 * ORIs as the FBI writes them, nine characters. The sheet has both forms: `AL0310000` and the
 * seven-character `NC09200`, which is the same agency as `NC0920000`.
 */
export function normalizeOri(raw: string): string | null {
  const s = raw.trim().toUpperCase();
  if (/^[A-Z]{2}[0-9A-Z]{7}$/.test(s)) return s;
  if (/^[A-Z]{2}[0-9A-Z]{5}$/.test(s)) return `${s}00`;
  return null;
}

function deriveWapo(text: string): Row[] {
  const file = LAYER_INPUTS.wapo;
  const out: Row[] = [];
  let section = "current";
  let lastState = "";
  readCsv(text, file).forEach((r, i) => {
    const agency = need(r, "County", file, i);
    const rawState = need(r, "State", file, i);
    // The sheet's second part starts with a heading row: `State (Alphabetical), COUNTIES THAT ENDED 287(g)`.
    if (/ended 287\(g\)/i.test(agency)) {
      section = "ended";
      return;
    }
    if (!agency) return;
    let state = "";
    let stateBasis = "column";
    if (rawState) state = usps(rawState, file, i);
    else if (lastState) {
      // Rows 199-202 of the sheet (Manassas Park PD …) sit under the Virginia row with no state.
      state = lastState;
      stateBasis = "row_above";
    } else throw new DeriveError(`${file} row ${i + 1}: no state`);
    lastState = state;
    const fromOri = normalizeOri(need(r, "ori", file, i));
    // The column headed `ignore` repeats the ORI, and holds it alone on a few rows (Flathead, MT).
    const fromIgnore = normalizeOri(r.ignore ?? "");
    const fips = need(r, "FIPS", file, i);
    if (fips && !/^\d{1,5}$/.test(fips)) throw new DeriveError(`${file} row ${i + 1}: FIPS ${JSON.stringify(fips)}`);
    const years: string[] = [];
    for (let y = 2005; y <= 2019; y++) {
      const v = need(r, `y${y}`, file, i).toUpperCase();
      if (v === "X") years.push(String(y));
      else if (v) throw new DeriveError(`${file} row ${i + 1}: y${y} is ${JSON.stringify(v)}, expected X or empty`);
    }
    const joined = need(r, "Joined after 2018? (Y/N)", file, i);
    out.push({
      row: String(i + 1),
      section,
      state,
      state_basis: stateBasis,
      agency,
      ori: fromOri ?? fromIgnore ?? "",
      ori_basis: fromOri ? "ori" : fromIgnore ? "ignore_column" : "",
      fips: fips ? fips.padStart(5, "0") : "",
      years: years.join(" "),
      joined_after_2018: joined,
      sheriff_column: r["SHERIFF? (for counties that ended agreements)"] ?? "",
      notes: need(r, "NOTES", file, i).replace(/\s*\n\s*/g, " "),
      confidence: "medium",
      caveat: WAPO_CAVEAT,
    });
  });
  return out;
}

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
