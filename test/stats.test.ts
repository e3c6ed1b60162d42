// `stats`: counts of agreements and distinct agencies per group, on hand-made agreements where the
// answer is known, and on the real ledger against rosters computed directly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatsContext } from "../src/analysis/layers.js";
import { roster } from "../src/analysis/queries.js";
import { administrationOf, computeStats, statsBy } from "../src/analysis/stats.js";
import { UsageError } from "../src/errors.js";
import type { Store } from "../src/store/db.js";
import { fact } from "./analysis-fixtures.js";
import { archiveDbPath, cli, openArchive } from "./helpers.js";

// TX: one sheriff with two agreements (one removed), a police department with a gap.
// FL: a state agency with no signed date; a sheriff whose 2019 agreement was superseded in 2025.
// MD: a county signed on Biden's inauguration day.
const FACTS = [
  fact("tx-a-sheriff/jem/2020-06-01"),
  fact("tx-a-sheriff/wso/2020-06-01", { periods: [["2021-01-13", "2022-01-01"]], status: "removed" }),
  fact("tx-b-police/tfm/2025-03-01", {
    agency_type: "police",
    jurisdiction: "municipal",
    periods: [
      ["2025-03-05", "2025-06-01"],
      ["2025-07-01", null],
    ],
  }),
  fact("fl-state-patrol/tfm/unknown", {
    agency_type: "state_agency",
    statewide: true,
    periods: [["2025-02-20", null]],
  }),
  fact("fl-c-sheriff/jem/2019-05-01", { periods: [["2021-01-13", "2025-04-01"]], status: "superseded" }),
  fact("fl-c-sheriff/jem/2025-03-15", { periods: [["2025-04-01", null]] }),
  fact("md-d-sheriff/wso/2021-01-20", { periods: [["2021-02-01", null]] }),
];

const groups = (r: ReturnType<typeof computeStats>) =>
  Object.fromEntries(r.groups.map((g) => [g.key, [g.agreements, g.agencies]]));

describe("stats on hand-made agreements", () => {
  it("counts agreements listed on the date, honouring gaps and removals", () => {
    expect(groups(computeStats(FACTS, { by: "state", asOf: "2025-08-01" }))).toEqual({
      FL: [2, 2],
      MD: [1, 1],
      TX: [2, 2],
    });
    // In the Texas police department's gap, and before the Florida supersession.
    const june = computeStats(FACTS, { by: "state", asOf: "2025-06-15" });
    expect(june.groups.find((g) => g.key === "TX")?.ids).toEqual(["tx-a-sheriff/jem/2020-06-01"]);
    const march = computeStats(FACTS, { by: "state", asOf: "2025-03-10" });
    expect(march.groups.find((g) => g.key === "FL")?.ids).toEqual([
      "fl-c-sheriff/jem/2019-05-01",
      "fl-state-patrol/tfm/unknown",
    ]);
    // The end date is exclusive: on 2025-04-01 the successor is listed, not the old one.
    const apr = computeStats(FACTS, { by: "state", asOf: "2025-04-01" });
    expect(apr.groups.find((g) => g.key === "FL")?.ids).toContain("fl-c-sheriff/jem/2025-03-15");
    expect(apr.groups.find((g) => g.key === "FL")?.ids).not.toContain("fl-c-sheriff/jem/2019-05-01");
  });

  it("--ever counts every agreement, and agencies once", () => {
    const r = computeStats(FACTS, { by: "state", asOf: "2025-08-01", ever: true });
    expect(groups(r)).toEqual({ FL: [3, 2], MD: [1, 1], TX: [3, 2] });
    expect(r.total).toEqual({ agreements: 7, agencies: 5 });
  });

  it("groups by administration on inauguration days, and keeps unknown signed dates", () => {
    expect(administrationOf("2009-01-19")).toBe("bush");
    expect(administrationOf("2009-01-20")).toBe("obama");
    expect(administrationOf("2017-01-20")).toBe("trump-1");
    expect(administrationOf("2021-01-19")).toBe("trump-1");
    expect(administrationOf("2021-01-20")).toBe("biden");
    expect(administrationOf("2025-01-19")).toBe("biden");
    expect(administrationOf("2025-01-20")).toBe("trump-2");
    expect(administrationOf("2000-12-31")).toBe("before-bush");
    expect(administrationOf(null)).toBe("unknown");
    const r = computeStats(FACTS, { by: "administration", asOf: "2025-08-01", ever: true });
    expect(groups(r)).toEqual({
      "before-bush": [0, 0],
      bush: [0, 0],
      obama: [0, 0],
      "trump-1": [3, 2],
      biden: [1, 1],
      "trump-2": [2, 2],
      unknown: [1, 1],
    });
    expect(r.groups.at(-1)?.key).toBe("unknown");
  });

  it("groups by signed year and month; signed-date bounds set unknown dates apart, never silently", () => {
    const y = computeStats(FACTS, { by: "year", asOf: "2025-08-01", ever: true });
    expect(groups(y)).toEqual({ "2019": [1, 1], "2020": [2, 1], "2021": [1, 1], "2025": [2, 2], unknown: [1, 1] });
    expect(y.groups.map((g) => g.key)).toEqual(["2019", "2020", "2021", "2025", "unknown"]);
    const m = computeStats(FACTS, { by: "month", asOf: "2025-08-01" });
    expect(groups(m)).toEqual({ "2020-06": [1, 1], "2021-01": [1, 1], "2025-03": [2, 2], unknown: [1, 1] });
    const b = computeStats(FACTS, { by: "year", asOf: "2025-08-01", ever: true, signedFrom: "2025-01-01" });
    expect(groups(b)).toEqual({ "2025": [2, 2] });
    expect(b.unknown_signed_excluded).toEqual(["fl-state-patrol/tfm/unknown"]);
    expect(b.notes.join(" ")).toMatch(/1 agreement\(s\) with no signed date were left out/);
    const to = computeStats(FACTS, { by: "model", asOf: "2025-08-01", ever: true, signedTo: "2020-06-01" });
    expect(to.total.agreements).toBe(3);
  });

  it("counts agencies apart from agreements: one agency with two models counts once in the total", () => {
    const r = computeStats(FACTS, { by: "model", asOf: "2021-06-01" });
    expect(groups(r)).toEqual({ JEM: [2, 2], TFM: [0, 0], WSO: [2, 2] });
    expect(r.total).toEqual({ agreements: 4, agencies: 3 });
  });

  const CTX: StatsContext = {
    statePopulation: (u) => ({ TX: 1_000_000, FL: 400_000, MD: 50_000 })[u],
    allStates: () => ["TX", "FL", "MD", "VT"],
    politics: (s, y) =>
      y < 2017 || y > 2026
        ? undefined
        : {
            trifecta: s === "MD" ? "D" : s === "TX" && y < 2021 ? "divided" : "R",
            battleground2024: s === "TX",
          },
    policies: (s, d) =>
      s === "MD" && d >= "2026-02-17"
        ? [
            { kind: "encourage", confidence: "low", caveat: "a test caveat" },
            { kind: "ban", confidence: "high" },
          ]
        : s === "FL"
          ? [{ kind: "mandate", confidence: "high" }]
          : [],
  };

  it("per capita: agreements and agencies per 100,000 residents, by state only", () => {
    const r = computeStats(FACTS, { by: "state", asOf: "2025-08-01", perCapita: true }, CTX);
    const tx = r.groups.find((g) => g.key === "TX");
    expect(tx).toMatchObject({ population: 1_000_000, agreements_per_100k: 0.2, agencies_per_100k: 0.2 });
    expect(r.groups.find((g) => g.key === "MD")?.agreements_per_100k).toBe(2);
    expect(r.total).toMatchObject({ agreements: 5, population: 1_450_000, agreements_per_100k: 0.3448 });
    expect(() => computeStats(FACTS, { by: "model", asOf: "2025-08-01", perCapita: true }, CTX)).toThrow(UsageError);
  });

  it("groups by the state's politics in the as-of year, a chosen year, or the signed year", () => {
    const asOf = computeStats(FACTS, { by: "trifecta", asOf: "2025-08-01" }, CTX);
    expect(groups(asOf)).toEqual({ R: [4, 4], D: [1, 1], divided: [0, 0] });
    const y2020 = computeStats(FACTS, { by: "trifecta", asOf: "2025-08-01", politicsYear: 2020 }, CTX);
    expect(groups(y2020)).toEqual({ R: [2, 2], D: [1, 1], divided: [2, 2] });
    // The 2020 Texas signings fall under divided government; the one with no signed date cannot be
    // placed and stays as "unknown".
    const signing = computeStats(FACTS, { by: "trifecta", asOf: "2025-08-01", ever: true, politicsAt: "signing" }, CTX);
    expect(groups(signing)).toEqual({ R: [3, 2], D: [1, 1], divided: [2, 1], unknown: [1, 1] });
    const bg = computeStats(FACTS, { by: "battleground", asOf: "2025-08-01" }, CTX);
    expect(groups(bg)).toEqual({ battleground: [2, 2], other: [3, 3] });
  });

  it("groups by the strongest policy in effect on the date, carrying caveats", () => {
    const before = computeStats(FACTS, { by: "policy", asOf: "2026-01-01" }, CTX);
    expect(groups(before)).toMatchObject({ ban: [0, 0], mandate: [2, 2], none: [3, 3] });
    const after = computeStats(FACTS, { by: "policy", asOf: "2026-03-01" }, CTX);
    expect(groups(after)).toMatchObject({ ban: [1, 1], mandate: [2, 2], none: [2, 2], encourage: [0, 0] });
    const ban = after.groups.find((g) => g.key === "ban");
    expect(ban?.policies).toContainEqual(
      expect.objectContaining({ state: "MD", kind: "encourage", confidence: "low", caveat: "a test caveat" }),
    );
  });

  it("says plainly when a layer it needs is missing", () => {
    expect(() => computeStats(FACTS, { by: "trifecta", asOf: "2025-08-01" }, {})).toThrow(/state politics/);
  });
});

describe("stats on the real ledger", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openArchive();
  });
  afterAll(async () => store.close());

  const direct = async (asOf: string) => {
    const rows = await roster(store.db, { asOf });
    const by = new Map<string, { agreements: number; agencies: Set<string> }>();
    for (const r of rows) {
      const s = by.get(r.state as string) ?? { agreements: 0, agencies: new Set<string>() };
      s.agreements++;
      s.agencies.add(r.agency_id as string);
      by.set(r.state as string, s);
    }
    return { rows, by };
  };

  for (const [asOf, total, tx, fl] of [
    ["2021-01-13", 150, 26, [49, 48]],
    ["2024-12-01", 135, 26, [48, 47]],
  ] as const) {
    it(`by state on ${asOf}: ${total} agreements, each state equal to the roster`, async () => {
      const r = await statsBy(store.db, { by: "state", asOf });
      const d = await direct(asOf);
      expect(r.total.agreements).toBe(total);
      expect(d.rows.length).toBe(total);
      expect(r.groups.length).toBe(d.by.size);
      for (const g of r.groups) {
        const s = d.by.get(g.key);
        expect([g.key, g.agreements, g.agencies]).toEqual([g.key, s?.agreements, s?.agencies.size]);
      }
      expect(r.groups.find((g) => g.key === "TX")).toMatchObject({ agreements: tx, agencies: tx });
      expect(r.groups.find((g) => g.key === "FL")).toMatchObject({ agreements: fl[0], agencies: fl[1] });
    });
  }

  it("defaults to the latest list, 2026-05-01: 1779 agreements; --ever gives all 1880", async () => {
    const now = await statsBy(store.db, { by: "model" });
    expect(now.as_of).toBe("2026-05-01");
    expect(now.total.agreements).toBe(1779);
    const ever = await statsBy(store.db, { by: "model", ever: true });
    expect(ever.total.agreements).toBe(1880);
  });

  it("2024-12-01 has no TFM; by administration the listed agreements were all signed before Biden", async () => {
    const m = await statsBy(store.db, { by: "model", asOf: "2024-12-01" });
    expect(m.groups.find((g) => g.key === "TFM")?.agreements).toBe(0);
    const a = await statsBy(store.db, { by: "administration", asOf: "2021-01-13" });
    expect(a.groups.find((g) => g.key === "biden")?.agreements).toBe(0);
    expect(a.groups.reduce((t, g) => t + g.agreements, 0)).toBe(150);
  });

  it("g287 stats --by state --per-capita matches the roster and the Census population", async () => {
    const asOf = "2024-12-01";
    const r = cli(["--db", archiveDbPath(), "--json", "stats", "--by", "state", "--per-capita", "--as-of", asOf]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as Awaited<ReturnType<typeof statsBy>>;
    const d = await direct(asOf);
    const { stateInfo } = await import("../src/context/geography.js");
    for (const g of j.groups) {
      const pop = stateInfo(g.key)?.population as number;
      expect(pop).toBeGreaterThan(500_000);
      expect(g.population).toBe(pop);
      expect(g.agreements).toBe(d.by.get(g.key)?.agreements);
      expect(g.agreements_per_100k).toBeCloseTo(((d.by.get(g.key)?.agreements as number) * 100_000) / pop, 3);
      expect(g.agencies_per_100k).toBeCloseTo(((d.by.get(g.key)?.agencies.size as number) * 100_000) / pop, 3);
      expect(g.ids.length).toBe(g.agreements);
    }
    // Texas: 26 agreements among about 30.5 million residents.
    expect(j.groups.find((g) => g.key === "TX")?.agreements_per_100k).toBeCloseTo(0.085, 3);
  });

  it("--per-capita on another grouping is a usage error (exit 2) that says why", () => {
    const r = cli(["--db", archiveDbPath(), "stats", "--by", "model", "--per-capita"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/applies only to --by state/);
  });

  it("--csv gives one row per group with the ids behind it", () => {
    const r = cli(["--db", archiveDbPath(), "stats", "--by", "model", "--as-of", "2021-01-13", "--csv"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("by,key,label,agreements,agencies,agreement_ids");
    expect(lines[1]).toMatch(/^model,JEM,Jail Enforcement Model,74,/);
    expect(lines[3]).toMatch(/^model,WSO,Warrant Service Officer,76,/);
  });
});
