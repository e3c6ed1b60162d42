// Claim checks on hand-made facts where the right answer is known: every query kind, every
// comparison, and the rule that a claim's verdict is its least favourable reading.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ClaimFile, readClaimFile } from "../src/analysis/claim-file.js";
import { type ClaimContext, checkClaims, claimDay, compareValue, type PolicyFact } from "../src/analysis/claims.js";
import { banConflicts, mandateCompliance } from "../src/analysis/conflicts.js";
import type { Facts } from "../src/analysis/facts.js";
import type { AgreementFact } from "../src/analysis/population.js";

function ag(p: Partial<AgreementFact> & { agreement_id: string; state: string }): AgreementFact {
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

const FACTS: Facts = {
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

const pol = (state: string, kind: string, effective: string | null, extra: Partial<PolicyFact> = {}): PolicyFact => ({
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

const POLICIES: PolicyFact[] = [
  pol("MD", "ban", "2026-02-17"),
  pol("NM", "ban", "2026-05-20", { enacted: "2026-02-05" }),
  pol("OR", "restrict", "2021-07-01", { confidence: "medium", caveat: "date unconfirmed" }),
  pol("TX", "mandate", "2026-01-01"),
  pol("FL", "mandate", "2022-01-01"),
  pol("NY", "ban", null, { proposed: true, enacted: null }),
];

const CTX: ClaimContext = {
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

function file(claims: unknown[], published = "2026-02"): ClaimFile {
  return ClaimFile.parse({ article: { title: "t", published }, claims });
}

describe("comparisons", () => {
  it("decides supported, close and contradicted for each op", () => {
    const c = (op: string, value?: number) => ({ op, value, tolerance: 0.05, close: 0.1 }) as never;
    expect(compareValue(1400, c("at_least", 1351)).verdict).toBe("supported");
    expect(compareValue(1228, c("at_least", 1351)).verdict).toBe("close");
    expect(compareValue(1000, c("at_least", 1351)).verdict).toBe("contradicted");
    expect(compareValue(150, c("at_most", 150)).verdict).toBe("supported");
    expect(compareValue(160, c("at_most", 150)).verdict).toBe("close");
    expect(compareValue(9, c("equals", 9)).verdict).toBe("supported");
    expect(compareValue(1, c("equals", 2)).verdict).toBe("contradicted");
    expect(compareValue(36, c("about", 35)).verdict).toBe("supported");
    expect(compareValue(66, c("about", 35)).verdict).toBe("contradicted");
    expect(compareValue(0, c("none")).verdict).toBe("supported");
    expect(compareValue(1, c("none")).verdict).toBe("contradicted");
  });

  it("reads a month-only claim date as the month's last day", () => {
    expect(claimDay("2026-02")).toBe("2026-02-28");
    expect(claimDay("2024-02")).toBe("2024-02-29");
    expect(claimDay("2026-02-05")).toBe("2026-02-05");
  });
});

describe("ledger queries", () => {
  it("counts agencies and agreements separately, with the ids behind them", () => {
    const [r] = checkClaims(
      file([
        {
          id: "x",
          text: "VA",
          readings: [
            {
              name: "agreements",
              query: { count: "agreements", state: ["VA"], local: true },
              compare: { op: "equals", value: 2 },
            },
            {
              name: "agencies",
              query: { count: "agencies", state: ["VA"], local: true },
              compare: { op: "equals", value: 2 },
            },
          ],
        },
      ]),
      CTX,
    );
    expect(r?.readings[0]?.value).toBe(2);
    expect(r?.readings[0]?.evidence?.ids).toEqual(["va-x-sheriff/jem/2025-04-01", "va-x-sheriff/wso/2025-04-01"]);
    expect(r?.readings[1]?.value).toBe(1);
    // One reading agrees, one does not: the verdict is the least favourable, never the agreeing one.
    expect(r?.verdict).toBe("contradicted");
    expect(r?.readings_disagree).toBe(true);
  });

  it("uses the record as it stood on the claim date, not later lists", () => {
    const [r] = checkClaims(
      file([
        {
          id: "f2",
          text: "2026",
          readings: [
            {
              name: "n",
              query: { count: "agreements", signed_from: "2026-01-01" },
              compare: { op: "at_least", value: 1 },
            },
          ],
        },
      ]),
      CTX,
    );
    // Signed 2026-01-10 but first listed 2026-03-20: unknown at the end of February.
    expect(r?.readings[0]?.value).toBe(0);
    expect(r?.readings[0]?.evidence?.computed_from).toContain("2026-02-20");
    const [later] = checkClaims(
      file([
        {
          id: "f2",
          text: "2026",
          readings: [
            {
              name: "n",
              query: { count: "agreements", signed_from: "2026-01-01", as_of: "latest" },
              compare: { op: "at_least", value: 1 },
            },
          ],
        },
      ]),
      CTX,
    );
    expect(later?.readings[0]?.value).toBe(1);
  });

  it("filters by politics of the as-of year, by policy in effect and by end date", () => {
    const results = checkClaims(
      file([
        {
          id: "d",
          text: "D",
          readings: [
            { name: "n", query: { count: "agreements", trifecta: ["D"] }, compare: { op: "equals", value: 3 } },
          ],
        },
        {
          id: "ban",
          text: "ban",
          readings: [
            {
              name: "n",
              query: { count: "agreements", as_of: "2026-03-01", policy: ["ban"] },
              compare: { op: "equals", value: 3 },
            },
          ],
        },
        {
          id: "end",
          text: "ended",
          readings: [
            {
              name: "n",
              query: { count: "agreements", ended_from: "2026-02-01" },
              compare: { op: "equals", value: 1 },
            },
          ],
        },
        {
          id: "biden",
          text: "none",
          readings: [
            {
              name: "n",
              query: { count: "agreements", listed: "active", signed_from: "2021-01-20", signed_to: "2025-01-19" },
              compare: { op: "none" },
            },
          ],
        },
      ]),
      CTX,
    );
    expect(results.map((r) => [r.id, r.readings[0]?.value, r.verdict])).toEqual([
      ["d", 3, "supported"],
      ["ban", 3, "supported"],
      // md-b ended 2026-02-27, within February; md-a ended 2026-02-17.
      ["end", 2, "contradicted"],
      ["biden", 1, "contradicted"],
    ]);
  });

  it("fails a named-agency claim when the agency is missing, whatever the count", () => {
    const [r] = checkClaims(
      file([
        {
          id: "k",
          text: "k",
          readings: [
            {
              name: "n",
              query: { count: "agreements", state: ["FL"], type: ["police"], must_include: ["fl-sheriff"] },
              compare: { op: "equals", value: 1 },
            },
          ],
        },
      ]),
      CTX,
    );
    expect(r?.readings[0]?.value).toBe(1);
    expect(r?.verdict).toBe("contradicted");
  });
});

describe("policy, history and uncheckable readings", () => {
  it("counts named states by policy, effective or enacted", () => {
    const results = checkClaims(
      file([
        {
          id: "g",
          text: "bans",
          readings: [
            {
              name: "effective",
              query: { count: "states_with_policy", policy: ["ban"], state: ["MD", "NM", "OR"] },
              compare: { op: "equals", value: 3 },
            },
            {
              name: "enacted",
              query: { count: "states_with_policy", policy: ["ban"], basis: "enacted", state: ["MD", "NM", "OR"] },
              compare: { op: "equals", value: 3 },
            },
            {
              name: "ban or restrict",
              query: {
                count: "states_with_policy",
                policy: ["ban", "restrict"],
                basis: "enacted",
                state: ["MD", "NM", "OR"],
              },
              compare: { op: "equals", value: 3 },
            },
          ],
        },
      ]),
      CTX,
    );
    const values = results[0]?.readings.map((r) => [r.value, r.evidence?.ids]);
    expect(values).toEqual([
      [1, ["MD"]],
      [2, ["MD", "NM"]],
      [3, ["MD", "NM", "OR"]],
    ]);
    // The medium-confidence row carries its caveat into the evidence.
    expect(results[0]?.readings[2]?.evidence?.notes.join(" ")).toContain("medium: date unconfirmed");
  });

  it("takes the published figure nearest the date, optionally from one source", () => {
    const results = checkClaims(
      file([
        {
          id: "c",
          text: "35",
          readings: [
            {
              name: "near",
              query: { count: "historical_agreements", as_of: "2017-01-20" },
              compare: { op: "about", value: 35 },
            },
            {
              name: "wapo",
              query: { count: "historical_agreements", as_of: "2017-12-31", window_days: 1, source_match: "wapo" },
              compare: { op: "about", value: 35 },
            },
            {
              name: "ledger",
              query: { count: "historical_agreements", source: "ledger", as_of: "2021-01-13" },
              compare: { op: "about", value: 1 },
            },
            {
              name: "none",
              query: { count: "historical_agreements", as_of: "1990-01-01" },
              compare: { op: "about", value: 35 },
            },
          ],
        },
      ]),
      CTX,
    );
    const rs = results[0]?.readings ?? [];
    expect(rs.map((r) => [r.value, r.verdict])).toEqual([
      [36, "supported"],
      [66, "contradicted"],
      [1, "supported"],
      [null, "cannot_check"],
    ]);
  });

  it("reports a claim the data cannot answer as such, with the reason", () => {
    const [r] = checkClaims(
      file([{ id: "m", text: "arrests", readings: [{ name: "arrests", cannot_check: "no arrest data" }] }]),
      CTX,
    );
    expect(r?.verdict).toBe("cannot_check");
    expect(r?.summary).toContain("no arrest data");
  });

  it("rejects a malformed claim file with the path of the problem", () => {
    const bad = ClaimFile.safeParse({ article: { title: "t", published: "Feb 2026" }, claims: [] });
    expect(bad.success).toBe(false);
    const noCompare = ClaimFile.safeParse({
      article: { title: "t", published: "2026-02" },
      claims: [{ id: "a", text: "x", readings: [{ name: "n", query: { count: "agreements" } }] }],
    });
    expect(noCompare.success).toBe(false);
  });
});

describe("Spanish for what we wrote", () => {
  it("gives every reading of every claim file a Spanish name, and Spanish notes and reasons where there is English", () => {
    const dir = fileURLToPath(new URL("../data/claims/", import.meta.url));
    const names = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(names.length).toBeGreaterThan(0);
    const gaps: string[] = [];
    for (const name of names) {
      const f = readClaimFile(path.join(dir, name));
      if (f.article.notes && !f.article.notes_es) gaps.push(`${name}: article.notes_es`);
      for (const c of f.claims) {
        if (c.notes && !c.notes_es) gaps.push(`${name}: ${c.id}.notes_es`);
        for (const r of c.readings) {
          // A copied English name would pass a presence check: it must differ from the English.
          if (!r.name_es || r.name_es === r.name) gaps.push(`${name}: ${c.id} "${r.name}" has no Spanish name`);
          if (r.cannot_check && (!r.cannot_check_es || r.cannot_check_es === r.cannot_check))
            gaps.push(`${name}: ${c.id} "${r.name}" has no Spanish cannot_check`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it("carries the Spanish name and reason into the result beside the English", () => {
    const [r] = checkClaims(
      file([
        {
          id: "m",
          text: "arrests",
          readings: [
            { name: "arrests", name_es: "detenciones", cannot_check: "no arrest data", cannot_check_es: "sin datos" },
            { name: "agreements", query: { count: "agreements" }, compare: { op: "at_least", value: 1 } },
          ],
        },
      ]),
      CTX,
    );
    expect(r?.readings.map((x) => [x.name, x.name_es, x.reason_es ?? null])).toEqual([
      ["arrests", "detenciones", "sin datos"],
      ["agreements", null, null],
    ]);
  });
});

describe("readings that rest on a later correction", () => {
  // ICE listed Tenaha-like agreement from 2026-01-08 with a Biden-era signed date (2025-01-07) and
  // printed the real one (2026-01-07) only from 2026-05-01. The ledger keeps the corrected date.
  const tenaha = ag({
    agreement_id: "tx-t/tfm/2025-01-07",
    state: "TX",
    model: "TFM",
    signed_on: "2026-01-07",
    first_listed: "2026-01-08",
    periods: [{ start: "2026-01-08", end: null }],
  });
  const WITH_HISTORY: ClaimContext = {
    ...CTX,
    facts: {
      ...FACTS,
      agreements: [...FACTS.agreements.filter((a) => a.agreement_id !== "tx-biden/tfm/2022-05-01"), tenaha],
    },
    signedHistory: new Map([
      [
        "tx-t/tfm/2025-01-07",
        [
          { date: "2025-01-07", seen: "2026-01-08" },
          { date: "2026-01-07", seen: "2026-05-01" },
        ],
      ],
    ]),
  };
  const biden = {
    id: "e",
    text: "No active agreement was initiated during the Biden administration.",
    readings: [
      {
        name: "Biden-era signed dates",
        query: { count: "agreements", listed: "active", signed_from: "2021-01-20", signed_to: "2025-01-19" },
        compare: { op: "none" },
      },
    ],
  };

  it("says so in the verdict when the figure depends on a correction ICE published after the claim date", () => {
    const [r] = checkClaims(file([biden], "2026-02-11"), WITH_HISTORY);
    expect(r?.verdict).toBe("supported");
    expect(r?.depends_on_later_correction).toBe(true);
    const x = r?.readings[0];
    expect(x?.value).toBe(0);
    expect(x?.later_corrections).toEqual([
      {
        agreement_id: "tx-t/tfm/2025-01-07",
        printed: "2025-01-07",
        corrected: "2026-01-07",
        corrected_on: "2026-05-01",
      },
    ]);
    // With the dates ICE printed on the claim date, the claim would have been contradicted.
    expect(x?.as_printed).toMatchObject({ value: 1, verdict: "contradicted" });
    expect(x?.reason).toContain("depends on a correction ICE published after the claim date (2026-02-11)");
    expect(x?.reason).toContain(
      "tx-t/tfm/2025-01-07 (signed 2025-01-07 on ICE's list then; 2026-01-07 from the list of 2026-05-01)",
    );
  });

  it("flags nothing when the correction came before the claim date, or does not change the figure", () => {
    const [after] = checkClaims(file([biden], "2026-05-15"), WITH_HISTORY);
    expect(after?.depends_on_later_correction).toBe(false);
    expect(after?.readings[0]?.later_corrections).toEqual([]);
    expect(after?.readings[0]?.as_printed).toBeNull();
    // A reading the correction does not touch: Texas agreements listed, whatever their signed date.
    const [tx] = checkClaims(
      file(
        [
          {
            id: "tx",
            text: "Texas",
            readings: [
              {
                name: "tx",
                query: { count: "agreements", listed: "active", state: ["TX"] },
                compare: { op: "at_least", value: 1 },
              },
            ],
          },
        ],
        "2026-02-11",
      ),
      WITH_HISTORY,
    );
    expect(tx?.depends_on_later_correction).toBe(false);
    // Without a signed history (older stores, fixtures), nothing is flagged.
    const [plain] = checkClaims(file([biden], "2026-02-11"), { ...WITH_HISTORY, signedHistory: undefined });
    expect(plain?.depends_on_later_correction).toBe(false);
  });
});

describe("conflicts and mandates", () => {
  // The lists around Maryland's ban, as on the real record: md-a is on the 02-13 list and gone from
  // the 02-17 one, the day the ban took effect; md-b leaves on 02-27.
  const AROUND_BAN: Facts = {
    ...FACTS,
    lists: [
      ...FACTS.lists,
      ...["2026-02-13", "2026-02-17", "2026-02-27"].map((date) => ({
        date,
        file: `${date}.xlsx`,
        kind: "participating",
      })),
    ].sort((a, b) => a.date.localeCompare(b.date)),
  };

  it("lists agreements listed under a ban with their real first and last listed dates, 0 days for one gone by the day it took effect", () => {
    const c = banConflicts(AROUND_BAN, (s) => POLICIES.filter((p) => p.state === s), "2026-03-20");
    expect(c.map((x) => [x.agreement_id, x.first_listed, x.last_listed, x.listed_until, x.days])).toEqual([
      ["md-a/jem/2020-03-09", "2021-01-13", "2026-02-13", "2026-02-17", 0],
      ["md-b/wso/2025-03-03", "2025-03-05", "2026-02-20", "2026-02-27", 10],
      ["md-c/wso/2025-03-10", "2025-03-05", "2026-03-20", null, 32],
    ]);
    // A ban not yet in effect (NM, 2026-05-20) and a proposal (NY) create no conflicts.
    expect(c.every((x) => x.state === "MD")).toBe(true);
  });

  it("reads the record as it stood on the as-of date: later listings and endings had not happened", () => {
    const c = banConflicts(AROUND_BAN, (s) => POLICIES.filter((p) => p.state === s), "2026-02-20");
    expect(c.map((x) => [x.agreement_id, x.last_listed, x.listed_until, x.days])).toEqual([
      ["md-a/jem/2020-03-09", "2026-02-13", "2026-02-17", 0],
      // md-b ends on 02-27, after the as-of date: still listed then, for the 4 days 02-17 to 02-20.
      ["md-b/wso/2025-03-03", "2026-02-20", null, 4],
      ["md-c/wso/2025-03-10", "2026-02-20", null, 4],
    ]);
  });

  it("counts mandate counties with a county-level agreement, not a city police one", () => {
    const counties = (s: string) =>
      s === "FL"
        ? [
            { geoid: "12001", name: "Alachua County" },
            { geoid: "12003", name: "Baker County" },
          ]
        : s === "TX"
          ? [
              { geoid: "48001", name: "Anderson County" },
              { geoid: "48003", name: "Andrews County" },
            ]
          : [];
    const m = mandateCompliance(FACTS, (s) => POLICIES.filter((p) => p.state === s), counties, "2026-03-01");
    expect(
      m.map((x) => [x.state, x.with_agreement, x.counties, x.without_agreement.map((c) => c.county_fips)]),
    ).toEqual([
      ["FL", 1, 2, ["12001"]],
      // tx-late was first listed 2026-03-20, after the as-of date.
      ["TX", 1, 2, ["48003"]],
    ]);
    expect(m[1]?.limits).toContain("do not say which sheriffs run jails");
  });
});
