// "Listed" means listed: on every applied list date, the roster equals the distinct agreements of
// the list in force that day, counted from its rows. And the identity errors found by hand in the
// real lists stay fixed: one agreement each, the right tier, no removal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../src/analysis/queries.js";
import type { Store } from "../src/store/db.js";
import { openArchive } from "./helpers.js";

let store: Store;
beforeAll(async () => {
  store = await openArchive();
});
afterAll(async () => store?.close());

interface ListingRow {
  row: number;
  state: string | null;
  agency: string;
  agency_key: string;
  model: string | null;
  signed_on: string | null;
  tier: string;
  note: string | null;
  agency_id: string | null;
  agreement_id: string | null;
}

async function rowsOf(snapshotId: string): Promise<ListingRow[]> {
  return (await store.db
    .selectFrom("listing")
    .select(["row", "state", "agency", "agency_key", "model", "signed_on", "tier", "note", "agency_id", "agreement_id"])
    .where("snapshot_id", "=", snapshotId)
    .execute()) as ListingRow[];
}

/** The participating list in force at the end of each day that had one: the day's last sighting. */
async function listsInForce() {
  const obs = await store.db
    .selectFrom("observation")
    .select(["obs_id", "snapshot_id", "date", "status", "original_filename", "order_key"])
    .where("kind", "=", "participating")
    .orderBy("order_key")
    .execute();
  const last = new Map<string, (typeof obs)[number]>();
  for (const o of obs) last.set(o.date, o);
  return [...last.values()];
}

describe("the roster on a date is the list in force that day", () => {
  it("equals the distinct agreements of every applied list, counted from its rows", async () => {
    const days = await listsInForce();
    const quarantined = days.filter((d) => d.status === "quarantined").map((d) => `${d.date} ${d.original_filename}`);
    // The only exceptions are days whose last list was quarantined (not applied), each named here.
    expect(quarantined).toEqual(["2025-04-21 participatingAgencies04212025am.xlsx"]);
    const mismatches: string[] = [];
    let checked = 0;
    for (const d of days) {
      if (d.status !== "applied") continue;
      const rows = (await rowsOf(d.snapshot_id)).filter((r) => r.state && r.model && r.tier !== "unresolved");
      // Straight from the rows: one agreement per state, agency key, model and signed date…
      const distinct = new Set(rows.map((r) => `${r.state}|${r.agency_key}|${r.model}|${r.signed_on}`));
      // …less the rows that repeat another row of the same list under another spelling. Each
      // such row is checked here against its partner: same state, model and signed date.
      const byRow = new Map(rows.map((r) => [r.row, r]));
      let repeats = 0;
      for (const r of rows) {
        if (r.tier !== "duplicate") continue;
        const partnerRow = Number(/row (\d+)/.exec(r.note ?? "")?.[1]);
        const p = byRow.get(partnerRow);
        expect(p, `${d.date} row ${r.row} names its partner`).toBeDefined();
        if (!p) continue;
        expect([p.state, p.model, p.signed_on]).toEqual([r.state, r.model, r.signed_on]);
        if (p.agency_key !== r.agency_key || p.signed_on !== r.signed_on) repeats++;
      }
      const expected = distinct.size - repeats;
      const got = (await roster(store.db, { asOf: d.date })).length;
      checked++;
      if (got !== expected) mismatches.push(`${d.date}: roster ${got}, list ${expected} (${d.original_filename})`);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(350);
  });

  it("shows agreements missing from the list but not yet confirmed as removed apart, never as listed", async () => {
    const latest = (await listsInForce()).filter((d) => d.status === "applied").pop();
    expect(latest).toBeDefined();
    const asOf = latest?.date as string;
    const listed = await roster(store.db, { asOf });
    const withMissing = await roster(store.db, { asOf, includeUnconfirmed: true });
    const unconfirmed = withMissing.filter((r) => r.listing_state === "unconfirmed");
    const pending = await store.db
      .selectFrom("agreement")
      .select("agreement_id")
      .where("status", "=", "pending_removal")
      .execute();
    expect(unconfirmed.map((r) => r.agreement_id).sort()).toEqual(pending.map((r) => r.agreement_id).sort());
    expect(withMissing.length).toBe(listed.length + unconfirmed.length);
    expect(listed.every((r) => r.listing_state === "listed")).toBe(true);
    const onList = new Set(listed.map((r) => r.agreement_id));
    for (const r of unconfirmed) expect(onList.has(r.agreement_id)).toBe(false);
  });

  it("counts a gap's missing days as unconfirmed on those days, not as listed", async () => {
    const gap = await store.db
      .selectFrom("event")
      .select(["agreement_id", "detail", "date"])
      .where("type", "=", "gap")
      .orderBy("seq")
      .executeTakeFirst();
    expect(gap).toBeDefined();
    const missingFrom = JSON.parse(gap?.detail ?? "{}").missing_from as string;
    const onDay = (await roster(store.db, { asOf: missingFrom, includeUnconfirmed: true })).find(
      (r) => r.agreement_id === gap?.agreement_id,
    );
    expect(onDay?.listing_state).toBe("unconfirmed");
    const back = (await roster(store.db, { asOf: gap?.date as string })).find(
      (r) => r.agreement_id === gap?.agreement_id,
    );
    expect(back?.listing_state).toBe("listed");
  });
});

async function agreementsOf(agencyLike: string) {
  return store.db
    .selectFrom("agreement as g")
    .innerJoin("agency as a", "a.agency_id", "g.agency_id")
    .select(["g.agreement_id", "g.agency_id", "g.model", "g.signed_on", "g.status", "a.state", "a.name"])
    .where("g.agency_id", "like", agencyLike)
    .execute();
}

async function tiersOf(agency: string, state: string) {
  const rows = await store.db
    .selectFrom("listing")
    .select(["tier", "agency_id", "agreement_id"])
    .where("agency", "=", agency)
    .where("state", "=", state)
    .execute();
  return rows;
}

async function removals(agreementId: string) {
  return store.db
    .selectFrom("event")
    .select("type")
    .where("agreement_id", "=", agreementId)
    .where("type", "in", ["removed", "superseded"])
    .execute();
}

describe("identity errors found by hand stay fixed", () => {
  it.each([
    ["City of Melbourne Police Department", "Melbourne Police Department", "FL", "TFM", "2025-04-14"],
    ["City of Zephyrhills Police Department", "Zephyrhills Police Department", "FL", "TFM", "2025-04-14"],
    ["Alachua Police Departent", "Alachua Police Department", "FL", "TFM", "2025-07-02"],
    ["Waukesha County Sheriff's Department", "Waukesha County Sheriff's Office", "WI", "JEM", "2020-06-10"],
  ])("%s and %s are one agency with one agreement and no removal", async (a, b, state, model, signed) => {
    const [ta, tb] = await Promise.all([tiersOf(a, state), tiersOf(b, state)]);
    expect(ta.length).toBeGreaterThan(0);
    expect(tb.length).toBeGreaterThan(0);
    const agencies = new Set([...ta, ...tb].map((r) => r.agency_id));
    expect([...agencies]).toHaveLength(1);
    const ids = new Set([...ta, ...tb].map((r) => r.agreement_id).filter((x): x is string => !!x));
    const same = [...ids].filter((id) => id.includes(`/${model.toLowerCase()}/`));
    expect(same).toHaveLength(1);
    const agr = await store.db
      .selectFrom("agreement")
      .selectAll()
      .where("agreement_id", "=", same[0] as string)
      .executeTakeFirstOrThrow();
    expect(agr.signed_on).toBe(signed);
    expect(agr.status).toBe("active");
    expect(await removals(agr.agreement_id)).toEqual([]);
    // The rule that joined them is recorded on the rows of the later spelling.
    const joined = [...ta, ...tb].map((r) => r.tier);
    expect(joined.some((t) => t === "relabel" || t === "typo")).toBe(true);
  });

  it.each([
    // 2025-06-12: `Zephyrhills Police Department` beside `City of Zephyrhills Police Department`.
    ["Zephyrhills Police Department", "FL", "fl-zephyrhills-police-department/tfm/2025-04-14"],
    // 2025-08-04: the same row twice under one spelling made a second agreement ("-2").
    ["West York Borough Police Department", "PA", "pa-west-york-borough-police-department/tfm/2025-08-04"],
  ])(
    "lists %s, a second spelling of one agreement on one list, once as a logged duplicate",
    async (name, state, id) => {
      const rows = (await tiersOf(name, state)).filter((r) => r.agreement_id);
      const dups = rows.filter((r) => r.tier === "duplicate");
      expect(dups.length).toBeGreaterThan(0);
      expect(new Set(dups.map((r) => r.agreement_id))).toEqual(new Set([id]));
      expect(await removals(id)).toEqual([]);
      // No second agreement was made for the repeated row.
      const ids = new Set(rows.map((r) => r.agreement_id));
      expect(ids).toEqual(new Set([id]));
    },
  );

  it("reads a row under a name known only from the pending list as the agreement it relabels", async () => {
    // 2025-08-08: `Arkansas State Police` (a pending-list name) for `Arkansas State Police
    // Department`, TFM signed 2025-07-07, with the same MOA file; the Department row was back the
    // next day. Before, this made a second agreement that was then removed.
    const rows = (await tiersOf("Arkansas State Police", "AR")).filter((r) => r.agreement_id);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.agreement_id))).toEqual(new Set(["ar-state-police-department/tfm/2025-07-07"]));
    expect(rows.some((r) => r.tier === "relabel")).toBe(true);
    expect(await agreementsOf("ar-state-police")).toEqual([]);
    expect(await removals("ar-state-police-department/tfm/2025-07-07")).toEqual([]);
  });

  it("keeps one agreement when ICE moves it to another body of the county with the same MOA file", async () => {
    // Franklin County, PA: the WSO of 2025-03-07 (FranklinCountyJailPA_WSO_MOA_030725.pdf) moved
    // from the Sheriff's Office to "County of Franklin / Franklin County Jail" on 2025-08-11.
    const rows = await tiersOf("County of Franklin / Franklin County Jail", "PA");
    expect(rows.some((r) => r.tier === "holder_change")).toBe(true);
    const ids = new Set(rows.map((r) => r.agreement_id));
    expect([...ids]).toEqual(["pa-franklin-county-sheriffs-office/wso/2025-03-07"]);
    const agr = await store.db
      .selectFrom("agreement")
      .selectAll()
      .where("agreement_id", "=", "pa-franklin-county-sheriffs-office/wso/2025-03-07")
      .executeTakeFirstOrThrow();
    expect(agr.agency_id).toBe("pa-county-of-franklin-franklin-county-jail");
    expect(agr.first_listed).toBe("2025-03-17");
    expect(await removals(agr.agreement_id)).toEqual([]);
    const moved = await store.db
      .selectFrom("event")
      .select(["date", "detail"])
      .where("type", "=", "holder_changed")
      .where("agreement_id", "=", agr.agreement_id)
      .execute();
    expect(moved.map((m) => m.date)).toEqual(["2025-08-11"]);
    expect(JSON.parse(moved[0]?.detail ?? "{}").evidence).toMatch(
      /same MOA file franklincountyjailpa_wso_moa_030725\.pdf/,
    );
  });

  it("counts Crow Wing County Sheriff's Office, listed under Massachusetts, once in Minnesota", async () => {
    const ma = await agreementsOf("ma-crow-wing%");
    expect(ma).toEqual([]);
    const mn = await agreementsOf("mn-crow-wing-county-sheriffs-office");
    expect(mn.map((a) => a.model).sort()).toEqual(["TFM", "WSO"]);
    const fix = await store.db
      .selectFrom("correction")
      .select(["before", "after", "evidence"])
      .where("rule", "=", "wrong_state")
      .execute();
    expect(fix.length).toBeGreaterThan(0);
    expect(fix.every((f) => f.before === "MA" && f.after === "MN" && /Crow Wing/.test(f.evidence ?? ""))).toBe(true);
    // On a day it was listed under MA, Massachusetts has no Crow Wing agreement in the roster.
    const day = await roster(store.db, { asOf: "2025-04-01", state: "MA" });
    expect(day.some((r) => String(r.agency).includes("Crow Wing"))).toBe(false);
    const mnDay = await roster(store.db, { asOf: "2025-04-01", state: "MN" });
    expect(
      mnDay
        .filter((r) => String(r.agency).includes("Crow Wing"))
        .map((r) => r.model)
        .sort(),
    ).toEqual(["TFM", "WSO"]);
  });

  it("never fuses two real places: Kane and Cache counties, Utah, stay two agencies", async () => {
    const kane = await agreementsOf("ut-kane-county-sheriffs-office");
    const cache = await agreementsOf("ut-cache-county-sheriffs-office");
    expect(kane.length).toBeGreaterThan(0);
    expect(cache.length).toBeGreaterThan(0);
    const rows = await tiersOf("Kane County Sheriff's Office", "UT");
    expect(new Set(rows.map((r) => r.agency_id))).toEqual(new Set(["ut-kane-county-sheriffs-office"]));
    const refused = await store.db
      .selectFrom("review")
      .select(["reason", "detail"])
      .where("reason", "=", "refused_typo")
      .execute();
    const kc = refused.map((r) => JSON.parse(r.detail)).find((d) => d.name === "Kane County Sheriff's Office");
    expect(kc?.decision).toMatch(/both are real places of UT/);
  });

  it("leaves no review item without a recorded decision", async () => {
    const items = await store.db.selectFrom("review").select(["reason", "detail"]).execute();
    const open = items.map((r) => JSON.parse(r.detail)).filter((d) => !d.decision);
    expect(open).toEqual([]);
    expect(items.length).toBeGreaterThan(0);
  });
});
