// The state layers derived from ../shared/data/reference: state policies (bans, mandates…),
// litigation, and each state's politics by year.
import {
  type CuratedCaveat,
  caveatFor,
  confidence,
  DeriveError,
  host,
  LAYER_INPUTS,
  need,
  oneOf,
  type Row,
  rated,
  readCsv,
  usps,
} from "./derive-rows.js";
import { firstLooseDate, type LooseDate, lastDay, looseDates } from "./loose-date.js";
import { parsePolicyLabel } from "./policy-label.js";

export const POLITICS_SOURCE = "state_politics.csv, compiled for this project";

// ---------------------------------------------------------------- policies

export const POLICY_COLUMNS = [
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

export function derivePolicies(text: string, caveats: CuratedCaveat[]): Row[] {
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

export const LITIGATION_COLUMNS = [
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

export function deriveLitigation(text: string, caveats: CuratedCaveat[]): Row[] {
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

export const POLITICS_COLUMNS = [
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

export function derivePolitics(text: string, caveats: CuratedCaveat[]): Row[] {
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
