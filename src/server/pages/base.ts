// What every page's data file is computed from, read once per ledger version: the agreement facts,
// agencies, events and observations, and the small helpers the page modules share.
import { type AgreementFact, activeOn, loadFacts } from "../../analysis/population.js";
import { eventsWithAgency, status } from "../../analysis/queries.js";
import { agencyNameAndPlace, COUNTY_SHOWN } from "../../analysis/rows.js";
import { recordSpan } from "../../analysis/timeline.js";
import { allStates } from "../../context/geography.js";
import { AGREEMENT_COLUMNS } from "../../domain/columns.js";
import type { EventCategory } from "../../domain/events.js";
import type { AgencyItem, AgreementItem, EventItem, TimelinePointItem } from "../../domain/files.js";
import { type Model, modelCounts } from "../../domain/model.js";
import type { Db } from "../../store/db.js";
import type { Table } from "../data-file.js";
import type { Ctx } from "../resource.js";

const CATEGORY: Record<string, EventCategory> = {
  appeared: "change",
  removed: "change",
  reappeared: "change",
  superseded: "change",
  model_changed: "change",
  gap: "change",
  pending_added: "pending",
  pending_signed: "pending",
  pending_dropped: "pending",
  renamed: "fix",
  redated: "fix",
  relisted_state: "fix",
  moa_posted: "moa",
  list_quarantined: "list",
  list_accepted: "list",
  list_kind_mismatch: "list",
  state_held: "list",
  state_released: "list",
  state_accepted: "list",
  holder_changed: "fix",
};

interface Extra {
  county: string | null;
  moa_url: string | null;
  addendum_url: string | null;
  predecessor_id: string | null;
  successor_id: string | null;
}

interface ObservationRow {
  obs_id: string;
  date: string;
  file: string;
  kind: string;
  status: string;
  reason: string | null;
}

/** Everything the files are computed from, read once per ledger version. */
export interface Base {
  latest: string;
  first: string;
  facts: AgreementFact[];
  extra: Map<string, Extra>;
  agencies: AgencyItem[];
  events: (EventItem & { obs_id: string })[];
  status: Awaited<ReturnType<typeof status>>;
  observations: ObservationRow[];
  /** Every state with a Census row or an agency, sorted. */
  states: string[];
}

/** The base of this ledger version, shared by every page module (and by the site's file list). */
export function baseOf(ctx: Ctx): Promise<Base> {
  return ctx.memo("web-base", () => loadBase(ctx.db));
}

export const per100k = (n: number, pop: number | null | undefined) =>
  pop ? Math.round((n / pop) * 100_000 * 100) / 100 : null;

function flat(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

export function byModel(rows: readonly AgreementFact[]): Record<Model, number> {
  const m = modelCounts();
  for (const a of rows) if (Object.hasOwn(m, a.model)) m[a.model as Model]++;
  return m;
}

export function itemOf(b: Base, f: AgreementFact): AgreementItem {
  const x = b.extra.get(f.agreement_id);
  return {
    agreement_id: f.agreement_id,
    agency_id: f.agency_id,
    state: f.state,
    agency: f.agency,
    agency_type: f.agency_type,
    jurisdiction: f.jurisdiction,
    county: x?.county ?? null,
    county_fips: f.county_fips,
    statewide: f.statewide,
    model: f.model,
    signed_on: f.signed_on,
    first_listed: f.first_listed,
    last_listed: f.last_listed,
    status: f.status,
    ended_on: f.ended_on,
    moa_url: x?.moa_url ?? null,
    addendum_url: x?.addendum_url ?? null,
    predecessor_id: x?.predecessor_id ?? null,
    successor_id: x?.successor_id ?? null,
    periods: f.periods.map((p) => [p.start, p.end]),
  };
}

export const stripPoint = (p: TimelinePointItem): TimelinePointItem => ({
  date: p.date,
  ...(p.month ? { month: p.month } : {}),
  agreements: p.agreements,
  agencies: p.agencies,
  JEM: p.JEM,
  TFM: p.TFM,
  WSO: p.WSO,
});

export const publicEvent = ({ obs_id: _o, ...e }: EventItem & { obs_id?: string }): EventItem => e;

async function loadBase(db: Db): Promise<Base> {
  const record = await recordSpan(db);
  if (!record) throw new Error("the ledger holds no applied list yet: run `g287 ingest` first");
  const [facts, st] = await Promise.all([loadFacts(db), status(db)]);
  const extras = await db
    .selectFrom("agreement as g")
    .innerJoin("agency as a", "a.agency_id", "g.agency_id")
    .select([
      "g.agreement_id",
      COUNTY_SHOWN.as("county"),
      "g.moa_url",
      "g.addendum_url",
      "g.predecessor_id",
      "g.successor_id",
    ])
    .execute();
  const extra = new Map(extras.map(({ agreement_id, ...x }) => [agreement_id, x]));
  const factsByAgency = new Map<string, AgreementFact[]>();
  for (const f of facts) {
    const l = factsByAgency.get(f.agency_id) ?? [];
    l.push(f);
    factsByAgency.set(f.agency_id, l);
  }
  const agencyRows = await db.selectFrom("agency").selectAll().orderBy("agency_id").execute();
  const agencies: AgencyItem[] = agencyRows.map((a) => {
    const own = factsByAgency.get(a.agency_id) ?? [];
    return {
      agency_id: a.agency_id,
      state: a.state,
      ...agencyNameAndPlace(a),
      statewide: Number(a.statewide) === 1,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      agreements: own.length,
      active_agreements: own.filter((f) => activeOn(f.periods, record.latest_list)).length,
      name_variants: (JSON.parse(a.names) as { name: string }[]).map((n) => n.name),
    };
  });
  const evRows = await eventsWithAgency(db).orderBy("e.seq").execute();
  const events = evRows.map((e) => {
    const { list, row, ...rest } = JSON.parse(e.detail) as Record<string, unknown>;
    const detail: EventItem["detail"] = {};
    for (const [k, v] of Object.entries(rest)) detail[k] = flat(v);
    return {
      seq: Number(e.seq),
      date: e.date,
      type: e.type,
      category: CATEGORY[e.type] ?? "change",
      agency_id: e.agency_id,
      agency: e.agency,
      state: e.state,
      agreement_id: e.agreement_id,
      application_id: e.application_id,
      list: typeof list === "string" ? list : null,
      row: typeof row === "number" ? row : null,
      detail,
      obs_id: e.obs_id,
    };
  });
  const observations = await db
    .selectFrom("observation")
    .select(["obs_id", "date", "original_filename as file", "kind", "status", "reason"])
    .orderBy("order_key")
    .execute();
  const states = [...new Set([...allStates().map((s) => s.usps), ...agencies.map((a) => a.state)])].sort();
  return {
    latest: record.latest_list,
    first: record.first_list,
    facts,
    extra,
    agencies,
    events,
    status: st,
    observations,
    states,
  };
}

// AGREEMENT_COLUMNS already carries county_fips and statewide: naming them again gave the page
// CSVs two columns of each name (which spreadsheet tools rename `county_fips.1`).
const AGREEMENT_CSV = [...AGREEMENT_COLUMNS, "periods"];

/** The CSV twin of a page's agreements: periods as `start/end` pairs. */
export function agreementTable(rows: readonly AgreementItem[]): Table {
  return {
    columns: AGREEMENT_CSV,
    rows: rows.map((r) => ({
      ...r,
      statewide: r.statewide ? 1 : 0,
      periods: r.periods.map((p) => `${p[0]}/${p[1] ?? ""}`).join(" "),
    })),
  };
}
