// `g287 stats`, `timeline`, `funnel` and `coverage`: counts, growth, the pending funnel and the
// population covered, each as a table, --json (with the agreement ids behind every number) or --csv.
import { z } from "zod";
import { coverage as coverageOf } from "../../analysis/coverage.js";
import { funnel as funnelOf, type Quartiles } from "../../analysis/funnel.js";
import { type StatsBy, statsBy } from "../../analysis/stats.js";
import {
  coverageTable,
  funnelTable,
  NEVER_SIGNED_COLUMNS,
  neverSignedTable,
  statsTable,
  type Table,
  timelineTable,
} from "../../analysis/tables.js";
import { type TimelineOptions, timeline as timelineOf } from "../../analysis/timeline.js";
import { toCsv } from "../../domain/csv.js";
import { UsageError } from "../../errors.js";
import { toJson } from "../../export/json.js";
import { isoDate, model, optional, stateCode } from "../args.js";
import type { Ctx, Globals } from "../context.js";
import { table } from "../format.js";
import { readStore } from "../store.js";

const year = z.coerce
  .number()
  .int()
  .min(1990, "expected a year such as 2024")
  .max(2100, "expected a year such as 2024");

const csv = (t: Table) => toCsv(t.columns, t.rows);

/** --json and --csv are two answers to one question: pick one. */
function format(g: Globals, csv: boolean | undefined): "json" | "csv" | "human" {
  if (g.json && csv) throw new UsageError("give --json or --csv, not both");
  return g.json ? "json" : csv ? "csv" : "human";
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? "" : n.toLocaleString("en-US"));
const rate = (x: number | null | undefined) => (x === null || x === undefined ? "" : x.toFixed(3));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "" : `${(x * 100).toFixed(1)}%`);

interface StatsFlags {
  by: string;
  asOf?: string;
  ever?: boolean;
  signedFrom?: string;
  signedTo?: string;
  state?: string;
  model?: string;
  perCapita?: boolean;
  politicsYear?: string;
  politicsAt?: "as-of" | "signing";
  csv?: boolean;
}

interface TimelineFlags extends TimelineOptions {
  csv?: boolean;
}

/** The human table counts the agreements that entered and left; --csv and --json list them. */
const TIMELINE_HUMAN = ["date", "agreements", "agencies", "JEM", "TFM", "WSO", "entered", "left"];

interface FunnelFlags {
  state?: string;
  model?: string;
  list?: boolean;
  csv?: boolean;
}

function quartileRow(label: string, q: Quartiles) {
  return { measure: label, n: q.n, min: q.min, q1: q.q1, median: q.median, q3: q.q3, max: q.max, negative: q.negative };
}

interface CoverageFlags {
  asOf?: string;
  by: "state" | "model";
  state?: string;
  model?: string;
  csv?: boolean;
}

export async function stats(c: Ctx, o: StatsFlags): Promise<void> {
  const { g } = c;
  const fmt = format(g, o.csv);
  const by = o.by as StatsBy;
  const politics = by === "trifecta" || by === "battleground";
  if (!politics && (o.politicsYear !== undefined || o.politicsAt !== undefined))
    throw new UsageError("--politics-year and --politics-at apply only to --by trifecta or --by battleground");
  if (o.politicsYear !== undefined && o.politicsAt === "signing")
    throw new UsageError("give --politics-year or --politics-at signing, not both");
  if (o.perCapita && by !== "state")
    throw new UsageError(
      `--per-capita applies only to --by state (residents per state); it does not apply to --by ${by}`,
    );
  const q = {
    by,
    asOf: optional("--as-of", isoDate, o.asOf),
    ever: !!o.ever,
    signedFrom: optional("--signed-from", isoDate, o.signedFrom),
    signedTo: optional("--signed-to", isoDate, o.signedTo),
    state: optional("--state", stateCode, o.state),
    model: optional("--model", model, o.model),
    perCapita: !!o.perCapita,
    politicsYear: optional("--politics-year", year, o.politicsYear),
    politicsAt: o.politicsAt,
  };
  if (q.signedFrom && q.signedTo && q.signedFrom > q.signedTo)
    throw new UsageError(`--signed-from ${q.signedFrom} is after --signed-to ${q.signedTo}`);
  await readStore(c, async (store) => {
    const r = await statsBy(store.db, q);
    if (fmt === "json") return c.out(toJson(r));
    if (fmt === "csv") return c.write(csv(statsTable(r, q.perCapita)));
    const human = r.groups.map((x) => ({
      ...x,
      group: by === "state" || by === "month" || by === "year" ? x.key : x.label,
      population: num(x.population),
      agreements_per_100k: rate(x.agreements_per_100k),
      agencies_per_100k: rate(x.agencies_per_100k),
    }));
    const hcols = ["group", "agreements", "agencies"];
    if (q.perCapita) hcols.push("population", "agreements_per_100k", "agencies_per_100k");
    c.out(`${r.basis}; by ${by}`);
    c.out(table(hcols, human, { maxWidth: 60 }));
    const t = r.total;
    c.out(
      `total: ${t.agreements} agreement(s), ${t.agencies} distinct agencies` +
        (q.perCapita && t.population
          ? `; ${rate(t.agreements_per_100k)} agreements and ${rate(t.agencies_per_100k)} agencies per 100,000 of ${num(t.population)} residents`
          : ""),
    );
    if (by === "policy") {
      const caveats = r.groups.flatMap((x) =>
        (x.policies ?? [])
          .filter((p) => p.confidence && p.confidence !== "high")
          .map((p) => `  ${p.state} ${p.kind}: ${p.confidence} confidence${p.caveat ? `: ${p.caveat}` : ""}`),
      );
      if (caveats.length) c.out(["caveats:", ...new Set(caveats)].join("\n"));
    }
    for (const n of r.notes) c.out(`note: ${n}`);
  });
}

export async function timeline(c: Ctx, o: TimelineFlags): Promise<void> {
  const { g } = c;
  const fmt = format(g, o.csv);
  const q = {
    by: o.by,
    from: optional("--from", isoDate, o.from),
    to: optional("--to", isoDate, o.to),
    state: optional("--state", stateCode, o.state),
    model: optional("--model", model, o.model),
    ids: !!o.ids,
  };
  if (q.from && q.to && q.from > q.to) throw new UsageError(`--from ${q.from} is after --to ${q.to}`);
  await readStore(c, async (store) => {
    const r = await timelineOf(store.db, q);
    if (fmt === "json") return c.out(toJson(r));
    const rows = r.points.map((p) => ({
      ...p,
      date: r.by === "month" ? (p.month as string) : p.date,
      entered: p.entered.length,
      left: p.left.length,
    }));
    if (fmt === "csv") return c.write(csv(timelineTable(r.points)));
    c.out(
      `agreements listed per ${r.by}, ${r.from} to ${r.to}${r.state ? ` in ${r.state}` : ""}${r.model ? ` (${r.model})` : ""}`,
    );
    c.out(table(TIMELINE_HUMAN, rows));
    for (const n of r.notes) c.out(`note: ${n}`);
  });
}

export async function funnel(c: Ctx, o: FunnelFlags): Promise<void> {
  const { g } = c;
  const fmt = format(g, o.csv);
  const q = { state: optional("--state", stateCode, o.state), model: optional("--model", model, o.model) };
  await readStore(c, async (store) => {
    const r = await funnelOf(store.db, q);
    if (fmt === "json") {
      const { never_signed, ...rest } = r;
      return c.out(toJson(o.list ? r : { ...rest, never_signed_count: never_signed.length }));
    }
    const a = r.applications;
    const s = r.signed_agreements;
    const stages = [
      { stage: "applications ever pending", count: a.ever_pending.count },
      { stage: "  signed", count: a.signed.count },
      { stage: "  dropped", count: a.dropped.count },
      {
        stage: "  still pending",
        count: a.still_pending.count,
        note: a.still_pending.missing_from_latest
          ? `${a.still_pending.missing_from_latest} missing from the latest pending list`
          : "",
      },
      { stage: "agreements from signed applications", count: s.total.count },
      { stage: "  still active", count: s.active.count },
      { stage: "  pending removal", count: s.pending_removal.count },
      { stage: "  removed", count: s.removed.count },
      { stage: "  superseded", count: s.superseded.count },
      {
        stage: "agreements never on a pending list",
        count: r.signed_without_pending_listing.count,
        note: `first listed on or after ${r.pending_lists.first ?? "—"}`,
      },
    ];
    if (fmt === "csv") {
      return c.write(csv(o.list ? neverSignedTable(r) : funnelTable(r)));
    }
    c.out(`funnel${r.state ? ` in ${r.state}` : ""}${r.model ? ` (${r.model})` : ""}`);
    c.out(table(["stage", "count", "note"], stages, { maxWidth: 70 }));
    c.out("\ntime to sign, in days:");
    const t = r.time_to_sign_days;
    c.out(
      table(
        ["measure", "n", "min", "q1", "median", "q3", "max", "negative"],
        [
          quartileRow("first pending list → signed date", t.to_signed_date),
          quartileRow("first pending list → first participating list", t.to_first_listing),
        ],
        { maxWidth: 60 },
      ),
    );
    if (o.list) {
      c.out(`\napplications that never signed (${r.never_signed.length}):`);
      c.out(table(NEVER_SIGNED_COLUMNS.slice(1), r.never_signed));
    }
    for (const n of r.notes) c.out(`note: ${n}`);
  });
}

export async function coverage(c: Ctx, o: CoverageFlags): Promise<void> {
  const { g } = c;
  const fmt = format(g, o.csv);
  const q = {
    asOf: optional("--as-of", isoDate, o.asOf),
    by: o.by,
    state: optional("--state", stateCode, o.state),
    model: optional("--model", model, o.model),
  };
  await readStore(c, async (store) => {
    const r = await coverageOf(store.db, q);
    if (fmt === "json") return c.out(toJson(r));
    const rows = [...r.rows, r.national];
    if (fmt === "csv") return c.write(csv(coverageTable(rows)));
    c.out(`${r.basis}; population covered by ${r.by}`);
    c.out(
      table(
        [
          r.by,
          "population",
          "covered",
          "share",
          "statewide",
          "counties",
          "without statewide",
          "local-only counties",
          "upper bound",
          "agreements s/c/l/u",
        ],
        rows.map((x) => ({
          [r.by]: x.key,
          population: num(x.population),
          covered: num(x.covered),
          share: pct(x.share),
          statewide: x.statewide ? "yes" : "",
          counties: x.counties_covered,
          "without statewide": num(x.covered_without_statewide),
          "local-only counties": x.local_only_counties,
          "upper bound": num(x.upper_bound_with_local),
          "agreements s/c/l/u": `${x.agreements.state}/${x.agreements.county}/${x.agreements.local}/${x.agreements.unplaced}`,
        })),
      ),
    );
    c.out("agreements s/c/l/u: statewide / county-wide / local (not counted) / unplaced (not counted)");
    for (const n of r.notes) c.out(`note: ${n}`);
  });
}
