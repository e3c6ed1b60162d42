// The removal debounce on hand-made items and lists: one rule for agreements and applications.
import { describe, expect, it } from "vitest";
import { list, many, type R } from "../../test/fixtures.js";
import { clearMissing, countMissing, type Debounced, persisted, removalDue } from "./debounce.js";
import { Ledger } from "./ledger.js";
import { DEFAULT_CONFIG } from "./types.js";

const cfg = DEFAULT_CONFIG; // 3 lists spanning 5 days

describe("countMissing and removalDue", () => {
  it("starts a stretch at the first list without the item, then counts lists", () => {
    const a: Debounced = { status: "active", missingSince: null, missingLists: 0 };
    expect(countMissing(a, "2025-05-02")).toBe("2025-05-02");
    expect(a).toEqual({ status: "pending_removal", missingSince: "2025-05-02", missingLists: 1 });
    expect(countMissing(a, "2025-05-03")).toBeNull();
    expect(a.missingLists).toBe(2);
    expect(a.missingSince).toBe("2025-05-02");
  });

  it("starts a back-dated stretch where a quarantine streak began", () => {
    const a: Debounced = { status: "pending", missingSince: null, missingLists: 0 };
    expect(countMissing(a, "2025-05-09", { date: "2025-05-01", lists: 4 })).toBe("2025-05-01");
    expect(a).toEqual({ status: "pending_removal", missingSince: "2025-05-01", missingLists: 4 });
  });

  it("confirms only after N lists and D days, both", () => {
    const since = { status: "pending_removal", missingSince: "2025-05-01" };
    expect(removalDue({ ...since, missingLists: 3 }, "2025-05-03", cfg)).toBe(false); // 2 days
    expect(removalDue({ ...since, missingLists: 2 }, "2025-05-09", cfg)).toBe(false); // 2 lists
    expect(removalDue({ ...since, missingLists: 3 }, "2025-05-06", cfg)).toBe(true);
    expect(removalDue({ status: "active", missingSince: null, missingLists: 9 }, "2026-01-01", cfg)).toBe(false);
  });

  it("clears a stretch, and persisted() is the same N-and-D test for holds and streaks", () => {
    const a: Debounced = { status: "pending_removal", missingSince: "2025-05-01", missingLists: 2 };
    clearMissing(a);
    expect(a).toEqual({ status: "pending_removal", missingSince: null, missingLists: 0 });
    expect(persisted("2025-05-01", 4, "2025-05-08", 4, 7)).toBe(true);
    expect(persisted("2025-05-01", 4, "2025-05-07", 4, 7)).toBe(false);
    expect(persisted("2025-05-01", 3, "2025-05-20", 4, 7)).toBe(false);
  });
});

describe("the same debounce for agreements and applications", () => {
  const pending: R[] = [{ st: "FL", name: "Ocala Police Department", signed: null }];
  const dates = ["2025-05-01", "2025-05-02", "2025-05-04", "2025-05-06", "2025-05-08"];

  function replay(withItem: boolean[]) {
    const l = new Ledger();
    const events = dates.flatMap((d, i) => [
      ...l.apply(list(d, many("TX", 8))).events,
      ...l.apply(list(d, withItem[i] ? pending : [], { kind: "pending", slot: "pm" })).events,
    ]);
    return { l, events };
  }

  it("drops an application missing from 3 lists over 5 days, dated from the first list without it", () => {
    const { l, events } = replay([true, false, false, false, false]);
    const app = l.result().applications[0];
    expect(app).toMatchObject({ status: "dropped", endedOn: "2025-05-02", missingSince: null, missingLists: 0 });
    expect(events.filter((e) => e.type === "pending_dropped")).toMatchObject([
      { date: "2025-05-02", detail: { last_listed: "2025-05-01" } },
    ]);
  });

  it("keeps an application that comes back within the debounce", () => {
    const { l, events } = replay([true, false, false, true, false]);
    expect(l.result().applications[0]).toMatchObject({ status: "pending_removal", missingSince: "2025-05-08" });
    expect(events.some((e) => e.type === "pending_dropped")).toBe(false);
  });

  it("removes an agreement on the same terms, closing its period at the first list without it", () => {
    const l = new Ledger();
    const all = many("TX", 8);
    const without = all.slice(1);
    for (const [i, d] of dates.entries()) l.apply(list(d, i === 0 ? all : without));
    const a = l.result().agreements.find((x) => x.agreementId.startsWith("tx-town-1-"));
    expect(a).toMatchObject({
      status: "removed",
      endedOn: "2025-05-02",
      periods: [{ start: "2025-05-01", end: "2025-05-02" }],
      missingSince: null,
    });
  });
});
