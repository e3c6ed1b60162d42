// Agency types: the rule table on hand-made names, the curated overrides, and the counts on the
// real ledger (every agency typed; the ones left as "other" listed).
import { describe, expect, it } from "vitest";
import { agencyKey } from "../src/normalize/agency-key.js";
import { classifyAgency, classifyKey, typeOverride, typeOverrides } from "../src/normalize/agency-type.js";
import { archiveDbPath, cli, openArchive } from "./helpers.js";

describe("type rules", () => {
  it.each([
    ["Harris County Sheriff's Office", "county", "sheriff"],
    ["Lake Co. SO", "county", "sheriff"],
    ["Tampa PD", "municipal", "police"],
    ["City of Miami Police Department", "municipal", "police"],
    ["Daytona Beach Shores Public Safety", "municipal", "police"],
    ["Indian Creek Village Department of Public Safety", "municipal", "police"],
    ["Fort Smith Marshal's Office", "municipal", "police"],
    ["Harris County Constable Precinct 4", "county", "constable"],
    ["Pasco County Jail", "county", "corrections"],
    ["Cambria County Prison", "county", "corrections"],
    ["Kentucky Bullitt County Detention Center", "county", "corrections"],
    ["Rappahannock, Shenandoah, Warren Regional Jail Authority", "county", "jail_authority"],
    ["Southwest Virginia Regional Jail Authority", "county", "jail_authority"],
    ["Albemarle District Jail", "county", "jail_authority"],
    ["University of Florida Police Department", "municipal", "campus"],
    ["Florida A&M University Board of Trustees", "municipal", "campus"],
    ["Caney Valley Public Schools Police Department", "municipal", "campus"],
    ["University of West Florida Police Department", "state", "campus"],
    // Towns named for a college are towns.
    ["College Park Police Department", "municipal", "police"],
    ["University Park Police Department", "municipal", "police"],
    ["Florida Highway Patrol", "state", "state_agency"],
    ["Texas Department of Public Safety", "state", "state_agency"],
    ["Florida Department of Corrections", "state", "state_agency"],
    ["Florida Fish & Wildlife Conservation Commission", "state", "state_agency"],
    ["Pinal County Attorney's Office", "county", "other"],
    ["COMET Drug Task Force", "municipal", "other"],
  ] as const)("%s (%s) → %s", (name, jurisdiction, type) => {
    expect(classifyAgency(name, jurisdiction)).toBe(type);
  });
});

describe("curated overrides", () => {
  it("override the rules for the listed agency, in its state", () => {
    // ICE types the Wicomico County jail "State".
    expect(classifyKey(agencyKey("Wicomico County Corrections Center"), "state")).toBe("state_agency");
    expect(classifyAgency("Wicomico County Corrections Center", "state")).toBe("corrections");
    expect(classifyAgency("Wicomico County Corrections Center", "state", "MD")).toBe("corrections");
    expect(classifyAgency("Wicomico County Corrections Center", "state", "DE")).toBe("state_agency");
    expect(classifyAgency("Okmulgee County Criminal Justice Authority", "county", "OK")).toBe("jail_authority");
    expect(typeOverride("Center Line Division of Public Safety & Security", "MI")?.type).toBe("police");
  });

  it("each name one agency in the real ledger, so the ledger may look them up by name alone", async () => {
    const store = await openArchive();
    try {
      const rows = await store.db.selectFrom("agency").select(["agency_id", "state", "name", "type"]).execute();
      for (const o of typeOverrides().rows) {
        const key = agencyKey(o.agency);
        const hits = rows.filter((r) => agencyKey(r.name) === key);
        expect(
          hits.map((h) => h.state),
          o.agency,
        ).toEqual([o.state]);
        expect(hits[0]?.type, o.agency).toBe(o.type);
      }
    } finally {
      await store.close();
    }
  });
});

describe("the real ledger", () => {
  it("types every agency, with the counts pinned", async () => {
    const store = await openArchive();
    try {
      const rows = await store.db.selectFrom("agency").select(["agency_id", "state", "type"]).execute();
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.type] = (counts[r.type] ?? 0) + 1;
      expect(counts).toEqual({
        sheriff: 798,
        police: 595,
        state_agency: 75,
        corrections: 17,
        jail_authority: 4,
        campus: 19,
        constable: 58,
        other: 16,
      });
      // An article (February 2026) counts "two jail authorities" signing in Virginia in 2025.
      const va = rows.filter((r) => r.state === "VA" && r.type === "jail_authority").map((r) => r.agency_id);
      expect(va.sort()).toEqual([
        "va-rappahannok-shenandoah-warren-regional-jail-authority",
        "va-southwest-virginia-regional-jail-authority",
      ]);
      const signed = await store.db
        .selectFrom("agreement")
        .select(["agency_id", "signed_on"])
        .where("agency_id", "in", va)
        .execute();
      expect(signed.map((s) => s.signed_on?.slice(0, 4))).toEqual(["2025", "2025"]);
    } finally {
      await store.close();
    }
  });

  it("`g287 types` counts them and `--type other` lists the ones left as other", () => {
    const db = archiveDbPath();
    const all = cli(["--db", db, "--json", "types"]);
    expect(all.status, all.stderr).toBe(0);
    const j = JSON.parse(all.stdout);
    expect(j.total).toBe(1582);
    expect(j.rows.find((r: { type: string }) => r.type === "other")).toMatchObject({ agencies: 16, curated: 2 });
    const other = cli(["--db", db, "--json", "types", "--type", "other"]);
    const list = JSON.parse(other.stdout).rows as { agency_id: string; override: string | null }[];
    expect(list).toHaveLength(16);
    expect(list.map((r) => r.agency_id)).toContain("mo-comet-drug-task-force");
    expect(list.find((r) => r.agency_id === "ar-16th-judicial-distric-drug-task-force")?.override).toContain("16th");
    const bad = cli(["--db", db, "types", "--type", "prison"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--type");
  });
});
