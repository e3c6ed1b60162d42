// Normalization rules, each with the ICE spelling that motivated it.
import { describe, expect, it } from "vitest";
import { lookupState } from "../src/domain/state.js";
import { agencyKey, slug } from "../src/normalize/agency-key.js";
import { classifyAgency, parseJurisdiction } from "../src/normalize/agency-type.js";
import { loadCorrections } from "../src/normalize/corrections.js";
import { cleanCounty } from "../src/normalize/county.js";
import { excelSerialToIso, parseSignedDate } from "../src/normalize/dates.js";
import { parseModel } from "../src/normalize/model.js";
import { normalizeRows } from "../src/normalize/row.js";
import { editDistance, foldStateTypo } from "../src/normalize/state.js";
import { cleanUrl } from "../src/normalize/url.js";
import type { Sheet } from "../src/sheets/types.js";
import { openArchive } from "./helpers.js";

describe("states", () => {
  it("maps names, odd case, stray spaces, USPS codes and territories", () => {
    expect(lookupState("TEXAS ")?.state).toMatchObject({ usps: "TX", fips: "48" });
    expect(lookupState("UTAh")?.state.usps).toBe("UT");
    expect(lookupState("WESt VIRGINIA")?.state.usps).toBe("WV");
    expect(lookupState("GUAM")?.state).toMatchObject({ usps: "GU", fips: "66", territory: true });
    expect(lookupState("NORTHERN MARIANA ISLANDS")?.state.fips).toBe("69");
    expect(lookupState("tx")?.state.usps).toBe("TX");
    expect(lookupState("PENNSLYVANIA")).toBeNull();
    expect(lookupState("ATLANTIS")).toBeNull();
  });

  it("fixes the typos in the curated table, with evidence", () => {
    const fixes = loadCorrections();
    for (const [typo, usps] of [
      ["PENNSLYVANIA", "PA"],
      ["WEST VIRIGINIA", "WV"],
      ["WEST VIRIGINA", "WV"],
      ["UTAHJ", "UT"],
      ["MCHIGAN", "MI"],
    ]) {
      const fix = fixes.states.get((typo as string).replace(/[^A-Z]/g, ""));
      expect(fix?.value).toBe(usps);
      expect(fix?.evidence.length).toBeGreaterThan(10);
    }
  });
});

describe("models and agency types", () => {
  it("reads every spelling of the three models", () => {
    for (const [raw, m] of [
      ["Jail Enforcement Model", "JEM"],
      ["Jail Enforcment Model ", "JEM"],
      ["Task Force Model", "TFM"],
      ["Task Force Officer ", "TFM"],
      ["Warrant Service Officer", "WSO"],
      ["Warrant Services Officer", "WSO"],
      ["Warrant Service Office", "WSO"],
    ]) {
      expect(parseModel(raw)?.model).toBe(m);
    }
    expect(parseModel("Warrant Service Officer")?.rule).toBe("exact");
    expect(parseModel("Warrant Service Office")?.rule).toBe("variant");
    expect(parseModel("Border Patrol")).toBeNull();
  });

  it("reads the level of government and classifies the agency", () => {
    expect(parseJurisdiction("Muncipality ")).toBe("municipal");
    expect(parseJurisdiction("State")).toBe("state");
    expect(parseJurisdiction("#NA")).toBeNull();
    expect(classifyAgency("Harris County Sheriff's Office", "county")).toBe("sheriff");
    expect(classifyAgency("Tampa PD", "municipal")).toBe("police");
    expect(classifyAgency("Florida Highway Patrol", "state")).toBe("state_agency");
    expect(classifyAgency("University of West Florida Police Department", "state")).toBe("campus");
    expect(classifyAgency("Rappahannock, Shenandoah, Warren Regional Jail Authority", "county")).toBe("jail_authority");
    expect(classifyAgency("Harris County Constable Precinct 4", "county")).toBe("constable");
  });
});

describe("dates", () => {
  it("converts Excel serials in UTC, whatever the local time zone", () => {
    // The suite runs with TZ=America/Los_Angeles, where a local-time conversion gives the day before.
    expect(process.env.TZ).toBe("America/Los_Angeles");
    expect(excelSerialToIso(45833)).toBe("2025-06-25");
    expect(parseSignedDate(45714)).toEqual({ date: "2025-02-26", rule: "excel_serial", corrected: false });
  });

  it("flags and resolves ICE's typos by named rules", () => {
    expect(parseSignedDate("7/72025")).toEqual({ date: "2025-07-07", rule: "missing_slash", corrected: true });
    expect(parseSignedDate("05/082025")).toEqual({ date: "2025-05-08", rule: "missing_slash", corrected: true });
    expect(parseSignedDate("8/282025").date).toBe("2025-08-28");
    // 5025-07-07 as a serial (Grundy County, 2025-07-18 pm).
    const serial5025 = (Date.UTC(5025, 6, 7) - Date.UTC(1899, 11, 30)) / 86_400_000;
    expect(parseSignedDate(serial5025)).toEqual({ date: "2025-07-07", rule: "year_first_digit", corrected: true });
  });

  it("reads ISO and US text, and leaves the unreadable unknown", () => {
    expect(parseSignedDate("2020-06-09").date).toBe("2020-06-09");
    expect(parseSignedDate("6/9/2020").date).toBe("2020-06-09");
    expect(parseSignedDate("")).toEqual({ date: null, rule: null, corrected: false });
    const unparsed = { date: null, rule: "unparsed", corrected: false, flag: "signed_unparsed" };
    expect(parseSignedDate("sometime")).toEqual(unparsed);
    expect(parseSignedDate("2/30/2025")).toEqual(unparsed);
  });
});

describe("links", () => {
  it("unwraps SafeLinks and drops the data parameter that carries an e-mail address", () => {
    const wrapped =
      "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2FX_TFM_MOA.pdf&data=05%7C02%7Cjane.doe%40ice.dhs.gov%7Cabc&sdata=xyz&reserved=0";
    const r = cleanUrl(wrapped);
    expect(r.url).toBe("https://www.ice.gov/doclib/287gMOA/X_TFM_MOA.pdf");
    expect(r.url).not.toContain("ice.dhs.gov");
    expect(r.rules).toContain("unwrap_safelinks");
  });

  it("never keeps a SafeLinks wrapper, even one it cannot open", () => {
    expect(cleanUrl("https://gcc02.safelinks.protection.outlook.com?data=05%7Cjane.doe%40ice.dhs.gov")).toEqual({
      url: null,
      rules: ["safelinks_without_target"],
    });
    const [r] = normalizeRows(
      {
        format: "xlsx",
        sheetName: "Sheet1",
        sheetNames: ["Sheet1"],
        headerRow: 1,
        columns: ["state", "agency", "model", "moa"].map((f, index) => ({
          index,
          header: f,
          key: f,
          field: f as never,
          mappedBy: "header",
        })),
        rows: [
          {
            row: 2,
            cells: [
              { v: "TEXAS" },
              { v: "X Police Department" },
              { v: "Task Force Model" },
              {
                v: "link",
                link: "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2Fwww.ice.gov%2Fx.pdf&data=05%7Cjane.doe%40ice.dhs.gov",
              },
            ],
          },
        ],
        kind: "participating",
        notes: [],
      },
      loadCorrections(),
    );
    expect(r?.moaUrl).toBe("https://www.ice.gov/x.pdf");
    expect(r?.corrections.map((c) => c.rule)).toEqual(["unwrap_safelinks", "single_slash_scheme"]);
    expect(JSON.stringify(r)).not.toContain("jane.doe");
  });

  it("unwraps the chrome-extension viewer and mends single-slash schemes, http and spaces", () => {
    expect(
      cleanUrl(
        "chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf",
      ).url,
    ).toBe("https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf");
    expect(cleanUrl("https:/www.ice.gov/a.pdf").rules).toContain("single_slash_scheme");
    expect(cleanUrl("http://www.ice.gov/a.pdf").url).toBe("https://www.ice.gov/a.pdf");
    expect(cleanUrl("https://www.ice.gov/doclib/287gMOA/287gJEM_ etowahCoAL_06-09-2020.pdf").url).toBe(
      "https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf",
    );
    expect(cleanUrl("javascript:alert(1)").url).toBeNull();
    expect(cleanUrl("Cons").url).toBeNull();
  });
});

describe("agency keys and counties", () => {
  it("gives renamed spellings one key", () => {
    expect(agencyKey("Tampa Pd")).toBe(agencyKey("Tampa Police Department"));
    expect(agencyKey("Lake Co. SO")).toBe(agencyKey("Lake County Sheriff's Office"));
    expect(agencyKey("Goliad County Sheriff\u2019s Office")).toBe(agencyKey("Goliad County Sheriff's Office"));
    expect(agencyKey("Department of Corrections")).toBe(agencyKey("Alaska Department of Corrections"));
    expect(agencyKey("MT Dept of Justice")).toBe(agencyKey("Montana Department of Justice"));
    expect(agencyKey("Ft. Myers Police Department")).toBe(agencyKey("Fort Myers Police Department"));
  });

  it("keeps apart names that only share a state word", () => {
    expect(agencyKey("Virginia Beach Police Department")).not.toBe(agencyKey("Beach Police Department"));
    expect(agencyKey("Texas County Sheriff's Office")).toBe("texas county sheriffs office");
    expect(slug("Harris County Sheriff's Office")).toBe("harris-county-sheriffs-office");
  });

  it("cleans COUNTY placeholders and typos", () => {
    expect(cleanCounty("#N/A").county).toBeNull();
    expect(cleanCounty("N/A").county).toBeNull();
    expect(cleanCounty("Lake Conty")).toEqual({ county: "Lake County", corrected: true });
    expect(cleanCounty("Custer Countey")).toEqual({ county: "Custer County", corrected: true });
    expect(cleanCounty("Steuben COunty")).toEqual({ county: "Steuben County", corrected: true });
    expect(cleanCounty("Montgomery")).toEqual({ county: "Montgomery", corrected: false });
  });
});

/** A participating list of one row (state, agency, type, county, model, signed, moa). */
const sheet = (cells: Sheet["rows"][number]["cells"]): Sheet => ({
  format: "xlsx",
  sheetName: "Sheet1",
  sheetNames: ["Sheet1"],
  headerRow: 1,
  columns: ["state", "agency", "type", "county", "model", "signed", "moa"].map((f, index) => ({
    index,
    header: f.toUpperCase(),
    key: f.toUpperCase(),
    field: f as never,
    mappedBy: "header",
  })),
  rows: [{ row: 2, cells }],
  kind: "participating",
  notes: [],
});

describe("a row, end to end", () => {
  it("logs every correction with its rule, and applies the curated fixes", () => {
    const [r] = normalizeRows(
      sheet([
        { v: "PENNSLYVANIA" },
        { v: " Franklin County Sheriff\u2019s Office " },
        { v: "County " },
        { v: "#N/A" },
        { v: "Warrant Services Officer" },
        { v: "7/72025", z: "m/d/yy" },
        { v: "link", link: "https:/www.ice.gov/x.pdf" },
      ]),
      loadCorrections(),
    );
    expect(r).toMatchObject({
      state: "PA",
      stateFips: "42",
      agency: "Franklin County Sheriff\u2019s Office",
      county: null,
      model: "WSO",
      signedOn: "2025-07-07",
      moaUrl: "https://www.ice.gov/x.pdf",
      moaStatus: "posted",
      problems: [],
    });
    expect(r?.corrections.map((c) => c.rule).sort()).toEqual([
      "missing_slash",
      "model_spelling",
      "single_slash_scheme",
      "state_typo",
    ]);
    expect(r?.corrections.find((c) => c.rule === "state_typo")).toMatchObject({ before: "PENNSLYVANIA", after: "PA" });
  });

  it("reports what makes a row unusable", () => {
    const [r] = normalizeRows(
      sheet(
        [{ v: "ATLANTIS" }, { v: "" }, null, null, { v: "Border Patrol" }, null, { v: "link pending" }].map(
          (c) => c ?? { v: null },
        ),
      ),
      loadCorrections(),
    );
    expect(r?.problems).toEqual([
      'unknown state "ATLANTIS"',
      "LAW ENFORCEMENT AGENCY is blank",
      'unknown SUPPORT TYPE "Border Patrol"',
    ]);
    expect(r?.moaStatus).toBe("pending");
  });
});

describe("state-name typos: the general rule", () => {
  const fixes = loadCorrections();
  const one = (state: string) => {
    const cells = [state, "Belknap County Sheriff's Office", "County", "Belknap", "Task Force Model", 46000, null];
    return normalizeRows(sheet(cells.map((v) => ({ v }))), fixes)[0];
  };

  it("folds NEW HAMSPHIRE (a transposition) to NH, recorded as a state_typo correction", () => {
    const r = one("NEW HAMSPHIRE");
    expect(r?.state).toBe("NH");
    expect(r?.problems).toEqual([]);
    expect(r?.corrections.filter((c) => c.field === "state")).toEqual([
      {
        field: "state",
        rule: "state_typo",
        before: "NEW HAMSPHIRE",
        after: "NH",
        evidence:
          'general rule: "NEW HAMSPHIRE" is 1 edit from NEW HAMPSHIRE and more than 2 from every other state name',
      },
    ]);
  });

  it("folds misspellings of exactly one name, within two edits (one for short names)", () => {
    const cases: [string, string, number][] = [
      ["NEW HAMSPHIRE", "NH", 1],
      ["PENNSLYVANIA", "PA", 1],
      ["WEST VIRIGINA", "WV", 2],
      ["MCHIGAN", "MI", 1],
      ["UTAHJ", "UT", 1],
      ["KANSA", "KS", 1],
      ["ARKANSA", "AR", 1],
      ["NORTH DAKOTAA", "ND", 1],
      ["GAUM", "GU", 1],
      ["Geogria", "GA", 1],
    ];
    for (const [raw, usps, d] of cases) expect(foldStateTypo(raw), raw).toMatchObject({ state: { usps }, distance: d });
  });

  it("never folds a real name, a USPS code, a near miss of two names, or a short value two edits off", () => {
    // Real names, including pairs close to each other: KANSAS is 2 edits from ARKANSAS.
    for (const real of ["KANSAS", "ARKANSAS", "IOWA", "OHIO", "VIRGINIA", "WEST VIRGINIA", "GUAM", "NY", "tx"])
      expect(foldStateTypo(real), real).toBeNull();
    expect(editDistance("KANSAS", "ARKANSAS")).toBe(2);
    expect(editDistance("IOWA", "OHIO")).toBe(3);
    // Within two edits of two names: left alone.
    for (const ambiguous of ["RKANSAS", "NOUTH DAKOTA", "SORTH CAROLINA"]) expect(foldStateTypo(ambiguous)).toBeNull();
    // Short names take one edit only; three letters or fewer never fold.
    expect(foldStateTypo("IWOA")).toMatchObject({ state: { usps: "IA" } });
    expect(foldStateTypo("IXWX")).toBeNull();
    expect(foldStateTypo("OHI")).toBeNull();
    expect(foldStateTypo("ATLANTIS")).toBeNull();
    expect(one("ATLANTIS")?.problems).toEqual(['unknown state "ATLANTIS"']);
  });

  it("leaves every state value in the real lists as it was: curated fixes first, the same state either way", () => {
    // Each curated typo is also a near miss of its own state, so the general rule agrees with the table.
    for (const [key, fix] of fixes.states) {
      const f = foldStateTypo(key);
      if (f) expect(f.state.usps, key).toBe(fix.value);
    }
    const r = one("PENNSLYVANIA");
    expect(r?.corrections.find((c) => c.field === "state")?.evidence).toMatch(/all 68 Pennsylvania rows/);
  });

  it("replaying the real lists, every state typo is one of the curated table's and no row is left without a state", async () => {
    const store = await openArchive();
    try {
      const typos = await store.db
        .selectFrom("correction")
        .select(["before", "after", "evidence"])
        .where("field", "=", "state")
        .where("rule", "=", "state_typo")
        .distinct()
        .orderBy("before")
        .execute();
      expect(typos.map((t) => t.before)).toEqual([
        "MCHIGAN",
        "PENNSLYVANIA",
        "UTAHJ",
        "WEST VIRIGINA",
        "WEST VIRIGINIA",
      ]);
      for (const t of typos) {
        expect(t.evidence, t.before ?? "").not.toMatch(/^general rule/);
        // The general rule, had the table no row, would have said the same.
        expect(foldStateTypo(t.before)?.state.usps).toBe(t.after);
      }
      const unknown = await store.db
        .selectFrom("listing")
        .select(store.db.fn.countAll<number>().as("n"))
        .where("state", "is", null)
        .executeTakeFirstOrThrow();
      expect(Number(unknown.n)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
