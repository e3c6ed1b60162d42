// The state layers (policy, litigation, politics): every raw row parses, the committed derived
// files are exactly what the raw tables give, real figures hold, and medium/low rows carry caveats.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { deriveLayers, LAYER_FILES } from "../src/context/derive-layers.js";
import { DeriveError } from "../src/context/derive-rows.js";
import { CURATED_CAVEATS, readLayerInputs } from "../src/context/layer-files.js";
import { litigation } from "../src/context/litigation.js";
import { firstLooseDate, lastDay, looseDates } from "../src/context/loose-date.js";
import { inEffect, policiesInEffect, statePolicies } from "../src/context/policies.js";
import { PolicyLabelError, parsePolicyLabel } from "../src/context/policy-label.js";
import { allPolitics, politicsFor } from "../src/context/politics.js";
import { assertCaveats, formatCaveat, needsCaveat } from "../src/context/sourced.js";
import { archiveDbPath, cli, ROOT } from "./helpers.js";

const SHARED = path.resolve(ROOT, "../shared/data");
const LAYERS = path.join(ROOT, "data/context/layers");
const caveatsText = () => fs.readFileSync(CURATED_CAVEATS, "utf8");

function rawRows(rel: string): Record<string, string>[] {
  const file = path.join(SHARED, rel);
  if (!fs.existsSync(file)) throw new Error(`missing ${file}: the raw reference tables must be in ../shared/data`);
  return parse(fs.readFileSync(file, "utf8"), { columns: true, bom: true }) as Record<string, string>[];
}

describe("policy labels", () => {
  it("parses every row of the real state_policies.csv", () => {
    const rows = rawRows("reference/state_policies.csv");
    expect(rows).toHaveLength(31);
    const parsed = rows.map((r) => ({ state: r.state, ...parsePolicyLabel(r.policy ?? "", r.instrument ?? "") }));
    // Every compound label the table uses, read as kind + scope + proposed.
    const label = (state: string, raw: string) => {
      const i = rows.findIndex((r) => r.state === state && r.policy === raw);
      expect(i, `${state} ${raw}`).toBeGreaterThanOrEqual(0);
      return parsed[i];
    };
    expect(label("NJ", "ban (codification, status unclear)")).toMatchObject({
      kind: "ban",
      proposed: true,
      scope: null,
      note: "codification, status unclear",
    });
    expect(label("VA", "encourage (mandate for state agencies)")).toMatchObject({
      kind: "encourage",
      proposed: false,
      scope: "mandate for state agencies",
    });
    expect(label("VA", "restrict (state agencies)")).toMatchObject({ kind: "restrict", scope: "state agencies" });
    expect(label("NY", "ban (proposed)")).toMatchObject({ kind: "ban", proposed: true, scope: null, note: null });
    expect(label("ID", "mandate (proposed)")).toMatchObject({ kind: "mandate", proposed: true });
    expect(label("SC", "mandate (proposed)")).toMatchObject({ kind: "mandate", proposed: true });
    expect(label("ID", "cooperation_mandate")).toMatchObject({ kind: "cooperation_mandate", proposed: false });
    const kinds = new Set(parsed.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(["ban", "cooperation_mandate", "encourage", "mandate", "rescission", "restrict"]);
    expect(parsed.filter((p) => p.proposed).map((p) => p.state)).toEqual(["NJ", "NY", "ID", "SC"]);
  });

  it("reads case and instrument, and refuses an unknown kind", () => {
    expect(parsePolicyLabel("Ban")).toMatchObject({ kind: "ban", proposed: false });
    expect(parsePolicyLabel("mandate", "proposed statute").proposed).toBe(true);
    expect(parsePolicyLabel("restrict (local agencies, proposed)")).toMatchObject({
      scope: "local agencies",
      proposed: true,
    });
    expect(() => parsePolicyLabel("prohibit")).toThrow(PolicyLabelError);
    expect(() => parsePolicyLabel("")).toThrow(PolicyLabelError);
  });
});

describe("loose dates", () => {
  it("reads ISO tokens at their precision and written-out months", () => {
    expect(looseDates("2022; amended 2025-02-13").map((d) => d.date)).toEqual(["2022", "2025-02-13"]);
    expect(firstLooseDate("~2026-07 (90 days after adjournment)")).toMatchObject({
      date: "2026-07",
      precision: "month",
      approx: true,
    });
    expect(firstLooseDate("remanded (reported June 28, 2025)")?.date).toBe("2025-06-28");
    expect(firstLooseDate("trial Jan 2023")?.date).toBe("2023-01");
    // A bill number is not a date; an impossible day is skipped.
    expect(looseDates("2019-05 (HB19-1124); (41-27)").map((d) => d.date)).toEqual(["2019-05"]);
    expect(looseDates("2025-02-30")).toEqual([]);
    expect(firstLooseDate("unknown")).toBeNull();
  });

  it("gives the last day a partial date can mean", () => {
    expect(lastDay({ date: "2024-02", precision: "month" })).toBe("2024-02-29");
    expect(lastDay({ date: "2025-02", precision: "month" })).toBe("2025-02-28");
    expect(lastDay({ date: "2022", precision: "year" })).toBe("2022-12-31");
    expect(lastDay({ date: "2026-02-17", precision: "day" })).toBe("2026-02-17");
  });
});

describe("derived layer files", () => {
  it("re-deriving from ../shared/data gives byte-identical committed files", () => {
    const files = deriveLayers(readLayerInputs(SHARED), caveatsText());
    expect([...files.keys()].sort()).toEqual(Object.values(LAYER_FILES).sort());
    for (const [name, text] of files) {
      expect(fs.readFileSync(path.join(LAYERS, name), "utf8"), name).toBe(text);
    }
  });

  it("refuses a medium-confidence row without a caveat, and a caveat that matches nothing", () => {
    const inputs = readLayerInputs(SHARED);
    const without = caveatsText()
      .split("\n")
      .filter((l) => !l.startsWith("policies,OR,"))
      .join("\n");
    expect(() => deriveLayers(inputs, without)).toThrow(/reference\/state_policies.csv row 3: medium-confidence/);
    const extra = `${caveatsText()}policies,TX,No Such Act,,"a caveat for nothing"\n`;
    expect(() => deriveLayers(inputs, extra)).toThrow(DeriveError);
    expect(() => deriveLayers(inputs, extra)).toThrow(/no row matches policies TX "No Such Act"/);
    const override = caveatsText().replace('policies,OR,ORS 181A.820,,"', 'policies,OR,ORS 181A.820,high,"');
    expect(() => deriveLayers(inputs, override)).toThrow(/may not change the source's own rating/);
  });

  it("names each source in the layers README and keeps the sheriff list's licence beside it", () => {
    const readme = fs.readFileSync(path.join(LAYERS, "README.md"), "utf8");
    for (const f of Object.values(LAYER_FILES)) expect(readme).toContain(`\`${f}\``);
    const licence = fs.readFileSync(path.join(LAYERS, "wapo_sheriffs_2005_2019.LICENSE.md"), "utf8");
    expect(licence).toContain("CC BY-NC-SA 4.0");
    expect(licence).toContain("wpinvestigative/sheriffs_287g");
  });
});

describe("state policies", () => {
  const all = statePolicies();

  it("loads all 31 rows, each with a source URL, and a caveat on every medium or low row", () => {
    expect(all).toHaveLength(31);
    for (const p of all) expect(p.source_url).toMatch(/^https?:\/\//);
    assertCaveats(all, "state_policies");
    const weak = all.filter((p) => needsCaveat(p.confidence));
    expect(weak.map((p) => `${p.state} ${p.confidence}`)).toEqual([
      "OR medium",
      "NJ medium",
      "CT medium",
      "ME medium",
      "MA medium",
      "VA medium",
      "NY low",
      "TN medium",
      "TN medium",
      "OK medium",
      "ID medium",
      "ID low",
      "SC medium",
    ]);
    for (const p of weak) expect(formatCaveat(p)).toMatch(new RegExp(`^${p.confidence} confidence: .{20,}`));
  });

  it("Maryland's ban takes effect on 2026-02-17", () => {
    const md = all.find((p) => p.state === "MD" && p.kind === "ban");
    expect(md).toMatchObject({ enacted: "2026-02-17", effective: "2026-02-17", in_effect_from: "2026-02-17" });
    expect(md?.deadline).toBe("2026-07");
    expect(policiesInEffect("MD", "2026-02-16").filter((p) => p.kind === "ban")).toHaveLength(0);
    expect(policiesInEffect("md", "2026-02-17").map((p) => p.kind)).toEqual(["ban"]);
  });

  it("reads dates, deadlines and rescissions from the text", () => {
    const find = (state: string, kind: string) => all.filter((p) => p.state === state && p.kind === kind);
    expect(find("TX", "mandate")[0]).toMatchObject({ effective: "2026-01-01", deadline: "2026-12-01" });
    expect(find("DE", "ban")[0]).toMatchObject({ effective: "2025-07-14", deadline: "2025-08-13" });
    expect(find("FL", "mandate")[0]).toMatchObject({
      enacted: "2022",
      effective: "2022",
      in_effect_from: "2022-12-31",
    });
    expect(find("ME", "restrict")[0]).toMatchObject({
      effective: "2026-07",
      effective_approx: true,
      in_effect_from: "2026-07-31",
    });
    // Executive Order 47 ended the day Executive Order 1 rescinded it.
    const eo47 = find("VA", "encourage")[0];
    expect(eo47).toMatchObject({ scope: "mandate for state agencies", until: "2026-01-17" });
    expect(eo47 && inEffect(eo47, "2026-01-16")).toBe(true);
    expect(eo47 && inEffect(eo47, "2026-01-17")).toBe(false);
    expect(policiesInEffect("VA", "2026-02-04").map((p) => p.kind)).toEqual(["rescission", "restrict"]);
  });

  it("never counts a proposal, or a policy with no known effective date, as in effect", () => {
    const proposals = all.filter((p) => p.proposed);
    expect(proposals.map((p) => [p.state, p.last_action])).toEqual([
      ["NJ", "2026-01"],
      ["NY", "2026-01-30"],
      ["ID", "2026-03-06"],
      ["SC", "2025-12-16"],
    ]);
    for (const p of proposals) {
      expect(p.enacted).toBeNull();
      expect(inEffect(p, "2099-01-01")).toBe(false);
    }
    expect(policiesInEffect("NY", "2099-01-01")).toEqual([]);
    const tn = all.find((p) => p.state === "TN" && p.kind === "mandate");
    expect(tn).toMatchObject({ enacted: "2026", effective: null, in_effect_from: null });
    expect(policiesInEffect("TN", "2099-01-01").map((p) => p.kind)).toEqual(["encourage"]);
  });

  it("lists the bans in effect on 2026-03-01", () => {
    const states = [...new Set(all.map((p) => p.state))];
    const bans = states.filter((s) => policiesInEffect(s, "2026-03-01").some((p) => p.kind === "ban"));
    // New Mexico's ban starts 2026-05-20; New York's is a proposal; OR, CT and ME restrict.
    expect(bans).toEqual(["CA", "WA", "IL", "NJ", "DE", "MD"]);
  });
});

describe("state politics", () => {
  it("has 50 states x 2017-2026, with the published 2026 trifecta totals", () => {
    const all = allPolitics();
    expect(all).toHaveLength(500);
    const y2026 = all.filter((p) => p.year === 2026);
    const count = (t: string) => y2026.filter((p) => p.trifecta === t).length;
    expect([count("R"), count("D"), count("divided")]).toEqual([23, 16, 11]);
  });

  it("marks the seven 2024 battleground states", () => {
    const bg = allPolitics()
      .filter((p) => p.year === 2024 && p.battleground2024)
      .map((p) => p.state)
      .sort();
    expect(bg).toEqual(["AZ", "GA", "MI", "NC", "NV", "PA", "WI"]);
  });

  it("answers one state-year and never guesses beyond the table", () => {
    expect(politicsFor("tx", 2026)).toMatchObject({
      governor_party: "R",
      legislature_control: "R",
      trifecta: "R",
      battleground2024: false,
    });
    expect(politicsFor("PA", 2024)).toMatchObject({ legislature_control: "Split", trifecta: "divided" });
    expect(politicsFor("TX", 2027)).toBeUndefined();
    expect(politicsFor("TX", 2016)).toBeUndefined();
    const ak = politicsFor("AK", 2017);
    expect(ak).toMatchObject({ governor_party: "I", legislature_control: "Coalition", confidence: "medium" });
    expect(ak && formatCaveat(ak)).toMatch(/^medium confidence: Alaska's legislature/);
    expect(politicsFor("NE", 2020)?.caveat).toMatch(/nonpartisan/);
  });
});

describe("litigation", () => {
  const rows = litigation();

  it("loads all 12 rows with dates parsed", () => {
    expect(rows).toHaveLength(12);
    assertCaveats(rows, "litigation");
    const teller = rows.find((r) => r.case.startsWith("Nash et al. v. Mikesell"));
    expect(teller).toMatchObject({
      state: "CO",
      filed: "2019-06-27",
      last_date: "2025-01-29",
      status_kind: "resolved",
    });
    expect(teller?.events.map((e) => e.date)).toEqual(["2020-04-07", "2022", "2023-01", null, "2025-01-29"]);
    // Served on the 18th, filed on the 19th: the filing date wins.
    expect(rows.find((r) => r.case.startsWith("Corey-Gruenes"))).toMatchObject({
      filed: "2025-12-19",
      case_number: "24-CV-25-2086",
      status_kind: "pending",
    });
    expect(rows.find((r) => r.state === "MD")).toMatchObject({
      filed: null,
      status_kind: "not_filed",
      confidence: "low",
    });
    expect(rows.find((r) => r.state === "VA")).toMatchObject({ status_kind: "unverified", confidence: "low" });
    expect(rows.find((r) => r.state === "PA")?.events.map((e) => e.date)).toEqual([
      "2025-06-10",
      "2025-06-28",
      "2025-10-15",
    ]);
  });
});

describe("CLI: policies, litigation, politics", () => {
  const run = (...args: string[]) => cli(["--db", archiveDbPath(), ...args]);

  it("policies --json gives each row its source URL, confidence and caveat text", () => {
    const r = run("--json", "policies", "--state", "md");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.count).toBe(1);
    expect(j.rows[0]).toMatchObject({
      state: "MD",
      kind: "ban",
      source_url: expect.stringMatching(/^https:/),
      confidence: "high",
      status: expect.any(String),
    });
    const or = JSON.parse(run("--json", "policies", "--state", "OR").stdout);
    expect(or.rows[0].caveat_text).toMatch(/^medium confidence: /);
  });

  it("policies --as-of keeps only what was in effect; tables show caveats in full", () => {
    const j = JSON.parse(run("--json", "policies", "--kind", "ban", "--as-of", "2026-03-01").stdout);
    expect(j.rows.map((r: { state: string }) => r.state)).toEqual(["CA", "WA", "IL", "NJ", "DE", "MD"]);
    const t = run("policies", "--state", "VA");
    expect(t.status).toBe(0);
    expect(t.stdout).toContain("https://allvirginia.news/?p=140319");
    expect(t.stdout).toContain(
      "medium confidence: From a single news report; the rescission ended Executive Order 47's mandate",
    );
    expect(run("policies", "--kind", "prohibit").status).toBe(2);
    expect(run("policies", "--as-of", "2026-02-30").status).toBe(2);
  });

  it("litigation and politics print sources, confidence and caveats", () => {
    const l = run("litigation", "--state", "MD");
    expect(l.status).toBe(0);
    expect(l.stdout).toContain("low confidence: Announced intent only");
    const p = run("politics", "--year", "2026");
    expect(p.status).toBe(0);
    expect(p.stdout).toContain("trifectas 23 R / 16 D / 11 divided");
    expect(p.stdout).toContain("medium confidence: Alaska's legislature");
    const pj = JSON.parse(run("--json", "politics", "--year", "2024").stdout);
    expect(pj.totals.battleground_2024).toEqual(["AZ", "GA", "MI", "NV", "NC", "PA", "WI"]);
    expect(run("politics").status).toBe(2);
    const later = run("politics", "--year", "2027");
    expect(later.status).toBe(1);
    expect(later.stderr).toMatch(/not guessed/);
  });
});
