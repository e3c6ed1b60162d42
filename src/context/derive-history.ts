// The history layers derived from ../shared/data/history: ICE's partner lists of 2007-2008 and
// the OIG's of 2009, agreement counts 2007-2017, and the Washington Post's sheriff list.
import { type CuratedCaveat, caveatFor, LAYER_INPUTS, type Row, rawRows } from "./derive-rows.js";
import type { Confidence } from "./sourced.js";

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

// ---------------------------------------------------------------- history: rosters and counts

export const ROSTER_COLUMNS = [
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

export function deriveRosters(iceText: string, oigText: string): Row[] {
  const out: Row[] = [];
  rawRows(iceText, LAYER_INPUTS.iceLists).forEach((r) => {
    const asOf = r.need("as_of");
    out.push({
      roster: `ice-list-${asOf}`,
      row: r.row,
      as_of: asOf,
      state: r.usps(r.need("state_abbr") || r.need("state")),
      agency: r.need("agency"),
      model: "",
      signed_on: "",
      status: "listed",
      capture: r.need("capture"),
      source: r.need("source"),
      source_url: HISTORY_SOURCES.iceLists.url,
    });
  });
  rawRows(oigText, LAYER_INPUTS.oig).forEach((r) => {
    const asOf = r.need("as_of");
    const model = r.need("model");
    const status = r.need("status");
    if (!OIG_MODELS[model]) throw r.error(`model ${JSON.stringify(model)}`);
    out.push({
      roster: `oig-${asOf}`,
      row: r.row,
      as_of: asOf,
      state: r.state(),
      agency: r.need("agency"),
      model: OIG_MODELS[model] as string,
      signed_on: r.need("date_signed_original"),
      status: r.oneOf(status, ["signed", "pending"], "status"),
      capture: "",
      source: r.need("source"),
      source_url: HISTORY_SOURCES.oig.url,
    });
  });
  return out;
}

export const COUNT_COLUMNS = [
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

export function deriveCounts(text: string, caveats: CuratedCaveat[]): Row[] {
  return rawRows(text, LAYER_INPUTS.counts).map((r) => {
    const asOf = r.need("as_of");
    const basis = r.need("basis");
    const cav = caveatFor(caveats, "history_counts", "", asOf);
    const byBasis = BASIS_CAVEATS[basis];
    const { confidence: c, caveat } = cav
      ? r.rated(null, cav)
      : byBasis
        ? { confidence: "medium" as Confidence, caveat: byBasis }
        : r.rated(null, null);
    const n = r.need("n_agreements");
    if (!/^\d+$/.test(n)) throw r.error(`n_agreements ${JSON.stringify(n)}`);
    return {
      as_of: asOf,
      count: n,
      moa_links: r.need("moa_links"),
      unit: r.need("unit"),
      basis,
      claim: r.need("claim"),
      source: r.need("source"),
      source_url: HISTORY_SOURCES.counts.url,
      confidence: c,
      caveat,
    };
  });
}

// ---------------------------------------------------------------- history: the newsroom's sheriff list

export const WAPO_COLUMNS = [
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

export function deriveWapo(text: string): Row[] {
  const out: Row[] = [];
  let section = "current";
  let lastState = "";
  rawRows(text, LAYER_INPUTS.wapo).forEach((r) => {
    const agency = r.need("County");
    const rawState = r.need("State");
    // The sheet's second part starts with a heading row: `State (Alphabetical), COUNTIES THAT ENDED 287(g)`.
    if (/ended 287\(g\)/i.test(agency)) {
      section = "ended";
      return;
    }
    if (!agency) return;
    let state = "";
    let stateBasis = "column";
    if (rawState) state = r.usps(rawState);
    else if (lastState) {
      // Rows 199-202 of the sheet (Manassas Park PD …) sit under the Virginia row with no state.
      state = lastState;
      stateBasis = "row_above";
    } else throw r.error(`no state`);
    lastState = state;
    const fromOri = normalizeOri(r.need("ori"));
    // The column headed `ignore` repeats the ORI, and holds it alone on a few rows (Flathead, MT).
    const fromIgnore = normalizeOri(r.cells.ignore ?? "");
    const fips = r.need("FIPS");
    if (fips && !/^\d{1,5}$/.test(fips)) throw r.error(`FIPS ${JSON.stringify(fips)}`);
    const years: string[] = [];
    for (let y = 2005; y <= 2019; y++) {
      const v = r.need(`y${y}`).toUpperCase();
      if (v === "X") years.push(String(y));
      else if (v) throw r.error(`y${y} is ${JSON.stringify(v)}, expected X or empty`);
    }
    const joined = r.need("Joined after 2018? (Y/N)");
    out.push({
      row: r.row,
      section,
      state,
      state_basis: stateBasis,
      agency,
      ori: fromOri ?? fromIgnore ?? "",
      ori_basis: fromOri ? "ori" : fromIgnore ? "ignore_column" : "",
      fips: fips ? fips.padStart(5, "0") : "",
      years: years.join(" "),
      joined_after_2018: joined,
      sheriff_column: r.cells["SHERIFF? (for counties that ended agreements)"] ?? "",
      notes: r.need("NOTES").replace(/\s*\n\s*/g, " "),
      confidence: "medium",
      caveat: WAPO_CAVEAT,
    });
  });
  return out;
}
