// The historical layer (2005–2019) and `g287 history`: the real rosters, counts and sheriff flags,
// the ledger's yearly counts, and links from historical agencies to ledger agencies only where sure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeOn, historyLinks, historyReport, ledgerAgencyRefs } from "../src/analysis/history.js";
import { normalizeOri } from "../src/context/derive-history.js";
import {
  asSheriffOffice,
  HISTORY_FACTS,
  type HistoricalAgency,
  historicalCounts,
  historicalRosters,
  type LedgerAgencyRef,
  linkHistory,
  sheriffFlags,
  sheriffFlagTotals,
} from "../src/context/history.js";
import { assertCaveats } from "../src/context/sourced.js";
import type { Store } from "../src/store/db.js";
import { archiveDbPath, cli, openArchive } from "./helpers.js";

describe("historical rosters and counts", () => {
  it("holds ICE's 2007 and 2008 lists and the 2009 OIG table", () => {
    const rows = historicalRosters();
    const by = (roster: string) => rows.filter((r) => r.roster === roster);
    expect(by("ice-list-2007-09-19")).toHaveLength(28);
    expect(by("ice-list-2008-03-10")).toHaveLength(41);
    const oig = by("oig-2009-10-28");
    expect(oig).toHaveLength(67);
    expect(oig.filter((r) => r.status === "signed")).toHaveLength(61);
    expect(new Set(oig.map((r) => r.model))).toEqual(new Set(["JEM", "TFM", "hybrid"]));
    expect(rows).toHaveLength(136);
    for (const r of rows) expect(r.source_url).toMatch(/^https:\/\/github.com\/deportationdata\/ice-287g\/blob\//);
  });

  it("the first agreement, FDLE in 2002, is corroborated by the OIG table", () => {
    expect(HISTORY_FACTS[0]).toMatchObject({ date: "2002" });
    expect(HISTORY_FACTS[0]?.fact).toMatch(/Florida Department of Law Enforcement/);
    const fdle = historicalRosters().find((r) => r.roster.startsWith("oig") && r.agency.includes("Law Enforcement"));
    expect(fdle).toMatchObject({ state: "FL", signed_on: "2002-07-02", model: "TFM" });
  });

  it("carries the published counts with unit and basis caveats", () => {
    const counts = historicalCounts();
    expect(counts).toHaveLength(30);
    assertCaveats(counts, "history_counts");
    const on = (d: string) => counts.find((c) => c.as_of === d);
    expect(on("2007-09-01")).toMatchObject({ count: 29, confidence: "high", caveat: null });
    expect(on("2010-10-29")).toMatchObject({ count: 140, confidence: "low" });
    expect(on("2011-09-02")).toMatchObject({ count: 341, confidence: "low" });
    expect(on("2011-09-02")?.caveat).toMatch(/rows or MOA links, not agencies/);
    expect(on("2008-01-17")).toMatchObject({ confidence: "medium", basis: "ICE production date" });
    // The README's fact-sheet figures are rows of the counts table.
    expect(on("2017-01-29")).toMatchObject({ count: 36, publication: "ICE fact sheet (Wayback capture)" });
    expect(on("2017-08-01")?.count).toBe(58);
    expect(HISTORY_FACTS.filter((f) => f.value !== null).map((f) => f.value)).toEqual([36, 58]);
  });
});

describe("the newsroom's sheriff flags", () => {
  it("gives the published yearly totals", () => {
    const t = sheriffFlagTotals();
    expect([2016, 2017, 2018, 2019].map((y) => t.get(y))).toEqual([38, 66, 83, 128]);
    expect(t.get(2005)).toBe(6);
    expect([...t.keys()]).toEqual([...Array(15).keys()].map((i) => 2005 + i));
  });

  it("keeps its licence, credit, sections and normalised identifiers on every row", () => {
    const f = sheriffFlags();
    expect(f).toHaveLength(200);
    for (const r of f) {
      expect(r.licence).toContain("CC BY-NC-SA 4.0");
      expect(r.source).toContain("Washington Post");
      expect(r.caveat).toBeTruthy();
    }
    expect(f.filter((r) => r.section === "ended")).toHaveLength(54);
    const wake = f.find((r) => r.agency === "Wake County Sheriff's Office");
    expect(wake).toMatchObject({ section: "ended", state: "NC", ori: "NC0920000", ori_basis: "ori" });
    expect(f.find((r) => r.agency.startsWith("Flathead"))).toMatchObject({
      ori: "MT0150000",
      ori_basis: "ignore_column",
    });
    expect(f.find((r) => r.agency.startsWith("Etowah"))).toMatchObject({
      fips: "01055",
      years: [...Array(12).keys()].map((i) => 2008 + i),
    });
    // Four rows under the Virginia regional jail leave the state blank.
    expect(f.filter((r) => r.state_basis === "row_above").map((r) => r.state)).toEqual(["VA", "VA", "VA", "VA"]);
  });

  it("normalises ORIs and sheriff names", () => {
    expect(normalizeOri("NC09200")).toBe("NC0920000");
    expect(normalizeOri("la05500")).toBe("LA0550000");
    expect(normalizeOri("AL0310000")).toBe("AL0310000");
    expect(normalizeOri("x")).toBeNull();
    expect(asSheriffOffice("Pinal County")).toBe("Pinal County Sheriff's Office");
    expect(asSheriffOffice("Holmes County Sheriiff")).toBe("Holmes County Sheriff's Office");
    expect(asSheriffOffice("Baker County Sheriffs's Office")).toBe("Baker County Sheriff's Office");
    expect(asSheriffOffice("Terrebonne Parish")).toBe("Terrebonne Parish Sheriff's Office");
    expect(asSheriffOffice("Los Angeles County Sheriff's Department")).toBeNull();
    expect(asSheriffOffice("Osceola County Corrections Dept.")).toBeNull();
  });
});

describe("linking historical agencies (hand-made cases)", () => {
  const ledger: LedgerAgencyRef[] = [
    {
      agency_id: "az-pinal-cso",
      state: "AZ",
      name: "Pinal County Sheriff's Office",
      keys: [],
      type: "sheriff",
      county_fips: "04021",
      ori: null,
    },
    { agency_id: "az-dps", state: "AZ", name: "Arizona Department of Public Safety", keys: [], type: "state_agency" },
    { agency_id: "tx-a", state: "TX", name: "Twin Police Department", keys: ["twin police department"] },
    { agency_id: "tx-b", state: "TX", name: "Twin PD", keys: ["twin police department"] },
    {
      agency_id: "fl-x-so",
      state: "FL",
      name: "X County Sheriff's Office",
      keys: [],
      type: "sheriff",
      county_fips: "12001",
      ori: "FL0010000",
    },
    {
      agency_id: "fl-y-so",
      state: "FL",
      name: "Y County Sheriff's Office",
      keys: [],
      type: "sheriff",
      county_fips: "12003",
      ori: "FL0030000",
    },
  ];
  const h = (over: Partial<HistoricalAgency>): HistoricalAgency => ({
    id: "t#1",
    source: "wapo",
    roster: "wapo-2005-2019",
    as_of: "2019",
    state: "AZ",
    name: "",
    ori: null,
    fips: null,
    sheriff: false,
    ...over,
  });

  it("links by key, by the sheriff reading, by ORI and by county FIPS; refuses the unsure", () => {
    const cases = [
      h({ id: "key", source: "ice_list", name: "AZ Department of Public Safety" }),
      h({ id: "bare", name: "Pinal County", sheriff: true }),
      h({ id: "bare-ice", source: "ice_list", name: "Pinal County" }),
      h({ id: "other-state", state: "NM", name: "Pinal County Sheriff's Office" }),
      h({ id: "twins", state: "TX", name: "Twin Police Department" }),
      h({ id: "ori", state: "FL", name: "X Sheriff", ori: "FL0010000" }),
      h({ id: "fips", state: "FL", name: "Y County Sherrif Dept", fips: "12003", sheriff: true }),
      h({ id: "fips-not-sheriff", state: "FL", name: "Y City Police", fips: "12003", sheriff: false }),
      h({ id: "conflict", state: "FL", name: "X County Sheriff's Office", ori: "FL0030000" }),
      // A FIPS or ORI from another state is a slip in the sheet, not a veto.
      h({ id: "slip", state: "FL", name: "X County Sheriff's Office", fips: "48273", ori: "TX1370000", sheriff: true }),
    ];
    const l = linkHistory(ledger, cases);
    const by = Object.fromEntries(l.links.map((x) => [x.historical.id, x]));
    expect(by.key).toMatchObject({ agency_id: "az-dps", method: "key" });
    expect(by.bare).toMatchObject({ agency_id: "az-pinal-cso", method: "key_as_sheriff" });
    expect(by["bare-ice"]?.agency_id).toBeNull();
    expect(by["other-state"]?.agency_id).toBeNull();
    expect(by.twins).toMatchObject({ agency_id: null, candidates: ["tx-a", "tx-b"] });
    expect(by.twins?.reason).toMatch(/several ledger agencies/);
    expect(by.ori).toMatchObject({ agency_id: "fl-x-so", method: "ori" });
    expect(by.fips).toMatchObject({ agency_id: "fl-y-so", method: "fips_sheriff" });
    expect(by["fips-not-sheriff"]?.agency_id).toBeNull();
    expect(by.conflict).toMatchObject({ agency_id: null, candidates: ["fl-x-so", "fl-y-so"] });
    expect(by.conflict?.reason).toMatch(/rules disagree/);
    expect(by.slip).toMatchObject({ agency_id: "fl-x-so", method: "key", reason: "key" });
    expect([l.linked, l.unlinked]).toEqual([5, 5]);
    expect(l.byMethod).toEqual({ ori: 1, key: 2, key_as_sheriff: 1, fips_sheriff: 1 });
    expect(l.bySource).toEqual({
      ice_list: { linked: 1, unlinked: 1 },
      oig: { linked: 0, unlinked: 0 },
      wapo: { linked: 4, unlinked: 4 },
    });
  });
});

describe("history on the real ledger", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openArchive();
  });
  afterAll(async () => {
    await store.close();
  });

  it("counts active agreements from the replayed periods", async () => {
    expect(await activeOn(store.db, "2021-01-13")).toEqual({ agreements: 150, agencies: 147 });
    expect((await activeOn(store.db, "2024-12-01")).agreements).toBe(135);
    expect((await activeOn(store.db, "2026-03-27")).agreements).toBe(1560);
    expect(await activeOn(store.db, "2020-12-31")).toEqual({ agreements: 0, agencies: 0 });
  });

  it("reports every year from 2005 to today, each figure naming its source", async () => {
    const r = await historyReport(store.db, "2026-11-27");
    expect(r.years.map((y) => y.year)).toEqual([...Array(22).keys()].map((i) => 2005 + i));
    expect(r.ledger).toEqual({ first_list: "2021-01-13", latest_list: "2026-05-01" });
    for (const y of r.years)
      for (const f of y.figures) {
        expect(f.source.length).toBeGreaterThan(5);
        expect(f.source_url).toMatch(/^https:/);
        if (f.confidence !== "high") expect(f.caveat).toBeTruthy();
      }
    const year = (n: number) => r.years.find((y) => y.year === n)?.figures ?? [];
    expect(year(2020)).toEqual([]);
    expect(year(2016).find((f) => f.layer === "historical" && f.date === "2016")?.value).toBe(38);
    expect(year(2019).map((f) => [f.date, f.value])).toEqual([["2019", 128]]);
    expect(year(2007).map((f) => [f.date, f.value])).toEqual([
      ["2007", 32],
      ["2007-09-01", 29],
      ["2007-09-19", 28],
    ]);
    expect(year(2009).find((f) => f.date === "2009-10-28")?.measure).toMatch(/61 signed, 6 pending/);
    const ledger = r.years.flatMap((y) => y.figures.filter((f) => f.layer === "ledger"));
    expect(ledger.map((f) => f.date)).toEqual([
      "2021-01-20",
      "2021-12-31",
      "2022-01-20",
      "2022-12-31",
      "2023-01-20",
      "2023-12-31",
      "2024-01-20",
      "2024-12-31",
      "2025-01-20",
      "2025-12-31",
      "2026-01-20",
      "2026-05-01",
    ]);
    expect(ledger.at(-1)).toMatchObject({ value: 1779, measure: expect.stringMatching(/latest list/) });
    expect(ledger.find((f) => f.date === "2025-01-20")?.value).toBe(135);
    expect(year(2005)[0]?.licence).toContain("CC BY-NC-SA 4.0");
  });

  it("links historical agencies to ledger agencies where the match is sure", async () => {
    const refs = await ledgerAgencyRefs(store.db);
    // Name keys alone (the ledger's ORIs and county FIPS set aside): measured on the real ledger.
    const byName = linkHistory(refs.map((a) => ({ ...a, ori: null, county_fips: null })));
    expect([byName.linked, byName.unlinked]).toEqual([215, 121]);
    expect(byName.bySource).toEqual({
      ice_list: { linked: 29, unlinked: 40 },
      oig: { linked: 30, unlinked: 37 },
      wapo: { linked: 156, unlinked: 44 },
    });
    expect(byName.byMethod).toEqual({ ori: 0, key: 184, key_as_sheriff: 31, fips_sheriff: 0 });
    const link = (id: string) => byName.links.find((l) => l.historical.id === id);
    expect(link("ice-list-2007-09-19#12")).toMatchObject({ agency_id: "fl-department-of-law-enforcement" });
    expect(link("ice-list-2007-09-19#2")).toMatchObject({ agency_id: null }); // AZ DPS: not in the ledger
    expect(link("wapo#4")).toMatchObject({ agency_id: "az-pinal-county-sheriffs-office", method: "key_as_sheriff" });
    // With the ledger's own ORIs and county FIPS (from the geography layer): the sheet's ORIs
    // confirm most links and add De Soto; two rows become unsure (Collier's FIPS in the sheet is
    // Columbia's; Okmulgee's ORI is the sheriff's, its name the jail authority's).
    const full = await historyLinks(store.db);
    expect(full.links).toHaveLength(336);
    expect([full.linked, full.unlinked]).toEqual([216, 120]);
    expect(full.bySource.wapo).toEqual({ linked: 157, unlinked: 43 });
    expect(full.links.filter((l) => /rules disagree/.test(l.reason)).map((l) => l.historical.name)).toEqual([
      "Collier County Sheriff's Office",
      "Okmulgee County Criminal Justice Authority",
    ]);
    for (const l of full.links) {
      const before = byName.links.find((b) => b.historical.id === l.historical.id);
      if (before?.agency_id && l.agency_id) expect(l.agency_id).toBe(before.agency_id);
      if (before?.agency_id && !l.agency_id) expect(l.reason).toMatch(/rules disagree/);
    }
  });

  it("g287 history prints sources and caveats; --json and --agencies give the same with links", () => {
    const t = cli(["--db", archiveDbPath(), "history"]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toContain("Washington Post sheriff list");
    expect(t.stdout).toContain("CC BY-NC-SA 4.0");
    expect(t.stdout).toContain("low confidence: ICE's fact-sheet figure counts list rows or MOA links");
    expect(t.stdout).toMatch(/first 287\(g\) agreement: Florida Department of Law Enforcement/);
    const j = JSON.parse(cli(["--db", archiveDbPath(), "--json", "history"]).stdout);
    expect(j.years).toHaveLength(j.to - 2005 + 1);
    expect(j.links.linked + j.links.unlinked).toBe(336);
    const a = JSON.parse(cli(["--db", archiveDbPath(), "--json", "history", "--agencies", "--source", "oig"]).stdout);
    expect(a.count).toBe(67);
    expect(a.rows[0]).toMatchObject({ id: "oig-2009-10-28#1", reason: expect.any(String) });
    expect(cli(["--db", archiveDbPath(), "history", "--source", "oig"]).status).toBe(2);
  });
});
