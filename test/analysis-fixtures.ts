// Hand-made agreements for the statistics tests: every field the cores read, with defaults, so a
// test states only what matters to it.
import type { AgreementFact, Period } from "../src/analysis/population.js";

export function fact(
  id: string,
  o: Partial<Omit<AgreementFact, "periods">> & { periods?: [string, string | null][] } = {},
): AgreementFact {
  const [agency, model = "JEM", signed = "2025-01-01"] = id.split("/");
  const periods: Period[] = (o.periods ?? [["2021-01-13", null]]).map(([start, end]) => ({ start, end }));
  return {
    agreement_id: id,
    agency_id: agency as string,
    agency: agency as string,
    state: (agency as string).slice(0, 2).toUpperCase(),
    model: model.toUpperCase(),
    signed_on: signed === "unknown" ? null : signed,
    first_listed: periods[0]?.start ?? "2021-01-13",
    last_listed: "2026-03-27",
    status: "active",
    ended_on: null,
    agency_type: "sheriff",
    jurisdiction: "county",
    county_fips: null,
    county_name: null,
    statewide: false,
    ...o,
    periods,
  };
}
