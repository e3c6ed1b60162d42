// Claim checks on hand-made facts where the right answer is known: every query kind, every
// comparison, and the rule that a claim's verdict is its least favourable reading.

import { describe, expect, it } from "vitest";
import { ClaimFile } from "../src/analysis/claim-file.js";
import { claimDay, compareValue } from "../src/analysis/claims.js";
import { check, claim, reading } from "./claims-fixtures.js";

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
    const [r] = check([
      claim("x", "VA", [
        reading("agreements", { count: "agreements", state: ["VA"], local: true }, "equals", 2),
        reading("agencies", { count: "agencies", state: ["VA"], local: true }, "equals", 2),
      ]),
    ]);
    expect(r?.readings[0]?.value).toBe(2);
    expect(r?.readings[0]?.evidence?.ids).toEqual(["va-x-sheriff/jem/2025-04-01", "va-x-sheriff/wso/2025-04-01"]);
    expect(r?.readings[1]?.value).toBe(1);
    // One reading agrees, one does not: the verdict is the least favourable, never the agreeing one.
    expect(r?.verdict).toBe("contradicted");
    expect(r?.readings_disagree).toBe(true);
  });

  it("uses the record as it stood on the claim date, not later lists", () => {
    const signed2026 = (asOf?: string) => {
      const query = { count: "agreements", signed_from: "2026-01-01", ...(asOf ? { as_of: asOf } : {}) };
      return check([claim("f2", "2026", [reading("n", query, "at_least", 1)])])[0];
    };
    const r = signed2026();
    // Signed 2026-01-10 but first listed 2026-03-20: unknown at the end of February.
    expect(r?.readings[0]?.value).toBe(0);
    expect(r?.readings[0]?.evidence?.computed_from).toContain("2026-02-20");
    const later = signed2026("latest");
    expect(later?.readings[0]?.value).toBe(1);
  });

  it("filters by politics of the as-of year, by policy in effect and by end date", () => {
    const results = check([
      claim("d", "D", [reading("n", { count: "agreements", trifecta: ["D"] }, "equals", 3)]),
      claim("ban", "ban", [reading("n", { count: "agreements", as_of: "2026-03-01", policy: ["ban"] }, "equals", 3)]),
      claim("end", "ended", [reading("n", { count: "agreements", ended_from: "2026-02-01" }, "equals", 1)]),
      claim("biden", "none", [
        reading(
          "n",
          { count: "agreements", listed: "active", signed_from: "2021-01-20", signed_to: "2025-01-19" },
          "none",
        ),
      ]),
    ]);
    expect(results.map((r) => [r.id, r.readings[0]?.value, r.verdict])).toEqual([
      ["d", 3, "supported"],
      ["ban", 3, "supported"],
      // md-b ended 2026-02-27, within February; md-a ended 2026-02-17.
      ["end", 2, "contradicted"],
      ["biden", 1, "contradicted"],
    ]);
  });

  it("fails a named-agency claim when the agency is missing, whatever the count", () => {
    const named = { count: "agreements", state: ["FL"], type: ["police"], must_include: ["fl-sheriff"] };
    const [r] = check([claim("k", "k", [reading("n", named, "equals", 1)])]);
    expect(r?.readings[0]?.value).toBe(1);
    expect(r?.verdict).toBe("contradicted");
  });
});

describe("policy, history and uncheckable readings", () => {
  it("counts named states by policy, effective or enacted", () => {
    const states = { count: "states_with_policy", state: ["MD", "NM", "OR"] };
    const results = check([
      claim("g", "bans", [
        reading("effective", { ...states, policy: ["ban"] }, "equals", 3),
        reading("enacted", { ...states, policy: ["ban"], basis: "enacted" }, "equals", 3),
        reading("ban or restrict", { ...states, policy: ["ban", "restrict"], basis: "enacted" }, "equals", 3),
      ]),
    ]);
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
    const count = "historical_agreements";
    const results = check([
      claim("c", "35", [
        reading("near", { count, as_of: "2017-01-20" }, "about", 35),
        reading("wapo", { count, as_of: "2017-12-31", window_days: 1, source_match: "wapo" }, "about", 35),
        reading("ledger", { count, source: "ledger", as_of: "2021-01-13" }, "about", 1),
        reading("none", { count, as_of: "1990-01-01" }, "about", 35),
      ]),
    ]);
    const rs = results[0]?.readings ?? [];
    expect(rs.map((r) => [r.value, r.verdict])).toEqual([
      [36, "supported"],
      [66, "contradicted"],
      [1, "supported"],
      [null, "cannot_check"],
    ]);
  });

  it("reports a claim the data cannot answer as such, with the reason", () => {
    const [r] = check([claim("m", "arrests", [{ name: "arrests", cannot_check: "no arrest data" }])]);
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
