// The February 2026 article's claims, and state law against the record, on the real lists. Every
// figure is recomputed here from the exported agreements, so it is reproducible outside g287.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConflictContext, loadClaimContext } from "../src/analysis/claim-context.js";
import { readClaimFile } from "../src/analysis/claim-file.js";
import { type ClaimResult, checkClaims } from "../src/analysis/claims.js";
import { banConflicts, mandateCompliance } from "../src/analysis/conflicts.js";
import { dataset } from "../src/analysis/datasets.js";
import { addDays } from "../src/analysis/population.js";
import { toCsv } from "../src/export/csv.js";
import type { Store } from "../src/store/db.js";
import { ARCHIVE, archiveDbPath, cli, openArchive, ROOT, readList } from "./helpers.js";

const ARTICLE = path.join(ROOT, "data/claims/2026-02-news-article.yaml");

let store: Store;
let ctx: ConflictContext;
let results: ClaimResult[];
let exported: Record<string, string>[];
beforeAll(async () => {
  store = await openArchive();
  ctx = await loadClaimContext(store.db);
  results = checkClaims(readClaimFile(ARTICLE), ctx);
  const d = await dataset(store.db, "agreements");
  exported = parse(toCsv(d.columns, d.rows), { columns: true }) as Record<string, string>[];
});
afterAll(async () => store.close());

const claim = (id: string) => {
  const c = results.find((r) => r.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
};

describe("the February 2026 article", () => {
  it("gives every claim a verdict with its evidence", () => {
    expect(results.map((r) => r.id)).toEqual([
      "a",
      "b1",
      "b2",
      "c1",
      "c2",
      "d",
      "e",
      "f1",
      "f2",
      "g",
      "h",
      "i1",
      "i2",
      "i3",
      "j",
      "k",
      "l",
      "m",
    ]);
    for (const r of results) {
      expect(["supported", "close", "contradicted", "cannot_check"]).toContain(r.verdict);
      for (const x of r.readings) if (x.verdict !== "cannot_check") expect(x.evidence?.computed_from).toBeTruthy();
    }
  });

  it("reports the arrests claim (m) as not checkable from this data", () => {
    expect(claim("m").verdict).toBe("cannot_check");
    expect(claim("m").summary).toMatch(/not arrests/);
  });

  it("finds Maryland's nine agencies (h) and Virginia's five state-agency agreements (i1)", () => {
    const h = claim("h").readings[0];
    expect(h?.value).toBe(9);
    expect(h?.evidence?.ids).toContain("md-frederick-county-sheriffs-office");
    expect(claim("i1").readings[0]?.value).toBe(5);
    expect(claim("i3").readings[0]?.evidence?.ids).toHaveLength(2);
  });

  it("checks (c) against the published counts and the first 2021 list", () => {
    expect(claim("c1").readings.map((r) => r.value)).toEqual([36, 58]);
    expect(claim("c2").readings[0]?.value).toBe(150);
    expect(claim("d").verdict).toBe("supported");
  });

  it("finds Teller County alone in Colorado in January 2025 (k)", () => {
    expect(claim("k").verdict).toBe("supported");
    expect(claim("k").readings[0]?.evidence?.ids).toEqual(["co-teller-county-sheriffs-office/jem/2020-06-08"]);
  });

  it("never picks the agreeing reading: (g) holds only if restrictions count as bans", () => {
    const g = claim("g");
    expect(g.readings.map((r) => r.value)).toEqual([4, 5, 8]);
    expect(g.readings_disagree).toBe(true);
    expect(g.verdict).toBe("contradicted");
  });

  it("reproduces each agreement count from the exported agreements", () => {
    const asOf = "2026-02-28";
    const listedBy = (r: Record<string, string>) => r.first_listed !== undefined && r.first_listed <= asOf;
    const signedIn = (r: Record<string, string>, from: string, to = "9999") =>
      !!r.signed_on && r.signed_on >= from && r.signed_on <= to;
    const f1 = exported.filter((r) => listedBy(r) && signedIn(r, "2025-01-01", "2025-12-31"));
    expect(claim("f1").readings[0]?.value).toBe(f1.length);
    expect(claim("f1").readings[1]?.value).toBe(new Set(f1.map((r) => r.agency_id)).size);
    const f2 = exported.filter((r) => listedBy(r) && signedIn(r, "2026-01-01"));
    expect(claim("f2").readings[0]?.value).toBe(f2.length);
    const local = exported.filter(
      (r) => listedBy(r) && signedIn(r, "2019-01-01") && r.statewide === "0" && r.agency_type !== "state_agency",
    );
    expect(claim("a").readings[0]?.value).toBe(new Set(local.map((r) => r.agency_id)).size);
    expect(claim("a").readings[1]?.value).toBe(local.length);
    const va = exported.filter(
      (r) => r.state === "VA" && r.agency_type === "sheriff" && listedBy(r) && signedIn(r, "2025-01-01", "2025-12-31"),
    );
    expect(claim("i2").readings[0]?.value).toBe(new Set(va.map((r) => r.agency_id)).size);
  });

  it("prints every verdict through the CLI, and the ids with --json", () => {
    const human = cli(["--db", archiveDbPath(), "claims", "check", ARTICLE]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain("CANNOT BE CHECKED FROM THIS DATA");
    expect(human.stdout).toMatch(/computed from: ICE participating list of 2026-02-2\d/);
    const json = cli(["--db", archiveDbPath(), "--json", "claims", "check", ARTICLE]);
    const parsed = JSON.parse(json.stdout) as { count: number; rows: ClaimResult[] };
    expect(parsed.count).toBe(18);
    expect(parsed.rows.find((r) => r.id === "f1")?.readings[0]?.evidence?.ids.length).toBe(
      claim("f1").readings[0]?.value,
    );
  });

  it("rejects a bad claim file with its name and the problem, exit 1", () => {
    const r = cli(["--db", archiveDbPath(), "claims", "check", path.join(ROOT, "package.json")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/package\.json: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("state law against the record", () => {
  it("lists Maryland's nine agreements under the 2026-02-17 ban, with their delisting dates", () => {
    const md = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27").filter((c) => c.state === "MD");
    expect(md).toHaveLength(9);
    expect(md.every((c) => c.ban_effective === "2026-02-17")).toBe(true);
    const until = Object.fromEntries(md.map((c) => [c.agency_id, c.listed_until]));
    expect(until["md-frederick-county-sheriffs-office"]).toBe("2026-02-17");
    expect(until["md-cecil-county-sheriffs-office"]).toBe("2026-02-27");
    expect(until["md-allegany-county-sheriffs-office"]).toBe("2026-03-05");
    expect(until["md-garrett-county-sheriffs-office"]).toBeNull();
  });

  it("gives Frederick County, MD its real last listed date (2026-02-13), read from the sheets", () => {
    // Straight from ICE's files: the last participating list with a Maryland Frederick County row,
    // and the first without one after it.
    const lists = fs
      .readdirSync(ARCHIVE)
      .filter((f) => /^participating_2026-0[23]-\d\d\.xlsx$/.test(f))
      .sort();
    const dateOf = (f: string) => f.slice(14, 24);
    const maryland = (r: unknown[]) =>
      String(r[0] ?? "")
        .trim()
        .toUpperCase() === "MARYLAND";
    const sheets = new Map(lists.map((f) => [f, readList(f)]));
    const onList = (f: string, agency: RegExp) =>
      (sheets.get(f) ?? []).some((r) => maryland(r) && agency.test(String(r[1] ?? "")));
    const carried = lists.filter((f) => onList(f, /frederick/i)).map(dateOf);
    const last = carried.at(-1) as string;
    const firstWithout = lists.map(dateOf).find((d) => d > last);
    expect(last).toBe("2026-02-13");
    expect(firstWithout).toBe("2026-02-17");
    const conflicts = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27");
    const fred = conflicts.find((c) => c.agency_id === "md-frederick-county-sheriffs-office");
    expect(fred).toMatchObject({ last_listed: last, listed_until: firstWithout, days: 0 });
    // The first list that carried it is the record's first list (January 2021).
    expect(fred?.first_listed).toBe(ctx.facts.lists[0]?.date);
    expect(readList("participating_2021-01-13.csv").some((r) => maryland(r) && /frederick/i.test(String(r[1])))).toBe(
      true,
    );
    // Days under the ban are the days whose list in force carried it, counted here day by day
    // from the sheets (Garrett County is still listed on 2026-03-27).
    const garrettOn = new Map(lists.map((f) => [dateOf(f), onList(f, /garrett/i)]));
    let days = 0;
    for (let d = "2026-02-17"; d <= "2026-03-27"; d = addDays(d, 1)) {
      const inForce = [...garrettOn.keys()].filter((x) => x <= d).at(-1) as string;
      if (garrettOn.get(inForce)) days++;
    }
    const garrett = conflicts.find((c) => c.agency_id === "md-garrett-county-sheriffs-office");
    expect(days).toBeGreaterThan(30);
    expect(garrett?.days).toBe(days);
    const lastWith = [...garrettOn.entries()].filter(([d, on]) => on && d <= "2026-03-27").at(-1)?.[0];
    expect(garrett?.last_listed).toBe(lastWith);
  });

  it("shows New Jersey agreements listed under its 2019 directive, flagged as before the record", () => {
    const nj = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27").filter((c) => c.state === "NJ");
    expect(nj.length).toBeGreaterThan(0);
    expect(nj.every((c) => c.before_record && c.first_listed === "2021-01-13")).toBe(true);
  });

  it("finds every Florida county with an agreement, and Texas counties still without one", () => {
    const m = mandateCompliance(ctx.facts, ctx.policiesOf, ctx.countiesOf, "2026-03-27");
    const fl = m.find((x) => x.state === "FL");
    expect(fl?.counties).toBe(67);
    expect(fl?.with_agreement).toBe(67);
    const tx = m.find((x) => x.state === "TX");
    expect(tx?.counties).toBe(254);
    expect(tx?.with_agreement).toBe(254 - (tx?.without_agreement.length ?? 0));
    expect(tx?.without_agreement.length).toBeGreaterThan(0);
    expect(tx?.limits).toMatch(/which sheriffs run jails/);
  });
});
