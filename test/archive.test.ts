// Facts about the real lists, from the replay of ../shared/data/ice built once by global-setup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agencyDetail, roster } from "../src/analysis/queries.js";
import type { Store } from "../src/store/db.js";
import { eventsDated, openArchive } from "./helpers.js";

let store: Store;
beforeAll(async () => {
  store = await openArchive();
});
afterAll(async () => store.close());

const byModel = (rows: { model: unknown }[]) => {
  const m: Record<string, number> = {};
  for (const r of rows) m[r.model as string] = (m[r.model as string] ?? 0) + 1;
  return m;
};

describe("known counts", () => {
  it("150 agreements on 2021-01-13: 74 JEM, 76 WSO", async () => {
    const r = await roster(store.db, { asOf: "2021-01-13" });
    expect(r).toHaveLength(150);
    expect(byModel(r)).toEqual({ JEM: 74, WSO: 76 });
  });

  it("135 on 2024-12-01 with no TFM", async () => {
    const r = await roster(store.db, { asOf: "2024-12-01" });
    expect(r).toHaveLength(135);
    expect(byModel(r)).toEqual({ JEM: 60, WSO: 75 });
  });

  it("the first TFM agreements appear on 2025-02-19", async () => {
    const first = await store.db
      .selectFrom("agreement")
      .select(store.db.fn.min("first_listed").as("d"))
      .where("model", "=", "TFM")
      .executeTakeFirstOrThrow();
    expect(first.d).toBe("2025-02-19");
    expect((await roster(store.db, { asOf: "2025-02-18", model: "TFM" })).length).toBe(0);
    expect((await roster(store.db, { asOf: "2025-02-19", model: "TFM" })).length).toBeGreaterThan(0);
  });

  it("matches the counts the archive's README gives for later lists", async () => {
    // The README counts rows; the roster counts each agreement once (issue 9). The two differ only
    // on 2025-06-27, whose 737 rows carry Zephyrhills PD's TFM agreement twice (below).
    for (const [d, n] of [
      ["2025-02-21", 151],
      ["2025-06-27", 737 - 1],
      ["2025-12-30", 1274],
      ["2026-03-27", 1560],
      ["2026-04-01", 1604],
      ["2026-05-01", 1779],
    ] as const) {
      expect((await roster(store.db, { asOf: d })).length, d).toBe(n);
    }
  });

  it("counts once the agreement the 2025-06-27 list carries twice under two spellings", async () => {
    const rows = await store.db
      .selectFrom("listing")
      .innerJoin("observation", "observation.snapshot_id", "listing.snapshot_id")
      .select(["listing.row", "listing.agency", "listing.tier"])
      .distinct()
      .where("observation.date", "=", "2025-06-27")
      .where("observation.kind", "=", "participating")
      .where("listing.agreement_id", "=", "fl-zephyrhills-police-department/tfm/2025-04-14")
      .orderBy("listing.row")
      .execute();
    expect(rows).toEqual([
      { row: 67, agency: "City of Zephyrhills Police Department", tier: "exact" },
      { row: 325, agency: "Zephyrhills Police Department", tier: "duplicate" },
    ]);
    const dup = await store.db
      .selectFrom("listing")
      .innerJoin("observation", "observation.snapshot_id", "listing.snapshot_id")
      .select("listing.agreement_id")
      .distinct()
      .where("observation.date", "=", "2025-06-27")
      .where("observation.kind", "=", "participating")
      .where("listing.tier", "=", "duplicate")
      .execute();
    expect(dup.map((r) => r.agreement_id)).toEqual(["fl-zephyrhills-police-department/tfm/2025-04-14"]);
  });
});

describe("no phantom events", () => {
  it("classifies the swapped 2025-09-22 pm files by content, flags them, and keeps ICE's names", async () => {
    const obs = await store.db
      .selectFrom("observation")
      .select(["kind", "filename_kind", "original_filename", "status"])
      .where("date", "=", "2025-09-22")
      .where("slot", "=", "pm")
      .orderBy("original_filename")
      .execute();
    expect(obs).toEqual([
      {
        kind: "pending",
        filename_kind: "participating",
        original_filename: "participatingAgencies09222025pm.xlsx",
        status: "applied",
      },
      {
        kind: "participating",
        filename_kind: "pending",
        original_filename: "pendingAgencies09222025pm.xlsx",
        status: "applied",
      },
    ]);
    const flagged = await store.db
      .selectFrom("event")
      .select("detail")
      .where("type", "=", "list_kind_mismatch")
      .execute();
    expect(flagged.map((e) => JSON.parse(e.detail).list).sort()).toEqual([
      "participatingAgencies09222025pm.xlsx",
      "pendingAgencies09222025pm.xlsx",
    ]);
    const removedThatDay = await eventsDated(store, "removed", "=", "2025-09-22");
    expect(removedThatDay).toHaveLength(0);
  });

  it("the PENNSLYVANIA list of 2026-02-27 applies cleanly and removes nothing", async () => {
    const snap = await store.db
      .selectFrom("observation")
      .select(["snapshot_id", "status"])
      .where("date", "=", "2026-02-27")
      .where("kind", "=", "participating")
      .executeTakeFirstOrThrow();
    expect(snap.status).toBe("applied");
    const fixes = await store.db
      .selectFrom("correction")
      .select(store.db.fn.countAll<number>().as("n"))
      .where("snapshot_id", "=", snap.snapshot_id)
      .where("rule", "=", "state_typo")
      .where("before", "=", "PENNSLYVANIA")
      .executeTakeFirstOrThrow();
    expect(Number(fixes.n)).toBe(68);
    const pa = await store.db
      .selectFrom("listing")
      .select(["tier", store.db.fn.countAll<number>().as("n")])
      .where("snapshot_id", "=", snap.snapshot_id)
      .where("state", "=", "PA")
      .groupBy("tier")
      .execute();
    // 68 rows spelled PENNSLYVANIA and one spelled right, every one resolved.
    expect(pa.reduce((a, r) => a + Number(r.n), 0)).toBe(69);
    expect(pa.find((r) => r.tier === "unresolved")).toBeUndefined();
    // Every Pennsylvania agreement listed the day before is still listed, with no gap opened that day.
    const before = await roster(store.db, { asOf: "2026-02-26", state: "PA" });
    const after = new Set((await roster(store.db, { asOf: "2026-02-27", state: "PA" })).map((r) => r.agreement_id));
    expect(before.length).toBeGreaterThan(60);
    expect(before.filter((r) => !after.has(r.agreement_id))).toEqual([]);
    const gaps = await store.db.selectFrom("event").select("detail").where("type", "=", "gap").execute();
    expect(gaps.filter((g) => JSON.parse(g.detail).missing_from === "2026-02-27")).toEqual([]);
    const removed = await store.db
      .selectFrom("event as e")
      .innerJoin("agency as a", "a.agency_id", "e.agency_id")
      .select("e.seq")
      .where("e.type", "=", "removed")
      .where("a.state", "=", "PA")
      .where("e.date", ">=", "2026-02-26")
      .where("e.date", "<=", "2026-03-02")
      .execute();
    expect(removed).toHaveLength(0);
  });

  it("quarantines ICE's re-post of the 2025-03-06 list on 2025-04-21 and removes nothing because of it", async () => {
    const q = await store.db.selectFrom("observation").selectAll().where("status", "=", "quarantined").execute();
    expect(q.map((o) => [o.date, o.original_filename])).toEqual([
      ["2025-04-21", "participatingAgencies04212025am.xlsx"],
    ]);
    expect(q[0]?.reason).toMatch(/^mass drop: 308 usable rows against 445/);
    const removed = await eventsDated(store, "removed", "=", "2025-04-21");
    expect(removed).toHaveLength(0);
  });
});

describe("identity", () => {
  it("Tampa Pd → Tampa Police Department (2025-03-17) is a rename of one agency", async () => {
    const d = await agencyDetail(store.db, "fl-tampa-police-department");
    expect(d?.agreements).toHaveLength(1);
    expect(d?.agency.names.map((n: { name: string }) => n.name)).toEqual(["Tampa PD", "Tampa Police Department"]);
    const renamed = d?.events.filter((e) => e.type === "renamed");
    expect(renamed?.map((e) => [e.date, e.detail.from, e.detail.to])).toEqual([
      ["2025-03-17", "Tampa PD", "Tampa Police Department"],
    ]);
    expect(d?.events.filter((e) => e.type === "removed" || e.type === "appeared")).toHaveLength(1);
  });

  it("state-prefix relabels of state agencies keep their agreements", async () => {
    for (const [id, name] of [
      ["ak-department-of-corrections", "Alaska Department of Corrections"],
      ["va-department-of-corrections", "Virginia Department of Corrections"],
      ["tx-office-of-the-attorney-general", "Texas Office of the Attorney General"],
    ]) {
      const d = await agencyDetail(store.db, id as string);
      expect(d?.agency.name, id).toBe(name);
      expect(
        d?.events.some((e) => e.type === "renamed" && e.detail.to === name && e.date === "2025-03-17"),
        id,
      ).toBe(true);
      expect(d?.events.filter((e) => e.type === "appeared").length, id).toBe(d?.agreements.length);
    }
  });

  it("typo fixes resolve at the typo tier, not as removal plus new", async () => {
    const d = await agencyDetail(store.db, "mn-freedom-county-sheriffs-office");
    expect(d?.agency.name).toBe("Freeborn County Sheriff's Office");
    expect(d?.events.find((e) => e.type === "renamed")?.detail.tier).toBe("typo");
    expect(d?.events.some((e) => e.type === "removed")).toBe(false);
  });

  it("every listing records the tier that resolved it", async () => {
    const tiers = await store.db
      .selectFrom("listing")
      .select(["tier", store.db.fn.countAll<number>().as("n")])
      .groupBy("tier")
      .execute();
    const names = tiers.map((t) => t.tier).sort();
    expect(names).toEqual(expect.arrayContaining(["exact", "new", "typo", "relabel", "alias"]));
    for (const t of names)
      expect([
        "alias",
        "exact",
        "typo",
        "relabel",
        "holder_change",
        "new",
        "duplicate",
        "unresolved",
        "quarantined",
      ]).toContain(t);
    const unresolvedApplied = await store.db
      .selectFrom("listing")
      .select(store.db.fn.countAll<number>().as("n"))
      .where("tier", "not in", ["unresolved", "quarantined"])
      .where((eb) => eb.and([eb("agreement_id", "is", null), eb("application_id", "is", null)]))
      .executeTakeFirstOrThrow();
    expect(Number(unresolvedApplied.n)).toBe(0);
  });

  it("sends near misses to the review queue", async () => {
    const r = await store.db.selectFrom("review").selectAll().execute();
    expect(r.length).toBeGreaterThan(0);
    for (const x of r) expect(JSON.parse(x.detail)).toHaveProperty("candidate");
  });
});

describe("removals and re-datings", () => {
  const agreement = (id: string) =>
    store.db.selectFrom("agreement").selectAll().where("agreement_id", "like", `${id}%`).execute();

  it("confirmed removals carry the date of the first list without the agreement", async () => {
    for (const [id, ended] of [
      ["ga-cobb-county-sheriffs-office/jem", "2021-01-16"],
      ["ga-gwinnett-county-sheriffs-office/jem", "2021-01-16"],
      ["la-east-baton-rouge-parish-sheriffs-office/jem", "2024-06-30"],
      ["md-frederick-county-sheriffs-office/jem", "2026-02-17"],
    ]) {
      const rows = await agreement(id as string);
      expect(
        rows.map((r) => [r.status, r.ended_on]),
        id,
      ).toEqual([["removed", ended]]);
    }
    expect(
      (await roster(store.db, { asOf: "2021-01-15", state: "GA" })).some(
        (r) => r.agency_id === "ga-cobb-county-sheriffs-office",
      ),
    ).toBe(true);
    expect(
      (await roster(store.db, { asOf: "2021-01-16", state: "GA" })).some(
        (r) => r.agency_id === "ga-cobb-county-sheriffs-office",
      ),
    ).toBe(false);
  });

  it("an agreement whose signed date ICE changed is one agreement with a redated event", async () => {
    const rows = await agreement("al-etowah-county-sheriffs-office/jem");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.signed_on).toBe("2020-06-09");
    expect(JSON.parse(rows[0]?.signed_history as string).map((s: { date: string }) => s.date)).toEqual([
      "2016-06-08",
      "2020-06-09",
    ]);
    const ev = await store.db
      .selectFrom("event")
      .selectAll()
      .where("type", "=", "redated")
      .where("agreement_id", "=", rows[0]?.agreement_id as string)
      .execute();
    expect(ev.map((e) => JSON.parse(e.detail)).map((d) => [d.from, d.to])).toEqual([["2016-06-08", "2020-06-09"]]);
  });

  it("dates a list by its content when ICE's file name is impossible (11114025am lists agreements signed 2025-11-14)", async () => {
    const o = await store.db
      .selectFrom("observation")
      .selectAll()
      .where("original_filename", "=", "participatingAgencies11114025am.xlsx")
      .executeTakeFirstOrThrow();
    expect([o.stated_date, o.date, o.date_rule]).toEqual(["2025-11-11", "2025-11-14", "content_newest_signed"]);
  });
});
