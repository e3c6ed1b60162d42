// Counts by year from 2005 to today, each naming its source: the historical layer up to 2019 and
// the ledger from its first list (2021-01-13). Also links historical agencies to ledger agencies.
import { sql } from "kysely";
import { HISTORY_SOURCES } from "../context/derive-history.js";
import {
  HISTORY_FACTS,
  type HistoryLinks,
  historicalCounts,
  historicalRosters,
  type LedgerAgencyRef,
  linkHistory,
  sheriffFlags,
  WAPO_LICENCE,
} from "../context/history.js";
import type { Confidence } from "../context/sourced.js";
import type { Db } from "../store/db.js";

export const HISTORY_FROM = 2005;
const ICE_287G_PAGE = "https://www.ice.gov/identify-and-arrest/287g";

export interface HistoryFigure {
  year: number;
  /** ISO at the precision of the figure: a day, or a year for the sheriff flags. */
  date: string;
  value: number;
  /** Ledger figures: distinct agencies behind the active agreements. */
  agencies: number | null;
  measure: string;
  layer: "historical" | "ledger";
  /** A few words naming the source, for tables; `source` and `source_url` say it in full. */
  source_short: string;
  source: string;
  source_url: string | null;
  confidence: Confidence;
  caveat: string | null;
  licence: string | null;
}

export interface HistoryReport {
  from: number;
  to: number;
  ledger: { first_list: string | null; latest_list: string | null };
  years: { year: number; figures: HistoryFigure[] }[];
  facts: typeof HISTORY_FACTS;
  /** How many historical rows are linked to a ledger agency, overall, by source and by rule. */
  links: {
    linked: number;
    unlinked: number;
    by_source: HistoryLinks["bySource"];
    by_method: HistoryLinks["byMethod"];
  };
}

/** Agreements with a listed period covering `date` (start <= date < end, or no end), and their agencies. */
export async function activeOn(db: Db, date: string): Promise<{ agreements: number; agencies: number }> {
  const r = await db
    .selectFrom("agreement_period as p")
    .innerJoin("agreement as g", "g.agreement_id", "p.agreement_id")
    .where("p.start", "<=", date)
    .where((w) => w.or([w("p.end", "is", null), w("p.end", ">", date)]))
    .select([
      sql<number>`count(distinct p.agreement_id)`.as("agreements"),
      sql<number>`count(distinct g.agency_id)`.as("agencies"),
    ])
    .executeTakeFirstOrThrow();
  return { agreements: Number(r.agreements), agencies: Number(r.agencies) };
}

/** The first and the latest applied participating list. */
export async function ledgerSpan(db: Db): Promise<{ first_list: string | null; latest_list: string | null }> {
  const r = await db
    .selectFrom("observation")
    .where("status", "=", "applied")
    .where("kind", "=", "participating")
    .select([db.fn.min("date").as("first"), db.fn.max("date").as("latest")])
    .executeTakeFirst();
  return { first_list: (r?.first as string | null) ?? null, latest_list: (r?.latest as string | null) ?? null };
}

/** Every ledger agency, as the history linker needs it. */
export async function ledgerAgencyRefs(db: Db): Promise<LedgerAgencyRef[]> {
  const rows = await db
    .selectFrom("agency")
    .select(["agency_id", "state", "name", "keys", "type", "county_fips", "ori"])
    .orderBy("agency_id")
    .execute();
  return rows.map((r) => ({ ...r, keys: JSON.parse(r.keys) as string[] }));
}

export async function historyLinks(db: Db): Promise<HistoryLinks> {
  return linkHistory(await ledgerAgencyRefs(db));
}

/** The historical figures, by year (pure: no ledger). */
export function historicalFigures(): HistoryFigure[] {
  const figs: HistoryFigure[] = [];
  const base = { agencies: null, layer: "historical" as const, licence: null };
  for (const c of historicalCounts()) {
    figs.push({
      ...base,
      year: Number(c.as_of.slice(0, 4)),
      date: c.as_of,
      value: c.count,
      measure: `published count (unit ${c.unit}; ${c.basis})`,
      source_short: c.publication,
      source: c.source,
      source_url: c.source_url,
      confidence: c.confidence,
      caveat: c.caveat,
    });
  }
  const rosters = new Map<string, ReturnType<typeof historicalRosters>>();
  for (const r of historicalRosters()) rosters.set(r.roster, [...(rosters.get(r.roster) ?? []), r]);
  for (const [roster, rows] of rosters) {
    const first = rows[0] as (typeof rows)[number];
    const oig = roster.startsWith("oig");
    const signed = rows.filter((r) => r.status === "signed").length;
    figs.push({
      ...base,
      year: Number(first.as_of.slice(0, 4)),
      date: first.as_of,
      value: rows.length,
      measure: oig
        ? `agreements in the OIG table (${signed} signed, ${rows.length - signed} pending)`
        : "agencies on ICE's 287(g) partners page",
      source_short: oig ? "DHS OIG-10-63 App. E" : `ICE partners page, capture ${first.capture}`,
      source: oig ? HISTORY_SOURCES.oig.source : `${HISTORY_SOURCES.iceLists.source} (capture ${first.capture})`,
      source_url: first.source_url,
      confidence: "high",
      caveat: null,
    });
  }
  const flags = sheriffFlags();
  for (let y = 2005; y <= 2019; y++) {
    const n = flags.filter((f) => f.years.includes(y)).length;
    figs.push({
      year: y,
      date: String(y),
      value: n,
      agencies: null,
      measure: "sheriff's offices (and a few others) with an agreement that year",
      layer: "historical",
      source_short: "Washington Post sheriff list",
      source: HISTORY_SOURCES.wapo.source,
      source_url: HISTORY_SOURCES.wapo.url,
      confidence: "medium",
      caveat: flags[0]?.caveat ?? null,
      licence: WAPO_LICENCE,
    });
  }
  return figs;
}

/**
 * Counts by year from 2005 to `today`'s year. From the ledger's first list on, the active
 * agreements (and their agencies) on January 20 and December 31 of each year, where the ledger
 * covers that day, and on the latest list.
 */
export async function historyReport(db: Db, today: string): Promise<HistoryReport> {
  const to = Number(today.slice(0, 4));
  const span = await ledgerSpan(db);
  const figs = historicalFigures();
  const { first_list: first, latest_list: latest } = span;
  if (first && latest) {
    const days = new Set<string>();
    for (let y = Number(first.slice(0, 4)); y <= to; y++)
      for (const d of [`${y}-01-20`, `${y}-12-31`]) if (d >= first && d <= latest && d <= today) days.add(d);
    days.add(latest);
    for (const d of [...days].sort()) {
      const n = await activeOn(db, d);
      figs.push({
        year: Number(d.slice(0, 4)),
        date: d,
        value: n.agreements,
        agencies: n.agencies,
        measure: d === latest ? "active agreements on the latest list" : "active agreements (replayed ledger)",
        layer: "ledger",
        source_short: "g287 ledger",
        source: `g287 ledger: ICE's published participating lists, ${first} to ${latest}`,
        source_url: ICE_287G_PAGE,
        confidence: "high",
        caveat: null,
        licence: null,
      });
    }
  }
  const years: HistoryReport["years"] = [];
  for (let y = HISTORY_FROM; y <= to; y++) {
    const figures = figs
      .filter((f) => f.year === y)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.source < b.source ? -1 : 1));
    years.push({ year: y, figures });
  }
  const l = await historyLinks(db);
  const links = { linked: l.linked, unlinked: l.unlinked, by_source: l.bySource, by_method: l.byMethod };
  return { from: HISTORY_FROM, to, ledger: span, years, facts: HISTORY_FACTS, links };
}
