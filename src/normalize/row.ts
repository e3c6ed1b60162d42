// Turns a Sheet's raw rows into canonical values. Every change that goes beyond trimming spaces
// or letter case is logged as a correction with its rule name, before and after.
import type { Jurisdiction } from "../domain/agency-type.js";
import type { Model } from "../domain/model.js";
import { lookupState, stateByUsps, stateKey } from "../domain/state.js";
import type { RawCell, RawRow, Sheet } from "../sheets/types.js";
import { agencyKey } from "./agency-key.js";
import { parseJurisdiction } from "./agency-type.js";
import { type Corrections, type Fix, textKey } from "./corrections.js";
import { cleanCounty } from "./county.js";
import { parseSignedDate } from "./dates.js";
import { parseModel } from "./model.js";
import { foldStateTypo } from "./state.js";
import { cleanUrl, SAFELINKS } from "./url.js";

export interface Correction {
  field: "state" | "agency" | "type" | "county" | "model" | "signed" | "moa" | "addendum";
  rule: string;
  before: string | null;
  after: string | null;
  evidence?: string;
}

export interface NormalizedRow {
  row: number;
  state: string | null;
  stateFips: string | null;
  /** Display name: the published spelling with edge and repeated spaces removed. */
  agency: string;
  agencyKey: string;
  jurisdiction: Jurisdiction | null;
  county: string | null;
  model: Model | null;
  signedOn: string | null;
  moaUrl: string | null;
  /** `posted` when the cell links a document, `pending` when it says "link pending". */
  moaStatus: "posted" | "pending" | null;
  addendumUrl: string | null;
  corrections: Correction[];
  /** Reasons the row cannot be resolved to an agreement (unknown state, no model…). */
  problems: string[];
}

export function cleanText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v)
    .replace(/[\s\u00a0]+/g, " ")
    .trim();
}

function str(cell: RawCell | undefined): string | null {
  if (!cell || cell.v === null) return null;
  return String(cell.v);
}

function linkCell(
  cell: RawCell | undefined,
  field: "moa" | "addendum",
  corrections: Correction[],
): { url: string | null; status: NormalizedRow["moaStatus"] } {
  if (!cell) return { url: null, status: null };
  const text = cleanText(cell.v).toLowerCase();
  // HTML-era lists hold the URL as text; workbooks hide it behind a cell that says "link".
  const raw = cell.link ?? (/^(https?:|www\.)/i.test(text) ? cleanText(cell.v) : null);
  if (raw) {
    const { url, rules } = cleanUrl(raw);
    // The SafeLinks `data` parameter carries a staff e-mail address: never store the wrapped form.
    const before = SAFELINKS.test(raw) ? "(safelinks wrapper)" : raw;
    for (const rule of rules) corrections.push({ field, rule, before, after: url });
    if (url) return { url, status: "posted" };
  }
  if (text.includes("pending")) return { url: null, status: "pending" };
  return { url: null, status: null };
}

export function normalizeRows(sheet: Sheet, fixes: Corrections): NormalizedRow[] {
  const fieldIndex = new Map(sheet.columns.flatMap((c, i) => (c.field ? [[c.field, i] as const] : [])));
  const get = (cells: RawCell[], f: string) => {
    const i = fieldIndex.get(f as never);
    return i === undefined ? undefined : cells[i];
  };
  const one = ({ row, cells }: RawRow): NormalizedRow => {
    const corrections: Correction[] = [];
    const problems: string[] = [];
    /** A fix applied: recorded with its evidence, and its value returned. */
    const apply = (field: Correction["field"], rule: string, before: string, fix: Fix<string>) => {
      corrections.push({ field, rule, before, after: fix.value, evidence: fix.evidence });
      return fix.value;
    };

    // State
    const stateText = cleanText(str(get(cells, "state")));
    let usps: string | null = lookupState(stateText)?.state.usps ?? null;
    if (!usps && stateText) {
      const fix = fixes.states.get(stateKey(stateText));
      if (fix) usps = apply("state", "state_typo", stateText, fix);
      else {
        // No curated fix: a misspelling of exactly one state's name (NEW HAMSPHIRE) still folds.
        const typo = foldStateTypo(stateText);
        if (typo) usps = apply("state", typo.rule, stateText, { value: typo.state.usps, evidence: typo.evidence });
      }
    }
    if (!usps) problems.push(stateText ? `unknown state "${stateText}"` : "STATE is blank");

    // Agency
    let agency = cleanText(str(get(cells, "agency")));
    if (!agency) problems.push("LAW ENFORCEMENT AGENCY is blank");
    if (usps && agency) {
      const alias = fixes.agencies.get(usps)?.get(textKey(agency));
      if (alias) agency = apply("agency", "agency_alias", agency, alias);
    }

    // A row ICE filed under the wrong state (Crow Wing County Sheriff's Office, MN, listed under MA
    // on 2025-03-27..04-11) counts once, in the agency's own state.
    if (usps && agency) {
      const moved = fixes.wrongStates.get(usps)?.get(textKey(agency));
      if (moved) usps = apply("state", "wrong_state", usps, moved);
    }

    // Model
    const modelText = cleanText(str(get(cells, "model")));
    const model = parseModel(modelText);
    if (!model) problems.push(modelText ? `unknown SUPPORT TYPE "${modelText}"` : "SUPPORT TYPE is blank");
    else if (model.rule === "variant") {
      corrections.push({ field: "model", rule: "model_spelling", before: modelText, after: model.model });
    }

    // Type (level of government)
    const typeText = cleanText(str(get(cells, "type")));
    const jurisdiction = parseJurisdiction(typeText);
    if (typeText && jurisdiction && !/^(county|municipality|state agency)$/i.test(typeText)) {
      corrections.push({ field: "type", rule: "type_spelling", before: typeText, after: jurisdiction });
    }

    // County
    const countyText = cleanText(str(get(cells, "county")));
    let { county, corrected } = cleanCounty(countyText);
    const countyFix = usps && countyText ? fixes.counties.get(usps)?.get(textKey(countyText)) : undefined;
    if (countyFix) {
      county = countyFix.value || null;
      corrections.push({
        field: "county",
        rule: "county_fix",
        before: countyText,
        after: county,
        evidence: countyFix.evidence,
      });
    } else if (corrected) {
      corrections.push({ field: "county", rule: "county_spelling", before: countyText, after: county });
    }

    // Signed
    const signedCell = get(cells, "signed");
    const d = parseSignedDate(signedCell?.v ?? null);
    let signedOn = d.date;
    const signedText = signedCell?.v === null || signedCell?.v === undefined ? null : String(signedCell.v);
    if (d.corrected) corrections.push({ field: "signed", rule: d.rule as string, before: signedText, after: signedOn });
    if (d.flag) corrections.push({ field: "signed", rule: d.flag, before: signedText, after: null });
    if (usps && model && signedText) {
      const fix = fixes.signedDates.get(usps)?.get(`${textKey(agency)}|${model.model}|${textKey(signedText)}`);
      if (fix) signedOn = apply("signed", "signed_date_fix", signedText, fix);
    }

    const moa = linkCell(get(cells, "moa"), "moa", corrections);
    const addendum = linkCell(get(cells, "addendum"), "addendum", corrections);

    return {
      row,
      state: usps,
      stateFips: usps ? (stateByUsps(usps)?.fips ?? null) : null,
      agency,
      agencyKey: agencyKey(agency),
      jurisdiction,
      county,
      model: model?.model ?? null,
      signedOn,
      moaUrl: moa.url,
      moaStatus: moa.status,
      addendumUrl: addendum.url,
      corrections,
      problems,
    };
  };
  // A row that still cannot be read is kept as unresolved, with the reason; the rest of the list applies.
  return sheet.rows.map((r) => {
    try {
      return one(r);
    } catch (e) {
      return unreadableRow(r.row, e);
    }
  });
}

/** The row as the ledger's unresolved path takes it: no values, and why. */
export function unreadableRow(row: number, e: unknown): NormalizedRow {
  const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").slice(0, 200);
  return {
    row,
    state: null,
    stateFips: null,
    agency: "",
    agencyKey: "",
    jurisdiction: null,
    county: null,
    model: null,
    signedOn: null,
    moaUrl: null,
    moaStatus: null,
    addendumUrl: null,
    corrections: [],
    problems: [`row could not be read: ${why}`],
  };
}
