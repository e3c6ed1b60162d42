// The web app's data files (data/summary.json, data/agency/<id>.json, … with CSV twins), built from
// analysis and context functions and plain store reads. Served under /data by `g287 serve` and
// written as static files by `g287 site`, so one build of the web app works on both.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { loadClaimContext } from "../analysis/claim-context.js";
import { describeArticle, readClaimFile } from "../analysis/claim-file.js";
import { checkClaims } from "../analysis/claims.js";
import { banConflicts, mandateCompliance } from "../analysis/conflicts.js";
import { computedFrom } from "../analysis/facts.js";
import { ledgerReason } from "../analysis/messages.js";
import { moaCopyPath, moaDocumentLinks, moaPdf, moaShas } from "../analysis/moa.js";
import { type AgreementFact, activeOn, loadFacts } from "../analysis/population.js";
import { agencyDetail, status } from "../analysis/queries.js";
import { COUNTY_SHOWN } from "../analysis/rows.js";
import { computeTimeline, recordSpan } from "../analysis/timeline.js";
import { allStates, CT_CROSSWALK, countiesOf, countPlaces, county } from "../context/geography.js";
import { litigation } from "../context/litigation.js";
import { inEffect, statePolicies } from "../context/policies.js";
import { allPolitics, politicsFor } from "../context/politics.js";
import { AGREEMENT_COLUMNS } from "../domain/columns.js";
import { toCsv } from "../domain/csv.js";
import type { EventCategory } from "../domain/events.js";
import type {
  AgenciesFile,
  AgencyFile,
  AgencyItem,
  AgreementItem,
  AgreementsFile,
  BanConflictItem,
  ChangesFile,
  ClaimItem,
  ClaimsFile,
  CountiesFile,
  CountyItem,
  CtCrosswalkRow,
  EventItem,
  ListChanges,
  MandateItem,
  MethodologyFile,
  PolicyItem,
  StateFile,
  StateItem,
  StatesFile,
  Summary,
  TimelineFile,
  TimelinePointItem,
} from "../domain/files.js";
import { isTerritory } from "../domain/state.js";
import { DEFAULT_CONFIG } from "../ledger/types.js";
import type { Db } from "../store/db.js";
import { etagOf, LedgerVersion, sendBody, VersionedCache } from "./cache.js";
import { lookupFile, lookupPaths } from "./lookup-data.js";
import { changesPart, changesPaths, modelsById, type SplitChanges, withModels } from "./web-changes.js";

/** A finished file: its bytes, content type and ETag. */
export interface DataFile {
  body: string | Uint8Array;
  type: string;
  etag: string;
}

/** The claim files checked on the claims page. */
export const CLAIMS_DIR = fileURLToPath(new URL("../../data/claims/", import.meta.url));

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

/** Ids become file names on a static host: only these characters are ever used in a path. */
const SAFE_ID = /^[a-z0-9][a-z0-9-]*$/;
const STATE_CODE = /^[A-Z]{2}$/;

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
interface Base {
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

// ------------------------------------------------------------------ helpers

const per100k = (n: number, pop: number | null | undefined) =>
  pop ? Math.round((n / pop) * 100_000 * 100) / 100 : null;

function flat(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

function byModel(rows: readonly AgreementFact[]): { JEM: number; TFM: number; WSO: number } {
  const m = { JEM: 0, TFM: 0, WSO: 0 };
  for (const a of rows) if (a.model === "JEM" || a.model === "TFM" || a.model === "WSO") m[a.model]++;
  return m;
}

function itemOf(b: Base, f: AgreementFact): AgreementItem {
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

const stripPoint = (p: TimelinePointItem): TimelinePointItem => ({
  date: p.date,
  ...(p.month ? { month: p.month } : {}),
  agreements: p.agreements,
  agencies: p.agencies,
  JEM: p.JEM,
  TFM: p.TFM,
  WSO: p.WSO,
});

const publicEvent = ({ obs_id: _o, ...e }: EventItem & { obs_id?: string }): EventItem => e;

// ------------------------------------------------------------------ the base

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
      name: a.name,
      agency_type: a.type,
      jurisdiction: a.jurisdiction,
      county: a.county,
      county_fips: a.county_fips,
      county_name: a.county_name,
      statewide: Number(a.statewide) === 1,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      agreements: own.length,
      active_agreements: own.filter((f) => activeOn(f.periods, record.latest_list)).length,
      name_variants: (JSON.parse(a.names) as { name: string }[]).map((n) => n.name),
    };
  });
  const evRows = await db
    .selectFrom("event as e")
    .leftJoin("agency as a", "a.agency_id", "e.agency_id")
    .select([
      "e.seq",
      "e.date",
      "e.type",
      "e.obs_id",
      "e.agency_id",
      "a.name as agency",
      "a.state",
      "e.agreement_id",
      "e.application_id",
      "e.detail",
    ])
    .orderBy("e.seq")
    .execute();
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

// ------------------------------------------------------------------ the files

function summaryFile(b: Base): Summary {
  const active = b.facts.filter((f) => activeOn(f.periods, b.latest));
  const s = b.status;
  return {
    latest_list: b.latest,
    first_list: b.first,
    latest_pending_list: s.latest_pending_list,
    lists: {
      files: s.snapshots.total,
      observations: s.observations,
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
    },
    active: {
      agreements: active.length,
      agencies: new Set(active.map((a) => a.agency_id)).size,
      ...countPlaces(active.map((a) => a.state)),
      ...byModel(active),
    },
    ever: { agreements: b.facts.length, agencies: b.agencies.length },
    status: {
      active: s.agreements.active,
      pending_removal: s.agreements.pending_removal,
      removed: s.agreements.removed,
      superseded: s.agreements.superseded,
    },
    applications: { pending: s.applications.pending, signed: s.applications.signed, dropped: s.applications.dropped },
    // Newest first by the day they happened (a removal is dated to the first list without it).
    latest_changes: b.events
      .filter((e) => e.category === "change")
      .sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : y.seq - x.seq))
      .slice(0, 12)
      .map(publicEvent),
  };
}

function stateItems(b: Base): StateItem[] {
  const year = Number(b.latest.slice(0, 4));
  const info = new Map(allStates().map((s) => [s.usps, s]));
  return b.states.map((state) => {
    const all = b.facts.filter((f) => f.state === state);
    const active = all.filter((f) => activeOn(f.periods, b.latest));
    const i = info.get(state);
    const pop = i?.population ?? null;
    const kinds = [
      ...new Set(
        statePolicies()
          .filter((p) => p.state === state && inEffect(p, b.latest))
          .map((p) => p.kind),
      ),
    ].sort();
    return {
      state,
      fips: i?.fips ?? "",
      name: i?.name ?? state,
      territory: isTerritory(state),
      counties: countiesOf(state).length,
      population: pop,
      active: active.length,
      ...byModel(active),
      per_100k: per100k(active.length, pop),
      ever: all.length,
      agencies_active: new Set(active.map((a) => a.agency_id)).size,
      policies: kinds,
      trifecta: politicsFor(state, year)?.trifecta ?? null,
    };
  });
}

/** Counties with an agreement ever listed: counts on the latest list, population and rate. */
function countyItems(b: Base, state?: string): CountyItem[] {
  const by = new Map<string, AgreementFact[]>();
  for (const f of b.facts) {
    if (!f.county_fips || f.statewide || (state && f.state !== state)) continue;
    const l = by.get(f.county_fips) ?? [];
    l.push(f);
    by.set(f.county_fips, l);
  }
  return [...by.entries()]
    .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
    .map(([geoid, all]) => {
      const active = all.filter((f) => activeOn(f.periods, b.latest));
      const c = county(geoid);
      const pop = c?.population ?? null;
      return {
        county_fips: geoid,
        state: all[0]?.state ?? "",
        name: c?.name ?? all[0]?.county_name ?? geoid,
        population: pop,
        active: active.length,
        ...byModel(active),
        per_100k: per100k(active.length, pop),
        ever: all.length,
        agencies: new Set(all.map((a) => a.agency_id)).size,
      };
    });
}

/** Connecticut for the map: each old county coloured by the planning region holding most of its towns. */
function ctCrosswalk(): CtCrosswalkRow[] {
  return Object.entries(CT_CROSSWALK.countyToRegions)
    .sort(([a], [c]) => (a < c ? -1 : 1))
    .map(([old, regions]) => {
      const region = regions[0] as string;
      return {
        county_fips: old,
        county: CT_CROSSWALK.oldCounties[old] ?? old,
        region_fips: region,
        region: county(region)?.name ?? region,
      };
    });
}

function countiesFile(b: Base): CountiesFile {
  const active = b.facts.filter((f) => activeOn(f.periods, b.latest));
  return {
    latest_list: b.latest,
    rows: countyItems(b),
    ct_crosswalk: ctCrosswalk(),
    statewide_active: active.filter((f) => f.statewide).length,
    unplaced_active: active.filter((f) => !f.statewide && !f.county_fips).length,
    missing: [],
  };
}

function timelineFile(b: Base): TimelineFile {
  const t = computeTimeline(b.facts, { by: "month" }, { first_list: b.first, latest_list: b.latest });
  const lists = [
    ...new Set(b.observations.filter((o) => o.status === "applied" && o.kind === "participating").map((o) => o.date)),
  ].sort();
  return { latest_list: b.latest, first_list: b.first, lists, monthly: t.points.map(stripPoint) };
}

function changesFile(b: Base): ChangesFile {
  const byObs = new Map<string, EventItem[]>();
  for (const e of b.events) {
    const l = byObs.get(e.obs_id) ?? [];
    l.push(publicEvent(e));
    byObs.set(e.obs_id, l);
  }
  const lists: ListChanges[] = [];
  let quiet = 0;
  for (const o of b.observations) {
    const evs = byObs.get(o.obs_id) ?? [];
    if (!evs.length && o.status === "applied") {
      quiet++;
      continue;
    }
    const counts: Record<EventCategory, number> = { change: 0, pending: 0, fix: 0, moa: 0, list: 0 };
    for (const e of evs) counts[e.category]++;
    const reason_msg = o.reason ? ledgerReason(o.reason) : null;
    lists.push({
      date: o.date,
      file: o.file,
      kind: o.kind,
      status: o.status,
      reason: o.reason,
      reason_msg,
      counts,
      events: evs,
    });
  }
  return { latest_list: b.latest, lists: lists.reverse(), quiet_lists: quiet };
}

async function agencyFile(db: Db, b: Base, id: string): Promise<AgencyFile | null> {
  const d = await agencyDetail(db, id);
  if (!d) return null;
  const facts = new Map(b.facts.filter((f) => f.agency_id === id).map((f) => [f.agreement_id, f]));
  const a = d.agency;
  const src = (s: (typeof d.agreements)[number]["first_source"]) =>
    s
      ? {
          list: s.original_filename,
          published_at: s.published_at,
          row: Number(s.row),
          snapshot_id: s.snapshot_id,
          tier: s.tier,
          name_as_listed: s.name_as_listed,
          signed_on: s.signed_on,
        }
      : null;
  return {
    latest_list: b.latest,
    agency: {
      agency_id: a.agency_id,
      state: a.state,
      state_fips: a.state_fips,
      name: a.name,
      jurisdiction: a.jurisdiction,
      type: a.type,
      county: a.county,
      county_fips: a.county_fips,
      county_name: a.county_name,
      statewide: Number(a.statewide) === 1,
      ori: a.ori,
      place_basis: a.place_basis,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      names: a.names.map((n) => ({ name: n.name, firstSeen: n.firstSeen, lastSeen: n.lastSeen })),
    },
    documents: await moaDocumentLinks(db, id),
    agreements: d.agreements.flatMap((g) => {
      const f = facts.get(g.agreement_id as string);
      if (!f) return [];
      return [
        {
          ...itemOf(b, f),
          signed_history: g.signed_history,
          gaps: g.gaps,
          first_source: src(g.first_source),
          latest_source: src(g.latest_source),
          listings: g.listings,
        },
      ];
    }),
    applications: d.applications.map((p) => ({
      application_id: p.application_id,
      model: p.model,
      first_listed: p.first_listed,
      last_listed: p.last_listed,
      status: p.status,
      agreement_id: p.agreement_id,
      signed_on: p.signed_on,
    })),
    events: b.events.filter((e) => e.agency_id === id).map(publicEvent),
  };
}

/** Conflicts of a state's agreements with its law, computed for every state once per version. */
interface Conflicts {
  bans: Map<string, BanConflictItem[]>;
  mandates: Map<string, MandateItem[]>;
  computedFrom: string;
}

async function loadConflicts(db: Db, b: Base): Promise<Conflicts> {
  const ctx = await loadClaimContext(db);
  const bans = new Map<string, BanConflictItem[]>();
  for (const c of banConflicts(ctx.facts, ctx.policiesOf, b.latest)) {
    const { state, ...rest } = c;
    const l = bans.get(state) ?? [];
    l.push(rest);
    bans.set(state, l);
  }
  const mandates = new Map<string, MandateItem[]>();
  for (const m of mandateCompliance(ctx.facts, ctx.policiesOf, ctx.countiesOf, b.latest)) {
    const l = mandates.get(m.state) ?? [];
    l.push({
      kind: m.kind,
      effective: m.effective,
      citation: m.citation,
      source_url: m.source_url || null,
      confidence: m.confidence,
      caveat: m.caveat,
      counties: m.counties,
      covered: m.with_agreement,
      uncovered: m.without_agreement.map((c) => c.county),
      summary: m.summary,
      limits: m.limits,
      limits_msg: m.limits_msg,
    });
    mandates.set(m.state, l);
  }
  return { bans, mandates, computedFrom: computedFrom(ctx.facts, b.latest) };
}

function stateFile(b: Base, conflicts: Conflicts, state: string): StateFile | null {
  const item = stateItems(b).find((s) => s.state === state);
  if (!item) return null;
  const t = computeTimeline(b.facts, { by: "month", state }, { first_list: b.first, latest_list: b.latest });
  const policies: PolicyItem[] = statePolicies()
    .filter((p) => p.state === state)
    .map((p) => ({
      state: p.state,
      kind: p.kind,
      proposed: p.proposed,
      in_effect: inEffect(p, b.latest),
      scope: p.scope,
      instrument: p.instrument || null,
      citation: p.citation || null,
      enacted: p.enacted,
      effective: p.effective,
      until: p.until,
      summary: p.summary || null,
      source_url: p.source_url,
      confidence: p.confidence,
      caveat: p.caveat,
    }));
  return {
    latest_list: b.latest,
    state: item,
    agreements: b.facts.filter((f) => f.state === state).map((f) => itemOf(b, f)),
    counties: countyItems(b, state),
    timeline: t.points.map(stripPoint),
    policies,
    litigation: litigation()
      .filter((l) => l.state === state)
      .map((l) => ({
        state: l.state,
        title: l.case,
        kind: l.type || null,
        court: l.court_or_issuer || null,
        filed: l.filed,
        last_date: l.last_date,
        status: l.status || null,
        status_kind: l.status_kind,
        summary: l.summary || null,
        source_url: l.source_url,
        confidence: l.confidence,
        caveat: l.caveat,
      })),
    politics: allPolitics()
      .filter((p) => p.state === state)
      .sort((x, y) => x.year - y.year)
      .map((p) => ({
        year: p.year,
        governor: p.governor_party,
        legislature: p.legislature_control,
        trifecta: p.trifecta,
        battleground: p.battleground2024,
        source_url: p.source_url,
        confidence: p.confidence,
        caveat: p.caveat,
      })),
    conflicts: {
      bans: conflicts.bans.get(state) ?? [],
      mandates: conflicts.mandates.get(state) ?? [],
      computed_from: conflicts.computedFrom,
    },
    missing: [],
  };
}

async function methodologyFile(db: Db, b: Base): Promise<MethodologyFile> {
  const s = b.status;
  const tiers = await db
    .selectFrom("listing")
    .select(["tier", db.fn.countAll<number>().as("n")])
    .groupBy("tier")
    .orderBy("tier")
    .execute();
  const corr = await db
    .selectFrom("correction")
    .select([
      "rule",
      "field",
      db.fn.countAll<number>().as("n"),
      db.fn.count<number>("snapshot_id").distinct().as("lists"),
    ])
    .groupBy(["rule", "field"])
    .orderBy("rule")
    .orderBy("field")
    .execute();
  const place = await db
    .selectFrom("agency")
    .select(["place_basis", db.fn.countAll<number>().as("n")])
    .groupBy("place_basis")
    .orderBy("place_basis")
    .execute();
  return {
    latest_list: b.latest,
    first_list: b.first,
    archive: {
      files: s.snapshots.total,
      observations: s.observations,
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
      not_applied: s.snapshots.not_applied,
    },
    quarantined: s.quarantined.map((q) => ({ date: q.published_at, file: q.file, reason: q.reason })),
    kind_mismatches: s.kind_mismatches.map((k) => ({
      date: k.date,
      file: k.file,
      file_name_says: k.file_name_says,
      content_is: k.content_is,
    })),
    rules: { ...DEFAULT_CONFIG },
    identity_tiers: tiers.map((t) => ({ tier: t.tier, rows: Number(t.n) })),
    corrections: corr.map((c) => ({ rule: c.rule, field: c.field, cells: Number(c.n), lists: Number(c.lists) })),
    placement: place.map((p) => ({ basis: p.place_basis ?? "unplaced", agencies: Number(p.n) })),
    review_queue: s.review,
    layers: [
      { name: "states", rows: allStates().length, note: null },
      { name: "policies", rows: statePolicies().length, note: null },
      { name: "litigation", rows: litigation().length, note: null },
      { name: "politics", rows: allPolitics().length, note: null },
      { name: "ct_crosswalk", rows: CT_CROSSWALK.pairs.length, note: CT_CROSSWALK.note },
    ],
    missing: [],
  };
}

/** Every claim file in data/claims, checked against the ledger. A file that fails is named, not fatal. */
async function claimsFile(db: Db, b: Base): Promise<ClaimsFile> {
  const files = fs.existsSync(CLAIMS_DIR)
    ? fs
        .readdirSync(CLAIMS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const claims: ClaimItem[] = [];
  const missing: string[] = [];
  const ctx = files.length ? await loadClaimContext(db) : null;
  for (const name of files) {
    try {
      const file = readClaimFile(`${CLAIMS_DIR}${name}`);
      for (const c of checkClaims(file, ctx as NonNullable<typeof ctx>)) {
        claims.push({
          id: c.id,
          text: c.text,
          file: name,
          source: describeArticle(file.article),
          source_url: file.article.url ?? null,
          made_on: c.made_on,
          verdict: c.verdict,
          readings_disagree: c.readings_disagree,
          depends_on_later_correction: c.depends_on_later_correction,
          summary: c.summary,
          readings: c.readings.map((r) => ({
            name: r.name,
            name_es: r.name_es,
            value: r.value,
            op: r.compare?.op ?? null,
            claimed: r.compare?.value ?? null,
            unit: r.query?.count === "earliest_signed_year" ? "year" : "count",
            verdict: r.verdict,
            reason: r.reason,
            reason_msg: r.reason_msg ?? null,
            reason_es: r.reason_es ?? null,
            as_of: r.as_of,
            computed_from: r.evidence?.computed_from ?? null,
            notes: r.evidence?.notes ?? [],
            ids: (r.evidence?.ids ?? []).slice(0, 25),
            ids_total: r.evidence?.ids.length ?? 0,
          })),
        });
      }
    } catch (e) {
      missing.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { latest_list: b.latest, claims, files, missing };
}

// ------------------------------------------------------------------ rendering

const json = (v: unknown): DataFile => {
  const body = `${JSON.stringify(v)}\n`;
  return { body, type: "application/json; charset=utf-8", etag: etagOf(body) };
};
const csv = (columns: readonly string[], rows: readonly object[]): DataFile => {
  const body = toCsv(columns, rows as readonly Record<string, unknown>[]);
  return { body, type: "text/csv; charset=utf-8", etag: etagOf(body) };
};

const AGREEMENT_CSV = [...AGREEMENT_COLUMNS, "county_fips", "statewide", "periods"];
const agreementCsvRows = (rows: AgreementItem[]) =>
  rows.map((r) => ({
    ...r,
    statewide: r.statewide ? 1 : 0,
    periods: r.periods.map((p) => `${p[0]}/${p[1] ?? ""}`).join(" "),
  }));
const EVENT_CSV = [
  "seq",
  "date",
  "type",
  "category",
  "agency_id",
  "agency",
  "state",
  "agreement_id",
  "application_id",
  "list",
  "row",
  "detail",
];
const STATE_CSV = [
  "state",
  "fips",
  "name",
  "population",
  "active",
  "JEM",
  "TFM",
  "WSO",
  "per_100k",
  "ever",
  "agencies_active",
  "policies",
  "trifecta",
];
const COUNTY_CSV = [
  "county_fips",
  "state",
  "name",
  "population",
  "active",
  "JEM",
  "TFM",
  "WSO",
  "per_100k",
  "ever",
  "agencies",
];
const TIMELINE_CSV = ["date", "month", "agreements", "agencies", "JEM", "TFM", "WSO"];
const AGENCY_CSV = [
  "agency_id",
  "state",
  "name",
  "agency_type",
  "jurisdiction",
  "county",
  "county_fips",
  "county_name",
  "statewide",
  "first_seen",
  "last_seen",
  "agreements",
  "active_agreements",
  "name_variants",
];
const CLAIM_CSV = [
  "file",
  "claim_id",
  "claim",
  "claim_verdict",
  "reading",
  "value",
  "op",
  "claimed",
  "verdict",
  "reason",
  "computed_from",
];

interface Served {
  version: LedgerVersion;
  base: VersionedCache<Base>;
  conflicts: VersionedCache<Conflicts>;
  /** The objects behind a JSON file and its CSV twin, computed once for both. */
  objects: VersionedCache<unknown>;
  files: VersionedCache<DataFile | null>;
}

/** Renders one path under data/ (e.g. `agency/tx-harris-county-sheriffs-office.json`), or null. */
async function render(db: Db, s: Served, v: string, path: string): Promise<DataFile | null> {
  // A stored MOA copy: only documents `g287 moa` kept, never other blobs (list files stay private to the store).
  const pdf = /^moa\/([0-9a-f]{64})\.pdf$/.exec(path);
  if (pdf) {
    const bytes = await moaPdf(db, pdf[1] as string);
    return bytes ? { body: bytes, type: "application/pdf", etag: etagOf(bytes) } : null;
  }
  // The changes page's files, one month or one state at a time (web-changes.ts).
  if (path.startsWith("changes/")) {
    const f = changesPart(await splitChanges(db, s, v), path);
    return f ? json(f) : null;
  }
  // "Am I covered?" and the header search (src/server/lookup-data.ts).
  if (path === "search.json" || path.startsWith("lookup/")) {
    const f = await lookupFile(db, v, path);
    return f === null ? null : json(f);
  }
  const m = /^(?:(agency|state)\/)?([A-Za-z0-9-]+)\.(json|csv)$/.exec(path);
  if (!m) return null;
  const [, dir, name, ext] = m as unknown as [string, string | undefined, string, "json" | "csv"];
  const b = await s.base.get(v, "base", () => loadBase(db));
  const once = <T>(key: string, compute: () => T | Promise<T>) =>
    s.objects.get(v, key, async () => compute()) as Promise<T>;
  if (dir === "agency") {
    if (!SAFE_ID.test(name)) return null;
    const f = await once(`agency/${name}`, () => agencyFile(db, b, name));
    if (!f) return null;
    return ext === "json" ? json(f) : csv(AGREEMENT_CSV, agreementCsvRows(f.agreements));
  }
  if (dir === "state") {
    if (!STATE_CODE.test(name)) return null;
    const conflicts = await s.conflicts.get(v, "conflicts", () => loadConflicts(db, b));
    const f = await once(`state/${name}`, () => stateFile(b, conflicts, name));
    if (!f) return null;
    return ext === "json" ? json(f) : csv(AGREEMENT_CSV, agreementCsvRows(f.agreements));
  }
  switch (`${name}.${ext}`) {
    case "summary.json":
      return json(summaryFile(b));
    case "agreements.json":
      return json({ latest_list: b.latest, rows: b.facts.map((f) => itemOf(b, f)) } satisfies AgreementsFile);
    case "agreements.csv":
      return csv(AGREEMENT_CSV, agreementCsvRows(b.facts.map((f) => itemOf(b, f))));
    case "agencies.json":
      return json({ latest_list: b.latest, rows: b.agencies } satisfies AgenciesFile);
    case "agencies.csv":
      return csv(
        AGENCY_CSV,
        b.agencies.map((a) => ({ ...a, statewide: a.statewide ? 1 : 0, name_variants: a.name_variants.join(" | ") })),
      );
    case "states.json":
      return json({ latest_list: b.latest, rows: stateItems(b), missing: [] } satisfies StatesFile);
    case "states.csv":
      return csv(
        STATE_CSV,
        stateItems(b).map((r) => ({ ...r, policies: r.policies.join(" ") })),
      );
    case "counties.json":
      return json(countiesFile(b));
    case "counties.csv":
      return csv(COUNTY_CSV, countyItems(b));
    case "timeline.json":
      return json(await once("timeline", () => timelineFile(b)));
    case "timeline.csv":
      return csv(TIMELINE_CSV, (await once("timeline", () => timelineFile(b))).monthly);
    case "changes.json":
      return json(await once("changes", () => changesFile(b)));
    case "changes.csv":
      return csv(
        EVENT_CSV,
        (await once("changes", () => changesFile(b))).lists.flatMap((l) =>
          l.events.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })),
        ),
      );
    case "claims.json":
      return json(await once("claims", () => claimsFile(db, b)));
    case "claims.csv":
      return csv(
        CLAIM_CSV,
        (await once("claims", () => claimsFile(db, b))).claims.flatMap((c) =>
          c.readings.map((r) => ({
            file: c.file,
            claim_id: c.id,
            claim: c.text,
            claim_verdict: c.verdict,
            reading: r.name,
            value: r.value,
            op: r.op,
            claimed: r.claimed,
            verdict: r.verdict,
            reason: r.reason,
            computed_from: r.computed_from,
          })),
        ),
      );
    case "methodology.json":
      return json(await methodologyFile(db, b));
    default:
      return null;
  }
}

// ------------------------------------------------------------------ serving

/** The change log with models, computed once per version from the same object as changes.json. */
async function splitChanges(db: Db, s: Served, v: string): Promise<SplitChanges> {
  const b = await s.base.get(v, "base", () => loadBase(db));
  return (await s.objects.get(v, "changes-split", async () =>
    withModels((await s.objects.get(v, "changes", async () => changesFile(b))) as ChangesFile, await modelsById(db)),
  )) as SplitChanges;
}

const SERVED = new WeakMap<Db, Served>();

function servedOf(db: Db): Served {
  let s = SERVED.get(db);
  if (!s) {
    s = {
      version: new LedgerVersion(db),
      base: new VersionedCache(1),
      conflicts: new VersionedCache(1),
      objects: new VersionedCache(200),
      files: new VersionedCache(4000),
    };
    SERVED.set(db, s);
  }
  return s;
}

/** One data file by its path under data/ (no leading slash), cached until the ledger changes. */
export async function dataFile(store: { db: Db }, path: string): Promise<DataFile | null> {
  const s = servedOf(store.db);
  const v = await s.version.current();
  return s.files.get(v, path, () => render(store.db, s, v, path));
}

const TOP_FILES = [
  "summary.json",
  "agreements.json",
  "agreements.csv",
  "agencies.json",
  "agencies.csv",
  "states.json",
  "states.csv",
  "counties.json",
  "counties.csv",
  "timeline.json",
  "timeline.csv",
  "changes.json",
  "changes.csv",
  "claims.json",
  "claims.csv",
  "methodology.json",
];

/** Every data file, as paths from the site root (`data/summary.json`, `data/agency/<id>.csv`, …). */
export async function dataPaths(store: { db: Db }): Promise<string[]> {
  const s = servedOf(store.db);
  const v = await s.version.current();
  const b = await s.base.get(v, "base", () => loadBase(store.db));
  const agencies = b.agencies.map((a) => a.agency_id).filter((id) => SAFE_ID.test(id));
  const states = b.states.filter((st) => STATE_CODE.test(st));
  return [
    ...TOP_FILES.map((p) => `data/${p}`),
    ...changesPaths(await splitChanges(store.db, s, v)).map((p) => `data/${p}`),
    ...states.flatMap((st) => [`data/state/${st}.json`, `data/state/${st}.csv`]),
    ...agencies.flatMap((id) => [`data/agency/${id}.json`, `data/agency/${id}.csv`]),
    ...(await moaShas(store.db)).map(moaCopyPath),
    ...(await lookupPaths(store.db, v)),
  ];
}

/** A file's bytes, encoded once and kept with it (the cached file owns them). */
const BYTES = new WeakMap<DataFile, Uint8Array>();
function bytesOf(f: DataFile): Uint8Array {
  if (typeof f.body !== "string") return f.body;
  let b = BYTES.get(f);
  if (!b) {
    b = Buffer.from(f.body, "utf8");
    BYTES.set(f, b);
  }
  return b;
}

/** The data files as routes, to mount at /data. ETags on every file; a 304 when nothing changed. */
export function dataRoutes(store: { db: Db }): Hono {
  const app = new Hono();
  app.get("/*", async (c) => {
    const path = c.req.path.replace(/^.*?\/data\//, "");
    const f = await dataFile(store, path);
    if (!f) return c.json({ error: { status: 404, code: "not_found", message: `no data file ${path}` } }, 404);
    // Revalidate every time: the files change with each ingest, and a 304 costs next to nothing.
    const headers: Record<string, string> = { "cache-control": "no-cache" };
    // A stored MOA is downloaded, never rendered in our origin: the PDF came from a link we do not control.
    if (f.type === "application/pdf")
      headers["content-disposition"] = `attachment; filename="${path.replace(/^moa\//, "")}"`;
    // Through the API's compression path: brotli or gzip, compressed once per cached file.
    return sendBody(c.req, { body: bytesOf(f), type: f.type, etag: f.etag }, headers, f);
  });
  return app;
}
