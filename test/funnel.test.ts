// `funnel`: pending → signed → removed, on hand-made applications where every figure is known, and
// on the real ledger (962 applications, 900 signed, 62 dropped).
import { describe, expect, it } from "vitest";
import {
  type ApplicationFact,
  computeFunnel,
  type FunnelAgreement,
  funnel,
  quartiles,
} from "../src/analysis/funnel.js";
import { archiveDbPath, cli, useArchive } from "./helpers.js";

function app(id: string, o: Partial<ApplicationFact>): ApplicationFact {
  return {
    application_id: id,
    agency_id: id.split("/")[0] as string,
    agency: id.split("/")[0] as string,
    state: id.slice(0, 2).toUpperCase(),
    model: (id.split("/")[1] ?? "jem").toUpperCase(),
    first_listed: "2025-03-01",
    last_listed: "2025-03-10",
    status: "signed",
    agreement_id: null,
    signed_on: null,
    ended_on: null,
    ...o,
  };
}

function agr(id: string, first: string, status = "active"): FunnelAgreement {
  return {
    agreement_id: id,
    state: id.slice(0, 2).toUpperCase(),
    model: (id.split("/")[1] as string).toUpperCase(),
    first_listed: first,
    status,
    ended_on: status === "active" ? null : "2025-09-01",
  };
}

const PENDING = { first: "2025-02-21", latest: "2025-10-01" };

const APPS = [
  // Signed 10 days after its first pending listing, listed 14 days after; still active.
  app("tx-a/jem/p", {
    first_listed: "2025-03-01",
    agreement_id: "tx-a/jem/2025-03-11",
    signed_on: "2025-03-11",
  }),
  // Signed before it first appeared on a pending list (-5), listed 2 days after; later removed.
  app("tx-b/tfm/p", {
    first_listed: "2025-04-10",
    agreement_id: "tx-b/tfm/2025-04-05",
    signed_on: "2025-04-05",
  }),
  // On the first pending list; signed after 30 days, listed after 40; superseded.
  app("fl-c/wso/p", {
    first_listed: "2025-02-21",
    agreement_id: "fl-c/wso/2025-03-23",
    signed_on: "2025-03-23",
  }),
  app("fl-d/tfm/p", { status: "dropped", ended_on: "2025-05-01" }),
  app("fl-e/tfm/p", { status: "pending", last_listed: "2025-10-01" }),
  app("ga-f/tfm/p", { status: "pending_removal", last_listed: "2025-09-20" }),
];

const AGREEMENTS = [
  agr("tx-a/jem/2025-03-11", "2025-03-15"),
  agr("tx-b/tfm/2025-04-05", "2025-04-12", "removed"),
  agr("fl-c/wso/2025-03-23", "2025-04-02", "superseded"),
  // Listed before the pending lists began: cannot say whether it was ever pending.
  agr("fl-old/jem/2020-01-01", "2021-01-13"),
  // Listed after they began, never on one.
  agr("ga-direct/tfm/2025-06-01", "2025-06-05"),
];

describe("funnel on hand-made applications", () => {
  const r = computeFunnel(APPS, AGREEMENTS, PENDING);

  it("counts each stage, with the ids behind it", () => {
    expect(r.applications.ever_pending.count).toBe(6);
    expect(r.applications.signed.ids).toEqual(["fl-c/wso/p", "tx-a/jem/p", "tx-b/tfm/p"]);
    expect(r.applications.dropped.ids).toEqual(["fl-d/tfm/p"]);
    expect(r.applications.still_pending).toMatchObject({
      count: 2,
      ids: ["fl-e/tfm/p", "ga-f/tfm/p"],
      missing_from_latest: 1,
    });
    expect(r.signed_agreements.total.count).toBe(3);
    expect(r.signed_agreements.removed.ids).toEqual(["tx-b/tfm/2025-04-05"]);
    expect(r.signed_agreements.superseded.ids).toEqual(["fl-c/wso/2025-03-23"]);
    expect(r.signed_agreements.active.ids).toEqual(["tx-a/jem/2025-03-11"]);
    expect(r.signed_without_pending_listing.ids).toEqual(["ga-direct/tfm/2025-06-01"]);
    expect(r.on_first_pending_list).toBe(1);
  });

  it("measures time to sign from the first pending listing, negatives counted", () => {
    expect(r.time_to_sign_days.to_signed_date).toEqual({
      n: 3,
      min: -5,
      q1: 2.5,
      median: 10,
      q3: 20,
      max: 30,
      negative: 1,
    });
    expect(r.time_to_sign_days.to_first_listing).toEqual({
      n: 3,
      min: 2,
      q1: 8,
      median: 14,
      q3: 27,
      max: 40,
      negative: 0,
    });
  });

  it("lists the applications that never signed, by state and agency", () => {
    expect(r.never_signed.map((a) => [a.application_id, a.status])).toEqual([
      ["fl-d/tfm/p", "dropped"],
      ["fl-e/tfm/p", "pending"],
      ["ga-f/tfm/p", "pending_removal"],
    ]);
  });

  it("filters by state and model", () => {
    const tx = computeFunnel(APPS, AGREEMENTS, PENDING, { state: "TX" });
    expect(tx.applications.ever_pending.count).toBe(2);
    expect(tx.never_signed).toEqual([]);
    expect(tx.signed_without_pending_listing.count).toBe(0);
    const tfm = computeFunnel(APPS, AGREEMENTS, PENDING, { model: "TFM" });
    expect(tfm.applications.ever_pending.ids).toEqual(["fl-d/tfm/p", "fl-e/tfm/p", "ga-f/tfm/p", "tx-b/tfm/p"]);
    expect(tfm.signed_without_pending_listing.ids).toEqual(["ga-direct/tfm/2025-06-01"]);
  });

  it("quartiles interpolate between ranks and are empty on no data", () => {
    expect(quartiles([1, 2, 3, 4])).toMatchObject({ q1: 1.75, median: 2.5, q3: 3.25 });
    expect(quartiles([7])).toMatchObject({ n: 1, q1: 7, median: 7, q3: 7 });
    expect(quartiles([])).toEqual({ n: 0, min: null, q1: null, median: null, q3: null, max: null, negative: 0 });
  });
});

describe("funnel on the real ledger", () => {
  const store = useArchive();

  it("959 applications: 907 signed, 52 dropped, none still pending; the stages add up", async () => {
    const r = await funnel(store.db);
    const a = r.applications;
    expect(r.pending_lists).toEqual({ first: "2025-02-21", latest: "2026-02-27" });
    expect([a.ever_pending.count, a.signed.count, a.dropped.count, a.still_pending.count]).toEqual([959, 907, 52, 0]);
    expect(a.signed.count + a.dropped.count + a.still_pending.count).toBe(a.ever_pending.count);
    const s = r.signed_agreements;
    expect(s.total.count).toBe(907);
    expect(s.active.count + s.removed.count + s.superseded.count + s.pending_removal.count).toBe(907);
    expect(s.removed.count).toBe(44);
    expect(s.pending_removal.count).toBe(1);
    expect(r.never_signed.length).toBe(52);
    // Time to the first participating listing is never negative; the median is about a week.
    const t = r.time_to_sign_days.to_first_listing;
    expect(t.n).toBe(907);
    expect(t.negative).toBe(0);
    expect(t.median).toBe(8);
    expect(r.time_to_sign_days.to_signed_date.median).toBe(6);
  });

  it("Texas: 222 applications, 211 signed, 11 dropped", async () => {
    const r = await funnel(store.db, { state: "TX" });
    expect([r.applications.ever_pending.count, r.applications.signed.count, r.applications.dropped.count]).toEqual([
      222, 211, 11,
    ]);
    expect(r.never_signed.every((x) => x.state === "TX" && x.status === "dropped")).toBe(true);
  });

  it("g287 funnel --list --csv lists the applications that never signed", () => {
    const r = cli(["--db", archiveDbPath(), "funnel", "--list", "--csv", "--state", "tx"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("application_id,state,agency,model,first_listed,last_listed,status,ended_on");
    expect(lines.length).toBe(12);
    const j = cli(["--db", archiveDbPath(), "--json", "funnel"]);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.never_signed_count).toBe(52);
    expect(parsed.applications.signed.ids.length).toBe(907);
  });
});
