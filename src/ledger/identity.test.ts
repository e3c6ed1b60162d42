// The identity tiers on hand-made names: the pure rules of identity.ts, then each tier as a replay
// of two small lists resolves it (alias and exact key, loose key, typo, relabel, new).
import { describe, expect, it } from "vitest";
import { list, many, type R } from "../../test/fixtures.js";
import {
  looseKey,
  matchRelabels,
  matchTypo,
  moaFile,
  type RowGroup,
  sameCounty,
  type VanishedAgency,
} from "./identity.js";
import { Ledger } from "./ledger.js";
import { DEFAULT_CONFIG, type Listing } from "./types.js";

const vanished = (agencyId: string, keys: string[], terms: string[] = [], models = ["TFM"]): VanishedAgency => ({
  agencyId,
  state: "FL",
  keys,
  terms: new Set(terms),
  models: new Set(models),
});
const group = (key: string, rows = [0]): RowGroup => ({ state: "FL", key, rows });

describe("the pure rules", () => {
  it("folds the spellings of one body, and only those", () => {
    expect(looseKey("city of melbourne police department")).toBe("melbourne police department");
    expect(looseKey("waukesha county sheriffs department")).toBe("waukesha county sheriffs office");
    expect(looseKey("quarryville borough police department")).toBe("quarryville police department");
    expect(looseKey("sewickley township police department")).toBe("sewickley township police department");
  });

  it("finds the county two bodies share, and the file name of an MOA", () => {
    expect(sameCounty("franklin county sheriffs office", "county of franklin franklin county jail")).toBe("franklin");
    expect(sameCounty("gulf county bocc", "bay county sheriffs office")).toBeNull();
    expect(moaFile("https://www.ice.gov/doc/287g/Gulf-County.PDF?x=1")).toBe("gulf-county.pdf");
    expect(moaFile("https://www.ice.gov/page")).toBeNull();
  });

  it("typo: a unique close name in the state with a shared model wins; a tie goes to review", () => {
    const g = group("ocala police departent");
    const one = matchTypo(g, new Set(["TFM"]), [vanished("fl-a", ["ocala police department"])], DEFAULT_CONFIG);
    expect(one.match).toEqual({ agencyId: "fl-a", tier: "typo", note: "edit distance 1" });
    const other = vanished("fl-b", ["ocala police departmnt"]);
    const tie = matchTypo(g, new Set(["TFM"]), [vanished("fl-a", ["ocala police department"]), other], DEFAULT_CONFIG);
    expect(tie).toMatchObject({ match: null, nearMiss: { reason: "ambiguous_typo", agencyId: "fl-a" } });
    const jem = matchTypo(g, new Set(["JEM"]), [vanished("fl-a", ["ocala police department"])], DEFAULT_CONFIG);
    expect(jem).toEqual({ match: null, nearMiss: null });
  });

  it("typo: never across the digits of a name, and a refusal is recorded as such", () => {
    const g = group("precinct 1 constable");
    expect(matchTypo(g, new Set(["TFM"]), [vanished("fl-p2", ["precinct 2 constable"])], DEFAULT_CONFIG).match).toBe(
      null,
    );
    const refused = matchTypo(
      group("ocala police departent"),
      new Set(["TFM"]),
      [vanished("fl-a", ["ocala police department"])],
      DEFAULT_CONFIG,
      () => "two real places",
    );
    expect(refused.nearMiss).toMatchObject({ reason: "refused_typo", why: "two real places" });
  });

  it("relabel: the only vanished agency with the same terms and a shared word is taken", () => {
    const rows = list("2025-05-01", [{ st: "FL", name: "Marion County Jail", signed: "2025-02-01" }]).rows;
    const g = group("marion county jail");
    const v = vanished("fl-marion-sheriff", ["marion county sheriffs office"], ["TFM|2025-02-01"]);
    const { matches, ambiguous } = matchRelabels([g], rows, [v]);
    expect(matches.get(g)).toMatchObject({ agencyId: "fl-marion-sheriff", tier: "relabel" });
    expect(ambiguous).toEqual([]);
    // No word in common: kept apart, sent to review.
    const far = vanished("fl-fwc", ["fish and wildlife commission"], ["TFM|2025-02-01"]);
    const r = matchRelabels([g], rows, [far]);
    expect(r.matches.size).toBe(0);
    expect(r.ambiguous).toMatchObject([{ reason: "ambiguous_relabel", agencyId: "fl-fwc" }]);
  });
});

describe("the tiers in a replay", () => {
  const town: R[] = many("TX", 8);
  const tiers = (rows: R[], next: R[]) => {
    const l = new Ledger();
    l.apply(list("2025-05-01", [...town, ...rows]));
    const out = l.apply(list("2025-05-02", [...town, ...next]));
    const byRow = (n: number) => out.listings.find((x: Listing) => x.row === n + town.length + 2);
    return { l, out, byRow };
  };

  it("an exact key is the same agency; the loose key folds `City of`", () => {
    const { byRow } = tiers(
      [{ st: "FL", name: "Ocala Police Department" }],
      [{ st: "FL", name: "City of Ocala Police Department" }],
    );
    expect(byRow(0)).toMatchObject({ agencyId: "fl-ocala-police-department", tier: "relabel" });
    const same = tiers(
      [{ st: "FL", name: "Ocala Police Department" }],
      [{ st: "FL", name: "Ocala Police Department" }],
    );
    expect(same.byRow(0)).toMatchObject({ agencyId: "fl-ocala-police-department", tier: "exact" });
  });

  it("a misspelling of a vanished agency is the typo tier; a new name is a new agency", () => {
    const { byRow, l } = tiers(
      [{ st: "FL", name: "Ocala Police Department" }],
      [
        { st: "FL", name: "Ocala Polce Department" },
        { st: "GA", name: "Macon Police Department" },
      ],
    );
    expect(byRow(0)).toMatchObject({ agencyId: "fl-ocala-police-department", tier: "typo" });
    expect(byRow(1)).toMatchObject({ agencyId: "ga-macon-police-department", tier: "new" });
    expect(l.result().agencies.find((a) => a.agencyId === "fl-ocala-police-department")?.keys).toEqual([
      "ocala police department",
      "ocala polce department",
    ]);
  });

  it("a new name with the vanished agency's model and signed date is the relabel tier", () => {
    const { byRow } = tiers(
      [{ st: "FL", name: "Marion County Sheriff's Office", signed: "2025-02-01" }],
      [{ st: "FL", name: "Marion County Jail", signed: "2025-02-01" }],
    );
    expect(byRow(0)).toMatchObject({ agencyId: "fl-marion-county-sheriffs-office", tier: "relabel" });
  });
});
