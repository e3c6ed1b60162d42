// The historical layer, before the ledger's first list (2021-01-13): ICE's 2007 and 2008 partner
// lists, the 2009 OIG table, published counts 2007–2017 and a newsroom's 2005–2019 sheriff flags.
// Kept apart from the ledger and linked to ledger agencies only where the match is sure.
import { z } from "zod";
import { stateByUsps } from "../domain/state.js";
import { agencyKey } from "../normalize/agency-key.js";
import { HISTORY_SOURCES, WAPO_LICENCE } from "./derive-history.js";
import { readLayer } from "./layer-files.js";
import { CONFIDENCES, type Sourced } from "./sourced.js";

export { WAPO_LICENCE };

export interface HistoricalRosterRow extends Sourced {
  /** `ice-list-2007-09-19`, `ice-list-2008-03-10` or `oig-2009-10-28`. */
  roster: string;
  row: number;
  as_of: string;
  state: string;
  agency: string;
  /** OIG only: JEM, TFM, or hybrid (jail and task force in one agreement). */
  model: "JEM" | "TFM" | "hybrid" | null;
  signed_on: string | null;
  /** `listed` on ICE's page; `signed` or `pending` in the OIG table. */
  status: "listed" | "signed" | "pending";
  /** The Wayback capture the ICE list was read from. */
  capture: string | null;
}

export interface HistoricalCount extends Sourced {
  as_of: string;
  count: number;
  moa_links: number | null;
  /** What one unit is, per the compiler (`agency`); see the caveat where it is not. */
  unit: string;
  /** How the figure was dated: `stated as-of`, `on-page caption`, `capture date (caption stale)`… */
  basis: string;
  claim: string;
  /** The publication the figure comes from (GAO-09-109 App. III, an ICE fact sheet…). */
  publication: string;
}

export interface SheriffFlag extends Sourced {
  row: number;
  /** `current`: the sheet's main list; `ended`: its list of agencies that ended their agreement. */
  section: "current" | "ended";
  state: string;
  /** `row_above` where the sheet left the state blank under a row of the same group. */
  state_basis: "column" | "row_above";
  agency: string;
  ori: string | null;
  ori_basis: "ori" | "ignore_column" | null;
  fips: string | null;
  /** Years with an X. */
  years: number[];
  joined_after_2018: string;
  sheriff_column: string;
  notes: string;
  licence: string;
}

const blank = (s: string) => (s === "" ? null : s);

const RosterRow = z
  .object({
    roster: z.string().regex(/^(ice-list|oig)-\d{4}-\d{2}-\d{2}$/),
    row: z.coerce.number().int(),
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    state: z.string().length(2),
    agency: z.string().min(1),
    model: z.enum(["JEM", "TFM", "hybrid", ""]),
    signed_on: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/),
    status: z.enum(["listed", "signed", "pending"]),
    capture: z.string(),
    source: z.string(),
    source_url: z.string(),
  })
  .transform(
    (r): HistoricalRosterRow => ({
      ...r,
      model: r.model === "" ? null : r.model,
      signed_on: blank(r.signed_on),
      capture: blank(r.capture),
      source_url: blank(r.source_url),
      confidence: "high",
      caveat: null,
    }),
  );

const CountRow = z
  .object({
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    count: z.coerce.number().int(),
    moa_links: z.string().regex(/^\d*$/),
    unit: z.string(),
    basis: z.string(),
    claim: z.string(),
    source: z.string(),
    source_url: z.string(),
    confidence: z.enum(CONFIDENCES),
    caveat: z.string(),
  })
  .transform(
    (r): HistoricalCount => ({
      as_of: r.as_of,
      count: r.count,
      moa_links: r.moa_links === "" ? null : Number(r.moa_links),
      unit: r.unit,
      basis: r.basis,
      claim: r.claim,
      publication: r.source,
      source: `${r.source}, compiled by deportationdata/ice-287g`,
      source_url: blank(r.source_url),
      confidence: r.confidence,
      caveat: blank(r.caveat),
    }),
  );

const WapoRow = z
  .object({
    row: z.coerce.number().int(),
    section: z.enum(["current", "ended"]),
    state: z.string().length(2),
    state_basis: z.enum(["column", "row_above"]),
    agency: z.string().min(1),
    ori: z.string().regex(/^([A-Z]{2}[0-9A-Z]{7})?$/),
    ori_basis: z.enum(["ori", "ignore_column", ""]),
    fips: z.string().regex(/^(\d{5})?$/),
    years: z.string().regex(/^(\d{4}( \d{4})*)?$/),
    joined_after_2018: z.string(),
    sheriff_column: z.string(),
    notes: z.string(),
    confidence: z.enum(CONFIDENCES),
    caveat: z.string(),
  })
  .transform(
    (r): SheriffFlag => ({
      ...r,
      ori: blank(r.ori),
      ori_basis: r.ori_basis === "" ? null : r.ori_basis,
      fips: blank(r.fips),
      years: r.years ? r.years.split(" ").map(Number) : [],
      source: HISTORY_SOURCES.wapo.source,
      source_url: HISTORY_SOURCES.wapo.url,
      caveat: blank(r.caveat),
      licence: WAPO_LICENCE,
    }),
  );

/** The 2007 and 2008 ICE lists and the 2009 OIG table, row by row. */
export function historicalRosters(): HistoricalRosterRow[] {
  return readLayer("history_rosters.csv", RosterRow);
}

/** Published counts of active agreements, 2007-09 to 2017-08, with unit and basis. */
export function historicalCounts(): HistoricalCount[] {
  return readLayer("history_counts.csv", CountRow);
}

/** The newsroom's sheriff list: one row per agency, with the years it had an agreement (CC BY-NC-SA 4.0). */
export function sheriffFlags(): SheriffFlag[] {
  return readLayer("wapo_sheriffs_2005_2019.csv", WapoRow);
}

/** How many rows of the sheriff list are flagged in each year, 2005–2019. */
export function sheriffFlagTotals(): Map<number, number> {
  const totals = new Map<number, number>();
  for (let y = 2005; y <= 2019; y++) totals.set(y, 0);
  for (const f of sheriffFlags()) for (const y of f.years) totals.set(y, (totals.get(y) ?? 0) + 1);
  return totals;
}

/**
 * Facts the history README states without a table. The two fact-sheet counts are also rows of
 * the counts table (2017-01-29: 36, 2017-08-01: 58); the first agreement is corroborated by the
 * OIG table's signing date for the Florida Department of Law Enforcement (2002-07-02).
 */
export const HISTORY_FACTS = [
  { date: "2002", fact: "first 287(g) agreement: Florida Department of Law Enforcement", value: null },
  { date: "2017-01", fact: "agreements on ICE's fact sheet (Wayback capture)", value: 36 },
  { date: "2017-08", fact: "agreements on ICE's fact sheet (Wayback capture)", value: 58 },
].map((f) => ({ ...f, source: "ICE fact sheets, as summarised in the shared history README" }));

// ---------------------------------------------------------------- linking to the ledger

/** What the linker needs to know about a ledger agency. */
export interface LedgerAgencyRef {
  agency_id: string;
  state: string;
  name: string;
  /** Canonical keys of every spelling the ledger has seen (the agency table's `keys`). */
  keys: readonly string[];
  type?: string | null;
  county_fips?: string | null;
  ori?: string | null;
}

export type HistorySource = "ice_list" | "oig" | "wapo";

export interface HistoricalAgency {
  /** `ice-list-2007-09-19#3`, `oig-2009-10-28#12`, `wapo#57` (row numbers from 1). */
  id: string;
  source: HistorySource;
  roster: string;
  as_of: string;
  state: string;
  name: string;
  ori: string | null;
  fips: string | null;
  /** A sheriff's office by its name, or by the newsroom's sheet (a bare `Pinal County`). */
  sheriff: boolean;
}

export type LinkMethod = "ori" | "key" | "key_as_sheriff" | "fips_sheriff";

export interface HistoryLink {
  historical: HistoricalAgency;
  agency_id: string | null;
  method: LinkMethod | null;
  /** Why it is linked, or why not. */
  reason: string;
  /** Ledger agencies that some rule pointed at (for an unsure match, the ones in doubt). */
  candidates: string[];
}

export interface HistoryLinks {
  links: HistoryLink[];
  linked: number;
  unlinked: number;
  bySource: Record<HistorySource, { linked: number; unlinked: number }>;
  byMethod: Record<LinkMethod, number>;
}

const SHERIFF_WORD = /\bsh[ei]r+i+f+s?\b|\bsheriff/i;
// `Flagler County Sheriff`, `Holmes County Sheriiff`, `Baker County Sheriffs's Office`: a county
// and a (mis)spelt sheriff, and nothing else.
const COUNTY_SHERIFF = /^([A-Za-z.' -]+ (?:County|Parish))(?:\s+sh[a-z]*r+[a-z]*f+[a-z]*(?:['’]s)?(?:\s+office)?)?$/i;

/**
 * The sheriff list's way of naming a sheriff's office, spelt as ICE spells it: `Pinal County` →
 * `Pinal County Sheriff's Office`. Null for any other name (a `Sheriff's Department` is left alone).
 */
export function asSheriffOffice(name: string): string | null {
  const m = COUNTY_SHERIFF.exec(name.trim());
  return m ? `${m[1]} Sheriff's Office` : null;
}

/** Every agency named in the historical rosters and the sheriff list, one entry per row. */
export function historicalAgencies(): HistoricalAgency[] {
  const out: HistoricalAgency[] = [];
  for (const r of historicalRosters()) {
    out.push({
      id: `${r.roster}#${r.row}`,
      source: r.roster.startsWith("oig") ? "oig" : "ice_list",
      roster: r.roster,
      as_of: r.as_of,
      state: r.state,
      name: r.agency,
      ori: null,
      fips: null,
      sheriff: SHERIFF_WORD.test(r.agency),
    });
  }
  for (const f of sheriffFlags()) {
    out.push({
      id: `wapo#${f.row}`,
      source: "wapo",
      roster: "wapo-2005-2019",
      as_of: f.years.length ? String(f.years.at(-1)) : "",
      state: f.state,
      name: f.agency,
      ori: f.ori,
      fips: f.fips,
      sheriff: SHERIFF_WORD.test(f.agency) || !!asSheriffOffice(f.agency) || /^yes/i.test(f.sheriff_column),
    });
  }
  return out;
}

function indexBy<T>(items: readonly T[], keysOf: (t: T) => (string | null | undefined)[]): Map<string, Set<T>> {
  const m = new Map<string, Set<T>>();
  for (const it of items)
    for (const k of keysOf(it)) {
      if (!k) continue;
      const s = m.get(k) ?? new Set<T>();
      s.add(it);
      m.set(k, s);
    }
  return m;
}

/**
 * Links each historical agency to a ledger agency where the match is sure. A rule is decisive
 * when it finds exactly one ledger agency:
 * - `ori`: the sheet's ORI equals the ledger agency's ORI;
 * - `key`: same state and the same canonical agency key (`AZ Department of Public Safety` and
 *   `Arizona Department of Public Safety` share the key `department of public safety`);
 * - `key_as_sheriff`: on the sheriff list, `Pinal County` or `Flagler County Sheriff` read as
 *   `Pinal County Sheriff's Office` (see asSheriffOffice);
 * - `fips_sheriff`: a sheriff's office on the sheet and the only ledger sheriff in that county FIPS.
 * When decisive rules disagree, or none is decisive, the row stays unlinked and says why.
 */
export function linkHistory(agencies: readonly LedgerAgencyRef[], hist = historicalAgencies()): HistoryLinks {
  const byKey = indexBy(agencies, (a) => [...a.keys, agencyKey(a.name)].map((k) => `${a.state}|${k}`));
  const byOri = indexBy(agencies, (a) => [a.ori]);
  const byFips = indexBy(
    agencies.filter((a) => a.type === "sheriff"),
    (a) => [a.county_fips],
  );
  const ids = (s: Set<LedgerAgencyRef> | undefined) => [...(s ?? [])].map((a) => a.agency_id).sort();

  const links = hist.map((h): HistoryLink => {
    const found: [LinkMethod, string[]][] = [];
    // An ORI or FIPS from another state is a slip in the sheet (Kleberg County, TX is given
    // Florida's 12013): it is ignored rather than allowed to veto a match.
    const stateFips = stateByUsps(h.state)?.fips;
    if (h.ori?.startsWith(h.state)) found.push(["ori", ids(byOri.get(h.ori))]);
    const key = ids(byKey.get(`${h.state}|${agencyKey(h.name)}`));
    found.push(["key", key]);
    const office = h.source === "wapo" && key.length === 0 ? asSheriffOffice(h.name) : null;
    if (office) found.push(["key_as_sheriff", ids(byKey.get(`${h.state}|${agencyKey(office)}`))]);
    if (h.sheriff && stateFips && h.fips?.startsWith(stateFips)) found.push(["fips_sheriff", ids(byFips.get(h.fips))]);

    const decisive = found.filter(([, c]) => c.length === 1);
    const candidates = [...new Set(found.flatMap(([, c]) => c))].sort();
    const chosen = new Set(decisive.map(([, c]) => c[0]));
    if (chosen.size === 1) {
      const [method] = decisive[0] as [LinkMethod, string[]];
      return {
        historical: h,
        agency_id: [...chosen][0] as string,
        method,
        reason: decisive.map(([m]) => m).join("+"),
        candidates,
      };
    }
    const reason =
      chosen.size > 1
        ? `rules disagree: ${decisive.map(([m, c]) => `${m}→${c[0]}`).join(", ")}`
        : candidates.length > 1
          ? `several ledger agencies match: ${candidates.join(", ")}`
          : `no ledger agency in ${h.state} with this name${h.ori ? " or ORI" : ""}`;
    return { historical: h, agency_id: null, method: null, reason, candidates };
  });

  const bySource: HistoryLinks["bySource"] = {
    ice_list: { linked: 0, unlinked: 0 },
    oig: { linked: 0, unlinked: 0 },
    wapo: { linked: 0, unlinked: 0 },
  };
  const byMethod: HistoryLinks["byMethod"] = { ori: 0, key: 0, key_as_sheriff: 0, fips_sheriff: 0 };
  for (const l of links) {
    const s = bySource[l.historical.source];
    if (l.agency_id && l.method) {
      s.linked++;
      byMethod[l.method]++;
    } else s.unlinked++;
  }
  const linked = links.filter((l) => l.agency_id).length;
  return { links, linked, unlinked: links.length - linked, bySource, byMethod };
}
