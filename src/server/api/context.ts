// Reference layers under /api/v1: states (with the ledger's counts), one state (its counties,
// agreements, law, litigation and politics), counties, state policies, litigation and politics.
// Every medium- or low-confidence row carries its caveat as displayed (`caveat_display`).

import { latestListDate } from "../../analysis/population.js";
import { agreements, roster } from "../../analysis/queries.js";
import { allCounties, allStates, type CountyRow, countiesOf, stateInfo } from "../../context/geography.js";
import {
  LITIGATION_CASE_COLUMNS,
  POLICY_INSTRUMENT_COLUMNS,
  POLICY_SPAN_COLUMNS,
} from "../../context/layer-columns.js";
import { type LitigationRow, litigation } from "../../context/litigation.js";
import { inEffect, POLICY_KINDS, type StatePolicy, statePolicies } from "../../context/policies.js";
import { allPolitics, POLITICS_SHOWN, politicsFor } from "../../context/politics.js";
import { formatCaveat, SOURCE_COLUMNS, type Sourced } from "../../context/sourced.js";
import { AGREEMENT_COLUMNS, type AgreementRow } from "../../domain/columns.js";
import { MODELS, type Model, modelCounts } from "../../domain/model.js";
import { checked, p, z } from "../params.js";
import { type Ctx, itemResource, listResource, type Resource, type Row } from "../resource.js";
import { anyObject } from "./schemas.js";

const withCaveat = <T extends Sourced>(r: T) => ({ ...r, caveat_display: formatCaveat(r) || null });

/** The date counts are taken on: as_of, else the latest applied list. */
async function dateOf(ctx: Ctx, asOf: string | undefined): Promise<string> {
  return asOf ?? (await ctx.memo("latest-list", async () => (await latestListDate(ctx.db)) ?? "9999-12-31"));
}

type Counts = { agreements: number; agencies: number } & Record<Model, number>;

function count(rows: readonly AgreementRow[]): Counts {
  const m = modelCounts();
  for (const r of rows) if (Object.hasOwn(m, String(r.model))) m[r.model as Model]++;
  return { agreements: rows.length, ...m, agencies: new Set(rows.map((r) => r.agency_id)).size };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string | number | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const s = String(k);
    const l = m.get(s);
    if (l) l.push(r);
    else m.set(s, [r]);
  }
  return m;
}

const per100k = (n: number, pop: number | null) => (pop ? Math.round((n / pop) * 100_000 * 100) / 100 : null);

/** What a state and a county row count, in this order. */
const PLACE_COUNT_COLUMNS = ["as_of", "agreements", ...MODELS, "agencies", "agreements_per_100k", "ever"] as const;

const STATE_COLUMNS = [
  "state",
  "fips",
  "name",
  "territory",
  "population",
  ...PLACE_COUNT_COLUMNS,
  "policies_in_effect",
  "trifecta",
  "battleground2024",
] as const;

async function stateRows(ctx: Ctx, asOf: string): Promise<Row[]> {
  const [listed, ever] = await Promise.all([roster(ctx.db, { asOf }), agreements(ctx.db)]);
  const byState = groupBy(listed, (r) => r.state);
  const everBy = groupBy(ever, (r) => r.state);
  const year = Number(asOf.slice(0, 4));
  const policies = statePolicies();
  return allStates().map((s) => {
    const c = count(byState.get(s.usps) ?? []);
    const pol = politicsFor(s.usps, year);
    return {
      state: s.usps,
      fips: s.fips,
      name: s.name,
      territory: s.territory,
      population: s.population,
      as_of: asOf,
      ...c,
      agreements_per_100k: per100k(c.agreements, s.population),
      ever: everBy.get(s.usps)?.length ?? 0,
      policies_in_effect: [
        ...new Set(policies.filter((x) => x.state === s.usps && inEffect(x, asOf)).map((x) => x.kind)),
      ]
        .sort()
        .join(" "),
      trifecta: pol?.trifecta ?? null,
      battleground2024: pol ? pol.battleground2024 : null,
    };
  });
}

const statesResource = listResource({
  path: "/states",
  name: "states",
  tag: "context",
  summary: "States, with their agreements",
  description:
    "Every state and territory (Census), with the agreements listed on `as_of` (default: the latest list) by model, the agencies holding them, the rate per 100,000 residents (Vintage 2023), every agreement ever listed there, the kinds of state policy in effect, and the state's political control that year.",
  schema: anyObject,
  query: { as_of: p.asOf() },
  async load(ctx, f) {
    const asOf = await dateOf(ctx, f.as_of);
    return {
      rows: await stateRows(ctx, asOf),
      columns: STATE_COLUMNS,
      key: (r) => r.state as string,
      extra: { as_of: asOf },
    };
  },
});

const COUNTY_COLUMNS = ["geoid", "state", "name", "population", "lat", "lon", ...PLACE_COUNT_COLUMNS] as const;

async function countyRows(ctx: Ctx, counties: readonly CountyRow[], asOf: string): Promise<Row[]> {
  const [listed, ever] = await Promise.all([roster(ctx.db, { asOf }), agreements(ctx.db)]);
  // A statewide agency covers the state, not a county: it is counted in /states only.
  const fipsOf = (r: AgreementRow) => (Number(r.statewide) === 1 ? null : r.county_fips);
  const byCounty = groupBy(listed, fipsOf);
  const everBy = groupBy(ever, fipsOf);
  return counties.map((c) => {
    const n = count(byCounty.get(c.geoid) ?? []);
    return {
      geoid: c.geoid,
      state: c.state,
      name: c.name,
      population: c.population,
      lat: c.lat,
      lon: c.lon,
      as_of: asOf,
      ...n,
      agreements_per_100k: per100k(n.agreements, c.population),
      ever: everBy.get(c.geoid)?.length ?? 0,
    };
  });
}

const countiesResource = listResource({
  path: "/counties",
  name: "counties",
  tag: "context",
  summary: "Counties, with the agreements of agencies placed in them",
  description:
    "Every county or county-equivalent (Census gazetteer; Connecticut by its 2022 planning regions), with the agreements listed on `as_of` (default: the latest list) of agencies placed in it. Statewide agencies are counted in /states, not here.",
  schema: anyObject,
  query: {
    state: p.state(),
    as_of: p.asOf(),
    listed: p.bool("true: only counties with an agreement ever listed"),
  },
  async load(ctx, f) {
    const asOf = await dateOf(ctx, f.as_of);
    let rows = await countyRows(ctx, f.state ? countiesOf(f.state) : allCounties(), asOf);
    if (f.listed === "true") rows = rows.filter((r) => (r.ever as number) > 0);
    if (f.listed === "false") rows = rows.filter((r) => (r.ever as number) === 0);
    return { rows, columns: COUNTY_COLUMNS, key: (r) => r.geoid as string, extra: { as_of: asOf } };
  },
});

const policyRow = (r: StatePolicy, asOf: string) => ({
  ...withCaveat(r),
  in_effect: inEffect(r, asOf),
  raw: undefined,
});

const stateResource = itemResource({
  path: "/states/{state}",
  name: "state",
  tag: "context",
  summary: "One state: agreements, counties, law, litigation and politics",
  description:
    "The state's figures as in /states, its counties with their agreements, the agreements listed on `as_of`, every state-policy row (with `in_effect` on that date), its litigation and its political control by year, each with source and confidence. The CSV twin is the agreements listed on `as_of`.",
  schema: anyObject,
  params: { state: z.string().openapi({ param: { name: "state", in: "path" }, example: "TX" }) },
  query: { as_of: p.asOf() },
  async load(ctx, f, { state }) {
    const info = stateInfo(state);
    if (!info || info.usps !== state) return null;
    const asOf = await dateOf(ctx, f.as_of);
    const summary = (await stateRows(ctx, asOf)).find((r) => r.state === state);
    const listed = await roster(ctx.db, { asOf, state });
    return {
      data: {
        state: summary,
        agreements: listed,
        counties: (await countyRows(ctx, countiesOf(state), asOf)).filter((c) => (c.ever as number) > 0),
        policies: statePolicies()
          .filter((r) => r.state === state)
          .map((r) => policyRow(r, asOf)),
        litigation: litigation()
          .filter((r) => r.state === state)
          .map(withCaveat),
        politics: allPolitics()
          .filter((r) => r.state === state)
          .map(withCaveat),
      },
      csv: { columns: AGREEMENT_COLUMNS, rows: listed as Row[] },
    };
  },
});

const POLICY_COLUMNS = [
  "state",
  "row",
  "kind",
  "proposed",
  "in_effect",
  "scope",
  ...POLICY_INSTRUMENT_COLUMNS,
  ...POLICY_SPAN_COLUMNS,
  "caveat_display",
] as const;

const policiesResource = listResource({
  path: "/policies",
  name: "policies",
  tag: "context",
  summary: "State law and executive action on 287(g)",
  description:
    "Bans, restrictions, mandates, encouragement, rescissions and proposals, with dates, citations, source and confidence. `in_effect` is for `as_of` (default: the latest list); proposals are never in effect, nor is a policy whose effective date is unknown.",
  schema: anyObject,
  query: {
    state: p.state(),
    kind: p.oneOf(POLICY_KINDS),
    as_of: p.asOf(),
    in_effect: p.bool("true: only policies in effect on as_of"),
  },
  async load(ctx, f) {
    const asOf = await dateOf(ctx, f.as_of);
    const rows = statePolicies()
      .filter((r) => (!f.state || r.state === f.state) && (!f.kind || r.kind === f.kind))
      .map((r) => policyRow(r, asOf))
      .filter((r) => !f.in_effect || r.in_effect === (f.in_effect === "true"));
    return {
      rows: rows as Row[],
      columns: POLICY_COLUMNS,
      key: (r) => `${r.state}|${String(r.row).padStart(5, "0")}`,
      extra: { as_of: asOf },
    };
  },
});

const LITIGATION_COLUMNS = [
  "state",
  "row",
  ...LITIGATION_CASE_COLUMNS,
  "last_date",
  "status_kind",
  "status",
  "summary",
  "key_dates",
  ...SOURCE_COLUMNS,
  "caveat_display",
] as const;

const LITIGATION_STATUS = ["pending", "resolved", "unverified", "not_filed"] as const;

const litigationResource = listResource({
  path: "/litigation",
  name: "litigation",
  tag: "context",
  summary: "Lawsuits, rulings and attorney-general opinions on 287(g)",
  schema: anyObject,
  query: {
    state: p.state(),
    status: p.oneOf(LITIGATION_STATUS),
  },
  async load(_ctx, f) {
    const rows = litigation()
      .filter((r: LitigationRow) => (!f.state || r.state === f.state) && (!f.status || r.status_kind === f.status))
      .map(withCaveat);
    return { rows: rows as unknown as Row[], columns: LITIGATION_COLUMNS, key: (r) => String(r.row).padStart(5, "0") };
  },
});

const POLITICS_COLUMNS = [...POLITICS_SHOWN, ...SOURCE_COLUMNS, "caveat_display"] as const;

const politicsResource = listResource({
  path: "/politics",
  name: "politics",
  tag: "context",
  summary: "State political control by year",
  description:
    "Governor's party, legislature control, trifecta and the 2024 battleground flag, by state and year (as of about February 1).",
  schema: anyObject,
  query: {
    state: p.state(),
    year: checked(z.string().regex(/^\d{4}$/, "expected a year such as 2025"), {
      description: "one year",
      example: "2025",
    }).optional(),
  },
  async load(_ctx, f) {
    const rows = allPolitics()
      .filter((r) => (!f.state || r.state === f.state) && (!f.year || r.year === Number(f.year)))
      .map(withCaveat);
    return { rows: rows as unknown as Row[], columns: POLITICS_COLUMNS, key: (r) => `${r.state}|${r.year}` };
  },
});

export const CONTEXT_RESOURCES: Resource[] = [
  statesResource,
  stateResource,
  countiesResource,
  policiesResource,
  litigationResource,
  politicsResource,
];
