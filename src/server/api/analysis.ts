// Statistics under /api/v1, as `g287 stats`, `timeline`, `funnel` and `coverage` compute them:
// the same functions, the same parameters (snake_case), the agreement ids behind every number.
import { coverage } from "../../analysis/coverage.js";
import { funnel } from "../../analysis/funnel.js";
import { STATS_BY, statsBy } from "../../analysis/stats.js";
import { coverageTable, funnelTable, statsTable, timelineTable } from "../../analysis/tables.js";
import { timeline } from "../../analysis/timeline.js";
import { badParameter, checked, p, z } from "../params.js";
import { itemResource, listResource, type Resource, type Row } from "../resource.js";
import { anyObject } from "./schemas.js";

const year = (description: string) =>
  checked(
    z
      .string()
      .regex(/^\d{4}$/, "expected a year such as 2024")
      .refine((s) => Number(s) >= 1990 && Number(s) <= 2100, "expected a year such as 2024"),
    { description, example: "2025" },
  ).optional();

/** Group order is the analysis's own (states A–Z, months in order…): pages keep it. */
const ordinal = (_: Row, i: number) => String(i).padStart(6, "0");

const statsResource = listResource({
  path: "/stats",
  name: "stats",
  tag: "statistics",
  summary: "Agreements and agencies per group",
  description:
    "As `g287 stats`: agreements and distinct agencies grouped by state, model, type, signed year or month, administration (by signed date), trifecta or battleground (the state's politics in a year), or policy (state policy in effect). By default the agreements listed on the latest list; `as_of` picks the date and `ever=true` counts every agreement ever listed. Each group lists the agreement ids behind it; the CSV twin joins them with spaces.",
  schema: anyObject,
  query: {
    by: p.oneOf(STATS_BY).openapi({
      description: `what to group by (default state): ${STATS_BY.join(", ")}`,
    }),
    as_of: p.asOf(),
    ever: p.bool("true: every agreement ever listed, not only those listed on as_of"),
    signed_from: p.date("only agreements signed on or after this date"),
    signed_to: p.date("only agreements signed on or before this date"),
    state: p.state(),
    model: p.model(),
    per_capita: p.bool("by=state: agreements and agencies per 100,000 residents (2023 Census estimate)"),
    politics_year: year("by=trifecta|battleground: the year of state politics (default: the year of as_of)"),
    politics_at: p.either(["as-of", "signing"]).openapi({
      description: "by=trifecta|battleground: signing groups each agreement by its signed year's politics",
    }),
  },
  async load(ctx, f) {
    const by = f.by ?? "state";
    const politics = by === "trifecta" || by === "battleground";
    if (!politics && f.politics_year !== undefined)
      throw badParameter("politics_year", "applies only to by=trifecta or by=battleground");
    if (!politics && f.politics_at !== undefined)
      throw badParameter("politics_at", "applies only to by=trifecta or by=battleground");
    if (f.politics_year !== undefined && f.politics_at === "signing")
      throw badParameter("politics_at", "give politics_year or politics_at=signing, not both");
    if (f.per_capita === "true" && by !== "state")
      throw badParameter("per_capita", `applies only to by=state, not by=${by}`);
    if (f.signed_from && f.signed_to && f.signed_from > f.signed_to)
      throw badParameter("signed_to", `${f.signed_to} is before signed_from`);
    const r = await statsBy(ctx.db, {
      by,
      asOf: f.as_of,
      ever: f.ever === "true",
      signedFrom: f.signed_from,
      signedTo: f.signed_to,
      state: f.state,
      model: f.model,
      perCapita: f.per_capita === "true",
      politicsYear: f.politics_year ? Number(f.politics_year) : undefined,
      politicsAt: f.politics_at,
    });
    const { groups: _, ...rest } = r;
    return { ...statsTable(r, f.per_capita === "true"), key: ordinal, extra: rest };
  },
});

const timelineResource = listResource({
  path: "/timeline",
  name: "timeline",
  tag: "statistics",
  summary: "Agreements and agencies listed per day or month",
  description:
    "As `g287 timeline`: from the replayed listing periods, not from signed dates; an agreement counts from the first list that shows it until the first that no longer does, and not during a gap. Each point names the agreements that entered and left since the previous one (`ids=true`: all of them).",
  schema: anyObject,
  query: {
    by: p.either(["day", "month"]).openapi({ description: "default month" }),
    from: p.date("first day (default and floor: the first applied list)"),
    to: p.date("last day (default and ceiling: the latest applied list)"),
    state: p.state(),
    model: p.model(),
    ids: p.bool("true: every point lists all its agreement ids"),
  },
  async load(ctx, f) {
    if (f.from && f.to && f.from > f.to) throw badParameter("to", `${f.to} is before from`);
    const t = await timeline(ctx.db, {
      by: f.by ?? "month",
      from: f.from,
      to: f.to,
      state: f.state,
      model: f.model,
      ids: f.ids === "true",
    });
    const { points, ...rest } = t;
    return { ...timelineTable(points), key: (r) => r.date as string, extra: rest };
  },
});

const funnelResource = itemResource({
  path: "/funnel",
  name: "funnel",
  tag: "statistics",
  summary: "Pending → signed → removed",
  description:
    "As `g287 funnel`: applications seen on ICE's pending lists, which signed and how long that took, which signed agreements were later removed, and which never signed. The CSV twin has one row per stage.",
  schema: anyObject,
  query: { state: p.state(), model: p.model() },
  async load(ctx, f) {
    const r = await funnel(ctx.db, { state: f.state, model: f.model });
    return { data: r, csv: funnelTable(r) };
  },
});

const coverageResource = listResource({
  path: "/coverage",
  name: "coverage",
  tag: "statistics",
  summary: "Population living under at least one agreement",
  description:
    "As `g287 coverage`: a statewide agency covers its state, a county agency its county; overlaps count once. Local agencies are reported apart, with an upper bound. By state (default) or by model; the envelope carries the national row.",
  schema: anyObject,
  query: {
    by: p.either(["state", "model"]).openapi({ description: "default state" }),
    as_of: p.asOf(),
    state: p.state(),
    model: p.model(),
  },
  async load(ctx, f) {
    const r = await coverage(ctx.db, { by: f.by ?? "state", asOf: f.as_of, state: f.state, model: f.model });
    const { rows, ...rest } = r;
    return { ...coverageTable(rows), key: (x) => x.key as string, extra: rest };
  },
});

export const ANALYSIS_RESOURCES: Resource[] = [statsResource, timelineResource, funnelResource, coverageResource];
