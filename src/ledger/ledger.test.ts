// The ledger rules on hand-made lists, where the right answer is known. No database involved.
import { describe, expect, it } from "vitest";
import { list, many, type R } from "../../test/fixtures.js";
import { Ledger } from "./ledger.js";
import type { ObservationOutcome } from "./types.js";

function replay(lists: ReturnType<typeof list>[], cfg = {}) {
  const l = new Ledger(cfg);
  const outcomes: ObservationOutcome[] = lists.map((o) => l.apply(o));
  return { l, outcomes, events: outcomes.flatMap((o) => o.events), res: l.result() };
}

const base: R[] = [
  ...many("TX", 8),
  { st: "FL", name: "Tampa Pd", signed: "2025-02-28" },
  {
    st: "FL",
    name: "Harris County Sheriff's Office",
    model: "JEM",
    signed: "2020-06-09",
    moa: "https://www.ice.gov/a.pdf",
  },
  { st: "GA", name: "Precinct 1 Constable", signed: "2025-04-01" },
  { st: "CO", name: "Teller County Sheriff's Office", model: "JEM", signed: "2020-06-09" },
];

describe("removal is debounced", () => {
  it("one missing list is a gap, not a removal", () => {
    const without = base.filter((r) => r.name !== "Town 3 Police Department");
    const { res, events } = replay([list("2025-05-01", base), list("2025-05-02", without), list("2025-05-03", base)]);
    const a = res.agreements.find((x) => x.agreementId.startsWith("tx-town-3-police-department"));
    expect(a?.status).toBe("active");
    expect(a?.gaps).toEqual([{ from: "2025-05-02", to: "2025-05-03", lists: 1 }]);
    expect(events.filter((e) => e.type === "removed")).toHaveLength(0);
    expect(events.filter((e) => e.type === "gap")).toHaveLength(1);
  });

  it("is confirmed after N lists spanning D days, dated by the first list without it", () => {
    const without = base.filter((r) => r.name !== "Town 3 Police Department");
    const lists = [
      list("2025-05-01", base),
      list("2025-05-02", without),
      list("2025-05-03", without),
      list("2025-05-04", without),
    ];
    // Three lists missing but only two days: still pending removal.
    let r = replay(lists);
    expect(r.res.agreements.find((x) => x.agreementId.startsWith("tx-town-3"))?.status).toBe("pending_removal");
    r = replay([...lists, list("2025-05-07", without)]);
    const a = r.res.agreements.find((x) => x.agreementId.startsWith("tx-town-3"));
    expect(a).toMatchObject({
      status: "removed",
      endedOn: "2025-05-02",
      periods: [{ start: "2025-05-01", end: "2025-05-02" }],
    });
    const ev = r.events.find((e) => e.type === "removed");
    expect(ev).toMatchObject({ date: "2025-05-02", detail: { confirmed_on: "2025-05-07", lists_missed: 4 } });
  });

  it("an agreement back after a confirmed removal is the same agreement, reappeared", () => {
    const without = base.filter((r) => r.name !== "Town 3 Police Department");
    const r = replay([
      list("2025-05-01", base),
      list("2025-05-02", without),
      list("2025-05-05", without),
      list("2025-05-08", without),
      list("2025-06-01", base),
    ]);
    const a = r.res.agreements.filter((x) => x.agreementId.startsWith("tx-town-3"));
    expect(a).toHaveLength(1);
    expect(a[0]?.status).toBe("active");
    expect(a[0]?.periods).toEqual([
      { start: "2025-05-01", end: "2025-05-02" },
      { start: "2025-06-01", end: null },
    ]);
    expect(r.events.map((e) => e.type)).toContain("reappeared");
  });
});

describe("quarantine", () => {
  it("a list with a third of its rows cut is quarantined with a reason and removes nothing", () => {
    const big = [...base, ...many("OK", 10)];
    const cut = big.slice(0, Math.floor(big.length * 0.6));
    const r = replay([
      list("2025-05-01", big),
      list("2025-05-02", cut),
      list("2025-05-05", cut),
      list("2025-05-09", cut),
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(["applied", "quarantined", "quarantined", "quarantined"]);
    expect(r.outcomes[1]?.reason).toMatch(
      /^mass drop: 13 usable rows against 22 on the last applied list \(59\.1%, threshold 70%\)$/,
    );
    expect(r.res.agreements.every((a) => a.status === "active")).toBe(true);
    expect(r.events.filter((e) => e.type === "list_quarantined")).toHaveLength(3);
  });

  it("a list missing every row of a state with five or more agreements applies, holding that state's agreements as unconfirmed", () => {
    const noTexas = [...base.filter((r) => r.st !== "TX"), ...many("OK", 8)];
    const r = replay([list("2025-05-01", base), list("2025-05-02", noTexas)]);
    expect(r.outcomes[1]?.status).toBe("applied");
    const held = r.outcomes[1]?.events.find((e) => e.type === "state_held");
    expect(held?.detail.state).toBe("TX");
    expect(String(held?.detail.reason)).toMatch(/^every row of TX \(8\) is missing: its missing agreements are held/);
    // The rest of the list applies from its first list: the new Oklahoma agreements are there.
    expect(
      r.res.agreements.filter((a) => a.agreementId.startsWith("ok-") && a.firstListed === "2025-05-02"),
    ).toHaveLength(8);
    const tx = r.res.agreements.filter((a) => a.agreementId.startsWith("tx-"));
    expect(tx.map((a) => a.status)).toEqual(Array(8).fill("pending_removal"));
  });

  it("a state's exit that persists over 4 lists spanning 7 days is accepted, its removals dated from its first list", () => {
    const noTexas = [...base.filter((r) => r.st !== "TX"), ...many("OK", 8)];
    const lists = [
      list("2025-05-01", base),
      list("2025-05-02", noTexas),
      list("2025-05-05", noTexas),
      list("2025-05-06", noTexas),
      list("2025-05-09", noTexas),
    ];
    const r = replay(lists);
    expect(r.outcomes.map((o) => o.status)).toEqual(Array(5).fill("applied"));
    // Held, not removed, while the exit is younger than 4 lists and 7 days, though the ordinary
    // debounce (3 lists, 5 days) would have confirmed it on 2025-05-06.
    const early = replay(lists.slice(0, 4)).res.agreements.filter((a) => a.agreementId.startsWith("tx-"));
    expect(early.map((a) => a.status)).toEqual(Array(8).fill("pending_removal"));
    const accepted = r.outcomes[4]?.events.find((e) => e.type === "state_accepted");
    expect(accepted?.detail).toMatchObject({ state: "TX", since: "2025-05-02", lists: 4 });
    const tx = r.res.agreements.filter((a) => a.agreementId.startsWith("tx-"));
    expect(tx.map((a) => [a.status, a.endedOn])).toEqual(Array(8).fill(["removed", "2025-05-02"]));
    expect(r.outcomes.flatMap((o) => o.events).filter((e) => e.type === "removed")).toHaveLength(8);
  });

  it("New York's 14 falling to 1 while other states gain: the gains apply at once, the 13 are removed only once the exit persists", () => {
    const ny = many("NY", 14);
    // Other states hold most rows, as on ICE's lists, so the list as a whole is no mass drop.
    const rest = [...base, ...many("GA", 40)];
    const before = [...rest, ...ny];
    const shrunk = (gain: number) => [...rest, ...(ny.slice(0, 1) as R[]), ...many("OK", gain)];
    const r = replay([
      list("2026-06-08", before),
      list("2026-06-22", shrunk(3)),
      list("2026-07-01", shrunk(5)),
      list("2026-07-14", shrunk(6)),
      list("2026-09-08", shrunk(9)),
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(Array(5).fill("applied"));
    const okFirst = r.res.agreements.filter((a) => a.agreementId.startsWith("ok-")).map((a) => a.firstListed);
    expect(okFirst.filter((d) => d === "2026-06-22")).toHaveLength(3);
    const gone = r.res.agreements.filter((a) => a.agreementId.startsWith("ny-") && a.status !== "active");
    expect(gone).toHaveLength(13);
    expect(gone.every((a) => a.status === "removed" && a.endedOn === "2026-06-22")).toBe(true);
    const removedOn = r.events.filter((e) => e.type === "removed").map((e) => e.obsId.slice(0, 10));
    expect(new Set(removedOn)).toEqual(new Set(["2026-09-08"]));
    const accepted = r.events.find((e) => e.type === "state_accepted");
    expect(accepted?.detail).toMatchObject({ state: "NY", since: "2026-06-22", before: 14, now: 1 });
    expect(Array.isArray(accepted?.detail.state_policies)).toBe(true);
  });

  it("releases a state's hold when its rows come back, as gaps and not removals", () => {
    const noTexas = [...base.filter((r) => r.st !== "TX"), ...many("OK", 8)];
    const r = replay([
      list("2025-05-01", base),
      list("2025-05-02", noTexas),
      list("2025-05-05", noTexas),
      list("2025-05-06", noTexas),
      list("2025-05-07", [...base, ...many("OK", 8)]),
    ]);
    expect(r.outcomes[4]?.events.some((e) => e.type === "state_released")).toBe(true);
    const tx = r.res.agreements.filter((a) => a.agreementId.startsWith("tx-"));
    expect(tx.map((a) => a.status)).toEqual(Array(8).fill("active"));
    expect(tx.every((a) => a.gaps.length === 1 && a.periods.length === 2)).toBe(true);
  });

  it("lists a quarantined file's rows once, and replaces them when the same file is applied", () => {
    const big = [...base, ...many("OK", 10)];
    const cut = list("2025-05-02", big.slice(0, 10), { id: "cut" });
    const again = { ...cut, obsId: "2025-05-03|am|cut", date: "2025-05-03", order: "2025-05-03T16:00:00Z|cut" };
    const r = replay([list("2025-05-01", big), cut, again]);
    expect(r.outcomes.map((o) => [o.status, o.listings.length])).toEqual([
      ["applied", 22],
      ["quarantined", 10],
      ["quarantined", 0],
    ]);
    expect(r.outcomes[1]?.listings.every((l) => l.tier === "quarantined")).toBe(true);
  });

  it("on acceptance, back-dates only what none of the quarantined lists carried", () => {
    const noTexas = [...base.filter((r) => r.st !== "TX"), ...many("OK", 8)];
    const lastAlsoWithoutTeller = noTexas.filter((r) => !r.name.startsWith("Teller"));
    const r = replay([
      list("2025-05-01", base),
      list("2025-05-02", noTexas),
      list("2025-05-05", noTexas),
      list("2025-05-06", noTexas),
      list("2025-05-09", lastAlsoWithoutTeller),
    ]);
    expect(r.outcomes[4]?.status).toBe("applied");
    expect(r.res.agreements.find((a) => a.agreementId.startsWith("tx-town-1-"))).toMatchObject({
      status: "removed",
      endedOn: "2025-05-02",
    });
    // Teller was on every quarantined list: it only starts its debounce now.
    expect(r.res.agreements.find((a) => a.agreementId.startsWith("co-teller"))).toMatchObject({
      status: "pending_removal",
      missingSince: "2025-05-09",
      missingLists: 1,
    });
  });

  it("a state with one agreement can legitimately drop to none", () => {
    const noColorado = base.filter((r) => r.st !== "CO");
    const r = replay([list("2025-05-01", base), list("2025-05-02", noColorado)]);
    expect(r.outcomes[1]?.status).toBe("applied");
    expect(r.res.agreements.find((a) => a.agreementId.startsWith("co-"))?.status).toBe("pending_removal");
  });

  it("an empty participating list is quarantined, an empty pending list is not", () => {
    const r = replay([
      list("2025-05-01", base),
      list("2025-05-01", base.slice(0, 2), { kind: "pending", slot: "pm" }),
      list("2025-05-02", []),
      list("2025-05-02", [], { kind: "pending", slot: "pm" }),
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(["applied", "applied", "quarantined", "applied"]);
    expect(r.outcomes[2]?.reason).toBe("empty list: the header is there but no rows");
  });
});

describe("identity tiers", () => {
  it("a relabel to the canonical spelling is a rename at the exact tier (Tampa Pd → Tampa Police Department)", () => {
    const renamed = base.map((r) => (r.name === "Tampa Pd" ? { ...r, name: "Tampa Police Department" } : r));
    const r = replay([list("2025-03-06", base), list("2025-03-17", renamed)]);
    expect(r.res.agreements.filter((a) => a.agencyId === "fl-tampa-police-department")).toHaveLength(1);
    const ev = r.events.find((e) => e.type === "renamed");
    expect(ev).toMatchObject({
      agencyId: "fl-tampa-police-department",
      detail: { from: "Tampa Pd", to: "Tampa Police Department", tier: "exact" },
    });
    expect(r.events.filter((e) => e.type === "removed" || e.type === "appeared").length).toBe(base.length);
  });

  it("a misspelling fixed by ICE is a typo-tier rename of the same agency", () => {
    const a = [
      ...base,
      { st: "MN", name: "Freedom County Sheriff's Office", model: "WSO" as const, signed: "2025-03-27" },
    ];
    const b = a.map((r) => (r.name.startsWith("Freedom") ? { ...r, name: "Freeborn County Sheriff's Office" } : r));
    const r = replay([list("2025-03-28", a), list("2025-03-31", b)]);
    const l = r.outcomes[1]?.listings.find((x) => x.agencyId?.startsWith("mn-"));
    expect(l?.tier).toBe("typo");
    expect(r.res.agencies.filter((x) => x.state === "MN")).toHaveLength(1);
    expect(r.res.agencies.find((x) => x.state === "MN")?.names.map((n) => n.name)).toEqual([
      "Freedom County Sheriff's Office",
      "Freeborn County Sheriff's Office",
    ]);
  });

  it("never merges names that differ in their digits (Precinct 1 is not Precinct 2)", () => {
    const b = base.map((r) => (r.name === "Precinct 1 Constable" ? { ...r, name: "Precinct 2 Constable" } : r));
    const r = replay([list("2025-05-01", base), list("2025-05-02", b)]);
    expect(
      r.res.agencies
        .filter((x) => x.state === "GA")
        .map((x) => x.name)
        .sort(),
    ).toEqual(["Precinct 1 Constable", "Precinct 2 Constable"]);
  });

  it("a relabel keeps the agency when state, model and signed date match one vanished agency", () => {
    const b = base.map((r) =>
      r.name === "Teller County Sheriff's Office" ? { ...r, name: "Teller County Sheriff Department" } : r,
    );
    const r = replay([list("2025-05-01", base), list("2025-05-02", b)]);
    expect(r.outcomes[1]?.listings.find((x) => x.agencyId?.startsWith("co-"))).toMatchObject({ tier: "relabel" });
    expect(r.res.agreements.filter((a) => a.agencyId.startsWith("co-"))).toHaveLength(1);
  });

  it("sends a relabel with no shared word to review instead of merging on the date alone", () => {
    const b = base.map((r) =>
      r.name === "Teller County Sheriff's Office" ? { ...r, name: "Colorado Bureau of Investigation" } : r,
    );
    const r = replay([list("2025-05-01", base), list("2025-05-02", b)]);
    expect(r.res.agencies.filter((x) => x.state === "CO")).toHaveLength(2);
    expect(r.outcomes[1]?.reviews.map((x) => x.reason)).toEqual(["ambiguous_relabel"]);
  });

  it("records the tier of every listing", () => {
    const r = replay([list("2025-05-01", base), list("2025-05-02", base.slice().reverse())]);
    expect(r.outcomes[0]?.listings.every((l) => l.tier === "new")).toBe(true);
    expect(r.outcomes[1]?.listings.every((l) => l.tier === "exact")).toBe(true);
  });
});

describe("re-signing versus re-dating", () => {
  const harris = (signed: string, moa: string) =>
    base.map((r) => (r.name.startsWith("Harris") ? { ...r, signed, moa } : r));

  it("a date that moves while the rest stays is one agreement with a redated event", () => {
    const r = replay([list("2021-01-13", base), list("2022-03-05", harris("2020-06-10", "https://www.ice.gov/a.pdf"))]);
    const h = r.res.agreements.filter((a) => a.agencyId === "fl-harris-county-sheriffs-office");
    expect(h).toHaveLength(1);
    expect(h[0]?.signedOn).toBe("2020-06-10");
    expect(h[0]?.signedHistory.map((s) => s.date)).toEqual(["2020-06-09", "2020-06-10"]);
    expect(r.events.find((e) => e.type === "redated")?.detail).toMatchObject({ from: "2020-06-09", to: "2020-06-10" });
  });

  it("a first posting of the MOA with a later date is a re-dating, not a re-signing", () => {
    const noMoa = base.map((r) => (r.name.startsWith("Harris") ? { ...r, moa: null } : r));
    const r = replay([
      list("2025-04-01", noMoa),
      list("2025-06-27", harris("2025-05-08", "https://www.ice.gov/b.pdf")),
    ]);
    const h = r.res.agreements.filter((a) => a.agencyId === "fl-harris-county-sheriffs-office");
    expect(h.map((a) => [a.status, a.signedOn, a.moaUrl])).toEqual([
      ["active", "2025-05-08", "https://www.ice.gov/b.pdf"],
    ]);
    expect(
      r.events
        .filter((e) => e.type === "redated" || e.type === "moa_posted")
        .map((e) => e.type)
        .sort(),
    ).toEqual(["moa_posted", "redated"]);
  });

  it("a later date after the old term was listed, with a new MOA, is a new agreement that supersedes it", () => {
    const r = replay([list("2021-01-13", base), list("2025-06-01", harris("2025-05-20", "https://www.ice.gov/b.pdf"))]);
    const h = r.res.agreements.filter((a) => a.agencyId === "fl-harris-county-sheriffs-office");
    expect(h.map((a) => a.status).sort()).toEqual(["active", "superseded"]);
    const old = h.find((a) => a.status === "superseded");
    expect(old).toMatchObject({
      endedOn: "2025-06-01",
      successorId: "fl-harris-county-sheriffs-office/jem/2025-05-20",
    });
  });
});

describe("pending applications", () => {
  it("a pending entry that appears on the participating list is signed", () => {
    const app = [{ st: "TX", name: "Town 99 Police Department", model: "TFM" as const, signed: null }];
    const r = replay([
      list("2025-05-01", base),
      list("2025-05-01", app, { kind: "pending", slot: "pm" }),
      list("2025-05-10", [...base, { st: "TX", name: "Town 99 Police Department", signed: "2025-05-08" }]),
      list("2025-05-10", [], { kind: "pending", slot: "pm" }),
    ]);
    const a = r.res.applications[0];
    expect(a).toMatchObject({
      status: "signed",
      agreementId: "tx-town-99-police-department/tfm/2025-05-08",
      firstListed: "2025-05-01",
    });
    expect(r.events.find((e) => e.type === "pending_signed")?.detail).toMatchObject({ days_pending: 9 });
  });

  it("an agency still on the pending list after it signed is the signed application, not a new one", () => {
    const app = [{ st: "TX", name: "Town 99 Police Department", model: "TFM" as const, signed: null }];
    const signed = [...base, { st: "TX", name: "Town 99 Police Department", signed: "2025-05-08" }];
    const r = replay([
      list("2025-05-01", app, { kind: "pending" }),
      list("2025-05-10", signed),
      list("2025-05-10", app, { kind: "pending", slot: "pm" }),
      list("2025-05-12", app, { kind: "pending" }),
      list("2025-05-20", [], { kind: "pending" }),
    ]);
    expect(r.res.applications.map((a) => a.status)).toEqual(["signed"]);
    expect(r.events.filter((e) => e.type.startsWith("pending_")).map((e) => e.type)).toEqual([
      "pending_added",
      "pending_signed",
    ]);
    expect(r.outcomes[2]?.listings[0]?.note).toBe("signed, still on the pending list");
  });

  it("a pending spelling that ICE corrects on the participating list is the same agency", () => {
    const r = replay([
      list("2025-05-01", [{ st: "FL", name: "New Port Richey Polce Department", model: "TFM", signed: null }], {
        kind: "pending",
      }),
      list("2025-05-10", [...base, { st: "FL", name: "New Port Richey Police Department", signed: "2025-05-08" }]),
    ]);
    expect(r.res.agencies.filter((a) => a.name.startsWith("New Port Richey"))).toHaveLength(1);
    expect(r.res.applications[0]?.status).toBe("signed");
    expect(r.outcomes[1]?.listings.find((l) => l.agencyId?.includes("new-port-richey"))?.tier).toBe("typo");
  });

  it("a pending entry gone for good without an agreement is dropped", () => {
    const app = [{ st: "TX", name: "Town 99 Police Department", model: "TFM" as const, signed: null }];
    const lists = [list("2025-05-01", app, { kind: "pending" })];
    for (const d of ["2025-05-02", "2025-05-05", "2025-05-09"]) lists.push(list(d, [], { kind: "pending" }));
    const r = replay(lists);
    expect(r.res.applications[0]).toMatchObject({ status: "dropped", endedOn: "2025-05-02" });
  });
});

describe("determinism", () => {
  it("the same lists give byte-identical state", () => {
    const lists = () => [list("2025-05-01", base, { id: "a" }), list("2025-05-02", [...base].reverse(), { id: "b" })];
    expect(JSON.stringify(replay(lists()).l.toState())).toBe(JSON.stringify(replay(lists()).l.toState()));
  });

  it("applying on top of a saved state equals replaying from scratch", () => {
    const all = [
      list("2025-05-01", base, { id: "a" }),
      list("2025-05-02", base.slice(1), { id: "b" }),
      list("2025-05-09", base, { id: "c" }),
    ];
    const full = replay(all).l.toState();
    const first = new Ledger();
    first.apply(all[0] as never);
    const resumed = Ledger.fromState(JSON.parse(JSON.stringify(first.toState())));
    resumed.apply(all[1] as never);
    resumed.apply(all[2] as never);
    expect(JSON.stringify(resumed.toState())).toBe(JSON.stringify(full));
  });

  it("refuses a list older than the last one applied", () => {
    const l = new Ledger();
    l.apply(list("2025-05-02", base));
    expect(() => l.apply(list("2025-05-01", base))).toThrow(/older than the last one applied/);
  });
});
