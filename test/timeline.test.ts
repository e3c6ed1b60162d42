// `timeline`: agreements and agencies listed per day or month, from the listing periods (gaps,
// removals and supersessions included), on hand-made agreements and on the real ledger.
import { describe, expect, it } from "vitest";
import { roster } from "../src/analysis/queries.js";
import { computeTimeline, pointDates, timeline } from "../src/analysis/timeline.js";
import { UsageError } from "../src/errors.js";
import { fact } from "./analysis-fixtures.js";
import { archiveDbPath, cli, useArchive } from "./helpers.js";

const RECORD = { first_list: "2025-01-01", latest_list: "2025-04-10" };

const FACTS = [
  fact("tx-a-sheriff/jem/2024-12-01", { periods: [["2025-01-01", null]] }),
  // Same agency, second model, removed: the agency still counts once while both are listed.
  fact("tx-a-sheriff/wso/2024-12-01", { periods: [["2025-01-01", "2025-02-10"]] }),
  // A gap from 2025-01-20 to 2025-02-03.
  fact("fl-b-police/tfm/2025-01-05", {
    periods: [
      ["2025-01-10", "2025-01-20"],
      ["2025-02-03", null],
    ],
  }),
  // Superseded on 2025-03-15 by a re-signed agreement of the same agency and model.
  fact("ga-c-sheriff/jem/2020-01-01", { periods: [["2025-01-01", "2025-03-15"]] }),
  fact("ga-c-sheriff/jem/2025-03-01", { periods: [["2025-03-15", null]] }),
];

describe("timeline on hand-made agreements", () => {
  it("takes each day from the periods: gaps excluded, end dates exclusive", () => {
    const r = computeTimeline(FACTS, { by: "day" }, RECORD);
    const on = (d: string) => r.points.find((p) => p.date === d);
    expect(r.points.length).toBe(100); // 2025-01-01 … 2025-04-10
    expect(on("2025-01-01")).toMatchObject({ agreements: 3, agencies: 2, JEM: 2, WSO: 1, TFM: 0 });
    expect(on("2025-01-10")).toMatchObject({ agreements: 4, agencies: 3, entered: ["fl-b-police/tfm/2025-01-05"] });
    expect(on("2025-01-19")?.agreements).toBe(4);
    expect(on("2025-01-20")).toMatchObject({ agreements: 3, left: ["fl-b-police/tfm/2025-01-05"] });
    expect(on("2025-02-03")?.agreements).toBe(4);
    expect(on("2025-02-10")).toMatchObject({ agreements: 3, agencies: 3, left: ["tx-a-sheriff/wso/2024-12-01"] });
    // A supersession on one day: one leaves, one enters, the count holds.
    expect(on("2025-03-15")).toMatchObject({
      agreements: 3,
      entered: ["ga-c-sheriff/jem/2025-03-01"],
      left: ["ga-c-sheriff/jem/2020-01-01"],
    });
    expect(on("2025-04-10")?.agreements).toBe(3);
  });

  it("agrees, day by day, with a direct count of the periods", () => {
    const r = computeTimeline(FACTS, { by: "day", ids: true }, RECORD);
    for (const p of r.points) {
      const direct = FACTS.filter((a) =>
        a.periods.some((q) => q.start <= p.date && (q.end === null || q.end > p.date)),
      );
      expect([p.date, p.ids]).toEqual([p.date, direct.map((a) => a.agreement_id).sort()]);
    }
  });

  it("by month: the value on the month's last day, the last month cut at --to", () => {
    const r = computeTimeline(FACTS, { by: "month" }, RECORD);
    expect(r.points.map((p) => [p.month, p.date, p.agreements])).toEqual([
      ["2025-01", "2025-01-31", 3],
      ["2025-02", "2025-02-28", 3],
      ["2025-03", "2025-03-31", 3],
      ["2025-04", "2025-04-10", 3],
    ]);
    expect(r.points[1]).toMatchObject({
      entered: ["fl-b-police/tfm/2025-01-05"],
      left: ["tx-a-sheriff/wso/2024-12-01"],
    });
    expect(r.notes.join(" ")).toMatch(/last day \(2025-04: on 2025-04-10\)/);
    expect(pointDates("month", "2024-01-15", "2024-03-31").map((p) => p.date)).toEqual([
      "2024-01-31",
      "2024-02-29",
      "2024-03-31",
    ]);
  });

  it("filters by state and model, and keeps to the record", () => {
    const r = computeTimeline(FACTS, { by: "day", state: "GA", from: "2024-12-01", to: "2025-12-31" }, RECORD);
    expect(r.from).toBe("2025-01-01");
    expect(r.to).toBe("2025-04-10");
    expect(r.notes.join(" ")).toMatch(/record starts with the first list, 2025-01-01/);
    expect(new Set(r.points.map((p) => p.agreements))).toEqual(new Set([1]));
    const m = computeTimeline(FACTS, { by: "day", model: "WSO", from: "2025-02-09", to: "2025-02-10" }, RECORD);
    expect(m.points.map((p) => p.agreements)).toEqual([1, 0]);
    expect(() => computeTimeline(FACTS, { by: "day", from: "2025-03-01", to: "2025-02-01" }, RECORD)).toThrow(
      UsageError,
    );
  });
});

describe("timeline on the real ledger", () => {
  const store = useArchive();

  it("150 agreements on 2021-01-13 (74 JEM, 76 WSO) and 135 on 2024-12-01", async () => {
    const a = await timeline(store.db, { by: "day", from: "2021-01-13", to: "2021-01-13" });
    expect(a.points).toEqual([
      expect.objectContaining({ date: "2021-01-13", agreements: 150, JEM: 74, WSO: 76, TFM: 0 }),
    ]);
    const b = await timeline(store.db, { by: "day", from: "2024-12-01", to: "2024-12-01" });
    expect(b.points[0]).toMatchObject({ agreements: 135, TFM: 0 });
  });

  it("matches the roster on every list date of a sample, and reaches 1779 on the latest list", async () => {
    const r = await timeline(store.db, { by: "day" });
    expect(r.from).toBe("2021-01-13");
    expect(r.to).toBe("2026-05-01");
    const at = new Map(r.points.map((p) => [p.date, p]));
    for (const d of [
      "2021-01-13",
      "2023-06-30",
      "2025-02-19",
      "2025-04-21",
      "2025-09-22",
      "2026-01-01",
      "2026-03-27",
      "2026-05-01",
    ]) {
      const rows = await roster(store.db, { asOf: d });
      const p = at.get(d);
      expect([d, p?.agreements, p?.agencies]).toEqual([d, rows.length, new Set(rows.map((x) => x.agency_id)).size]);
    }
    expect(at.get("2026-03-27")?.agreements).toBe(1560);
    expect(at.get("2026-05-01")?.agreements).toBe(1779);
    // The first TFM agreement appears on 2025-02-19.
    expect(at.get("2025-02-18")?.TFM).toBe(0);
    expect(at.get("2025-02-19")?.TFM).toBeGreaterThan(0);
  });

  it("g287 timeline --by month --csv gives the API's columns: date, month, the counts and the ids that entered and left", () => {
    const r = cli([
      "--db",
      archiveDbPath(),
      "timeline",
      "--by",
      "month",
      "--from",
      "2024-11-01",
      "--to",
      "2025-02-28",
      "--csv",
    ]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("date,month,agreements,agencies,JEM,TFM,WSO,entered_ids,left_ids");
    expect(lines[2]).toMatch(/^2024-12-31,2024-12,135,/);
    expect(lines.length).toBe(5);
    // The last two cells are space-separated agreement ids, as in /api/v1/timeline.csv.
    const ids = /^([a-z0-9-]+\/(jem|tfm|wso)\/\d{4}-\d{2}-\d{2}( |$))*$/;
    const cells = lines.slice(1).flatMap((l) => l.split(",").slice(7));
    expect(cells.length).toBe(8);
    for (const c of cells) expect(c).toMatch(ids);
    expect(cells.some((c) => c.length > 0)).toBe(true);
  });
});
