// The state layers derived from ../shared/data/reference: state policies (bans, mandates…),
// litigation, and each state's politics by year.
import {
  type CuratedCaveat,
  caveatFor,
  LAYER_INPUTS,
  type LayerInput,
  type RawRow,
  type Row,
  rawRows,
} from "./derive-rows.js";
import { LITIGATION_CASE_COLUMNS, POLICY_INSTRUMENT_COLUMNS, POLICY_SPAN_COLUMNS } from "./layer-columns.js";
import { firstLooseDate, type LooseDate, lastDay, looseDates } from "./loose-date.js";
import { parsePolicyLabel } from "./policy-label.js";
import { SOURCE_COLUMNS } from "./sourced.js";

export const POLITICS_SOURCE = "state_politics.csv, compiled for this project";

/** Each row of one raw layer table, derived once its state is checked: every layer is keyed on it. */
function eachRow(text: string, input: LayerInput, derive: (r: RawRow, state: string) => Row): Row[] {
  return rawRows(text, LAYER_INPUTS[input]).map((r) => derive(r, r.state()));
}

// ---------------------------------------------------------------- policies

export const POLICY_COLUMNS = [
  "row",
  "state",
  "kind",
  "proposed",
  "scope",
  "label_note",
  ...POLICY_INSTRUMENT_COLUMNS,
  "effective_approx",
  ...POLICY_SPAN_COLUMNS,
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

export function derivePolicies(text: string, caveats: CuratedCaveat[]): Row[] {
  return eachRow(text, "policies", (r, state) => {
    const rawPolicy = r.need("policy");
    const instrument = r.need("instrument");
    const citation = r.need("citation");
    const label = parsePolicyLabel(rawPolicy, instrument);
    const rawEnacted = r.need("enacted");
    const rawEffective = r.need("effective");
    const summary = r.need("summary");
    const enactedDate = firstLooseDate(rawEnacted);
    // A proposal has no enactment: its date is the last legislative action we know of.
    const effective: LooseDate | null = label.proposed ? null : firstLooseDate(rawEffective);
    const sourced = r.sourced(caveatFor(caveats, "policies", state, citation));
    return {
      row: r.row,
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
      ...sourced,
      raw_policy: rawPolicy,
      raw_enacted: rawEnacted,
      raw_effective: rawEffective,
    };
  });
}

// ---------------------------------------------------------------- litigation

export const LITIGATION_COLUMNS = [
  "row",
  "state",
  ...LITIGATION_CASE_COLUMNS,
  "filed_note",
  "key_dates",
  "events",
  "last_date",
  "status_kind",
  "status",
  "summary",
  ...SOURCE_COLUMNS,
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

export function deriveLitigation(text: string, caveats: CuratedCaveat[]): Row[] {
  return eachRow(text, "litigation", (r, state) => {
    const name = r.need("case_or_action");
    const rawFiled = r.need("filed");
    const keyDates = r.need("key_dates");
    // Each `;`-separated step of the key dates, with the first date written in it.
    const events = keyDates
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => ({ date: firstLooseDate(s)?.date ?? null, text: s }));
    const dated = events.map((e) => e.date).filter((d): d is string => !!d);
    const filed = filedDate(rawFiled);
    const last = [...dated, ...(filed ? [filed.date] : [])].sort().at(-1) ?? "";
    const status = r.need("status_outcome");
    const sourced = r.sourced(caveatFor(caveats, "litigation", state, name));
    return {
      row: r.row,
      state,
      case: name,
      type: r.need("type"),
      court_or_issuer: r.need("court_or_issuer"),
      case_number: r.need("case_number"),
      plaintiffs_or_requester: r.need("plaintiffs_or_requester"),
      defendants: r.need("defendants"),
      filed: filed?.date ?? "",
      filed_note: rawFiled,
      key_dates: keyDates,
      events: JSON.stringify(events),
      last_date: last,
      status_kind: statusKind(status),
      status,
      summary: r.need("summary"),
      ...sourced,
    };
  });
}

// ---------------------------------------------------------------- politics

export const POLITICS_COLUMNS = [
  "state",
  "year",
  "governor_party",
  "legislature_control",
  "trifecta",
  "battleground_2024",
  ...SOURCE_COLUMNS,
  "caveat",
] as const;

export function derivePolitics(text: string, caveats: CuratedCaveat[]): Row[] {
  return eachRow(text, "politics", (r, state) => {
    const year = r.need("year");
    if (!/^\d{4}$/.test(year)) throw r.error(`year ${JSON.stringify(year)}`);
    const bg = r.need("battleground_2024").toLowerCase();
    const { confidence: c, caveat } = r.rated(null, caveatFor(caveats, "politics", state, year));
    return {
      state,
      year,
      governor_party: r.oneOf(r.need("governor_party"), ["R", "D", "I"], "governor_party"),
      legislature_control: r.oneOf(
        r.need("legislature_control"),
        ["R", "D", "Split", "Coalition"],
        "legislature_control",
      ),
      trifecta: r
        .oneOf(r.need("trifecta").toLowerCase(), ["r", "d", "divided"], "trifecta")
        .replace(/^[rd]$/, (x) => x.toUpperCase()),
      battleground_2024: String(r.oneOf(bg, ["true", "false"], "battleground_2024") === "true"),
      source: POLITICS_SOURCE,
      source_url: "",
      confidence: c,
      caveat,
    };
  });
}
