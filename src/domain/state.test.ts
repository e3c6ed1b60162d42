import { describe, expect, it } from "vitest";
import { allStates, isTerritory, lookupState, stateByFips, stateByUsps } from "./state.js";

describe("states", () => {
  it("holds the 50 states, DC and five territories, each code once", () => {
    const all = allStates();
    expect(all.filter((s) => !s.territory)).toHaveLength(51);
    expect(all.filter((s) => s.territory).map((s) => s.usps)).toEqual(["AS", "GU", "MP", "PR", "VI"]);
    expect(new Set(all.map((s) => s.fips)).size).toBe(all.length);
  });

  it("finds a state by name in any case and spacing, by USPS code, or by FIPS", () => {
    expect(lookupState("  WESt VIRGINIA ")).toMatchObject({ state: { usps: "WV", fips: "54" }, rule: "exact" });
    expect(lookupState("tx")).toMatchObject({ state: { name: "Texas" }, rule: "usps" });
    expect(lookupState("PENNSLYVANIA")).toBeNull();
    expect(lookupState(12)).toBeNull();
    expect(stateByUsps("pr")?.name).toBe("Puerto Rico");
    expect(stateByFips("11")?.usps).toBe("DC");
  });

  it("counts DC with the states, not as a territory", () => {
    expect(isTerritory("DC")).toBe(false);
    expect(isTerritory("gu")).toBe(true);
  });
});
