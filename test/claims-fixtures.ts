// A hand-made ledger for the claim checks: agreements with their listed periods, the lists, state
// policies and the claim context, shared by claims.test.ts and claims-context.test.ts.
import { ClaimFile } from "../src/analysis/claim-file.js";
import { type ClaimContext, checkClaims, type PolicyFact } from "../src/analysis/claims.js";
import type { Facts } from "../src/analysis/facts.js";
import type { AgreementFact } from "../src/analysis/population.js";

export function ag(p: Partial<AgreementFact> & { agreement_id: string; state: string }): AgreementFact {
  const agency_id = p.agency_id ?? p.agreement_id.split("/")[0] ?? p.agreement_id;
  return {
    agency_id,
    agency: agency_id,
    model: "JEM",
    signed_on: "2025-03-01",
    first_listed: "2025-03-05",
    last_listed: "2026-02-20",
    status: "active",
    ended_on: null,
    periods: [{ start: "2025-03-05", end: null }],
    agency_type: "sheriff",
    jurisdiction: "county",
    statewide: false,
    county_fips: null,
    county_name: null,
    ...p,
  };
}

export const FACTS: Facts = {
  agreements: [
    ag({
      agreement_id: "md-a/jem/2020-03-09",
      state: "MD",
      signed_on: "2020-03-09",
      first_listed: "2021-01-13",
      last_listed: "2026-02-13",
      periods: [{ start: "2021-01-13", end: "2026-02-17" }],
      status: "removed",
      ended_on: "2026-02-17",
      county_fips: "24001",
    }),
    ag({
      agreement_id: "md-b/wso/2025-03-03",
      state: "MD",
      model: "WSO",
      periods: [{ start: "2025-03-05", end: "2026-02-27" }],
      status: "removed",
      ended_on: "2026-02-27",
      county_fips: "24003",
    }),
    ag({ agreement_id: "md-c/wso/2025-03-10", state: "MD", model: "WSO", county_fips: "24005" }),
    ag({
      agreement_id: "va-state-police/tfm/2025-03-01",
      state: "VA",
      model: "TFM",
      agency_type: "state_agency",
      jurisdiction: "state",
      statewide: true,
    }),
    ag({ agreement_id: "va-x-sheriff/jem/2025-04-01", state: "VA", signed_on: "2025-04-01", county_fips: "51001" }),
    ag({
      agreement_id: "va-x-sheriff/wso/2025-04-01",
      state: "VA",
      agency_id: "va-x-sheriff",
      model: "WSO",
      signed_on: "2025-04-01",
      county_fips: "51001",
    }),
    ag({
      agreement_id: "tx-biden/tfm/2022-05-01",
      state: "TX",
      signed_on: "2022-05-01",
      first_listed: "2022-06-01",
      periods: [{ start: "2022-06-01", end: null }],
      county_fips: "48001",
    }),
    ag({
      agreement_id: "tx-late/jem/2026-01-10",
      state: "TX",
      signed_on: "2026-01-10",
      first_listed: "2026-03-20",
      periods: [{ start: "2026-03-20", end: null }],
      county_fips: "48003",
    }),
    ag({
      agreement_id: "fl-pd/tfm/2025-05-01",
      state: "FL",
      agency_type: "police",
      jurisdiction: "municipal",
      county_fips: "12001",
    }),
    ag({ agreement_id: "fl-sheriff/jem/2025-05-01", state: "FL", county_fips: "12003" }),
  ],
  lists: [
    { date: "2021-01-13", file: "a.xlsx", kind: "participating" },
    { date: "2026-02-20", file: "b.xlsx", kind: "participating" },
    { date: "2026-03-20", file: "c.xlsx", kind: "participating" },
  ],
};

export const pol = (
  state: string,
  kind: string,
  effective: string | null,
  extra: Partial<PolicyFact> = {},
): PolicyFact => ({
  state,
  kind,
  proposed: false,
  enacted: effective,
  effective,
  citation: `${state} ${kind} act`,
  source_url: "https://example.org",
  confidence: "high",
  caveat: null,
  ...extra,
});

export const POLICIES: PolicyFact[] = [
  pol("MD", "ban", "2026-02-17"),
  pol("NM", "ban", "2026-05-20", { enacted: "2026-02-05" }),
  pol("OR", "restrict", "2021-07-01", { confidence: "medium", caveat: "date unconfirmed" }),
  pol("TX", "mandate", "2026-01-01"),
  pol("FL", "mandate", "2022-01-01"),
  pol("NY", "ban", null, { proposed: true, enacted: null }),
];

export const CTX: ClaimContext = {
  facts: FACTS,
  politicsFor: (state, year) =>
    year === 2026
      ? (
          {
            MD: { trifecta: "D", governor: "D", battleground: false },
            VA: { trifecta: "divided", governor: "D", battleground: false },
            TX: { trifecta: "R", governor: "R", battleground: false },
          } as Record<string, { trifecta: string; governor: string; battleground: boolean }>
        )[state]
      : undefined,
  policiesInEffect: (s, d) =>
    POLICIES.filter((p) => p.state === s && !p.proposed && p.effective !== null && p.effective <= d),
  policiesOf: (s) => POLICIES.filter((p) => p.state === s),
  historicalCounts: [
    { as_of: "2017-01-15", n: 36, unit: "agreements", basis: "fact sheet", source: "ICE fact sheet" },
    { as_of: "2017-12-31", n: 66, unit: "sheriff's offices", basis: "yearly flags", source: "WaPo sheriffs" },
  ],
  earliestHistorical: { year: 2002, source: "FDLE, 2002 (history README)" },
};

export function file(claims: unknown[], published = "2026-02"): ClaimFile {
  return ClaimFile.parse({ article: { title: "t", published }, claims });
}

/** A claim: its id, its text and its readings. */
export const claim = (id: string, text: string, readings: unknown[]) => ({ id, text, readings });

/** A reading that counts `query` and compares the count by `op`, to `value` unless the op takes none. */
export function reading(name: string, query: Record<string, unknown>, op: string, value?: number) {
  return { name, query, compare: value === undefined ? { op } : { op, value } };
}

/** The claims, as a file published in `published`, checked against `ctx`. */
export const check = (claims: unknown[], ctx: ClaimContext = CTX, published?: string) =>
  checkClaims(file(claims, published), ctx);
