// Claim checks beyond the counts: the Spanish of what the checks write, readings that rest on a
// correction ICE made after the claim, and state law against the record (conflicts, mandates).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readClaimFile } from "../src/analysis/claim-file.js";
import type { ClaimContext } from "../src/analysis/claims.js";
import { banConflicts, mandateCompliance } from "../src/analysis/conflicts.js";
import type { Facts } from "../src/analysis/facts.js";
import { ag, CTX, check, claim, FACTS, POLICIES, reading } from "./claims-fixtures.js";

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
    const [r] = check([
      claim("m", "arrests", [
        { name: "arrests", name_es: "detenciones", cannot_check: "no arrest data", cannot_check_es: "sin datos" },
        reading("agreements", { count: "agreements" }, "at_least", 1),
      ]),
    ]);
    expect(r?.readings.map((x) => [x.name, x.name_es, x.reason_es ?? null])).toEqual([
      ["arrests", "detenciones", "sin datos"],
      ["agreements", null, null],
    ]);
  });
});

describe("readings that rest on a later correction", () => {
  // ICE listed Tenaha-like agreement from 2026-01-08 with a Biden-era signed date (2025-01-07) and
  // printed the real one (2026-01-07) only from 2026-05-01. The ledger keeps the corrected date.
  const dates = { signed_on: "2026-01-07", first_listed: "2026-01-08", periods: [{ start: "2026-01-08", end: null }] };
  const tenaha = ag({ agreement_id: "tx-t/tfm/2025-01-07", state: "TX", model: "TFM", ...dates });
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
  const biden = claim("e", "No active agreement was initiated during the Biden administration.", [
    reading(
      "Biden-era signed dates",
      { count: "agreements", listed: "active", signed_from: "2021-01-20", signed_to: "2025-01-19" },
      "none",
    ),
  ]);

  it("says so in the verdict when the figure depends on a correction ICE published after the claim date", () => {
    const [r] = check([biden], WITH_HISTORY, "2026-02-11");
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
    const [after] = check([biden], WITH_HISTORY, "2026-05-15");
    expect(after?.depends_on_later_correction).toBe(false);
    expect(after?.readings[0]?.later_corrections).toEqual([]);
    expect(after?.readings[0]?.as_printed).toBeNull();
    // A reading the correction does not touch: Texas agreements listed, whatever their signed date.
    const texas = reading("tx", { count: "agreements", listed: "active", state: ["TX"] }, "at_least", 1);
    const [tx] = check([claim("tx", "Texas", [texas])], WITH_HISTORY, "2026-02-11");
    expect(tx?.depends_on_later_correction).toBe(false);
    // Without a signed history (older stores, fixtures), nothing is flagged.
    const [plain] = check([biden], { ...WITH_HISTORY, signedHistory: undefined }, "2026-02-11");
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
