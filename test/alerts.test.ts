// Change alerts end to end, offline: subscriptions on a copy of the real ledger, new lists made
// from ICE's latest real list (test/alert-story.ts), a local webhook receiver that checks every
// HMAC, and an in-process SMTP sink. Checks the filters, the wording, debounced removals, replays
// that renumber events, back-filled history and unsubscribing.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertStatus, subscribe, unsubscribe } from "../src/alerts/admin.js";
import { sendAlerts } from "../src/alerts/deliver.js";
import { enqueueAlerts } from "../src/alerts/outbox.js";
import { alertDb } from "../src/alerts/tables.js";
import { ingest, rebuild } from "../src/pipeline/ingest.js";
import { openStore, type Store } from "../src/store/db.js";
import { body, K, listRow, nextRows, outboxKeys, PUBLIC, SECRETS, writeList } from "./alert-story.js";
import { copyArchiveDb, readList, tmpDir, writeXlsx } from "./helpers.js";
import { type Hit, type Mail, receiver, smtpSink } from "./receivers.js";

describe("a new list produces exactly the expected alerts, filtered", () => {
  let store: Store;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const sub: Record<string, string> = {};
  const send = () =>
    sendAlerts(store, { publicUrl: PUBLIC, smtpUrl: smtp.url, mailFrom: "g287 <alerts@g287.example>" });

  beforeAll(async () => {
    hook = await receiver(SECRETS);
    smtp = await smtpSink();
    store = await openStore(copyArchiveDb());
    const web = (p: string, filters: Record<string, string[]> = {}) =>
      subscribe(store, { channel: { type: "webhook", url: hook.url(p), secret: SECRETS[p] }, filters });
    sub.all = (await web("/all")).id;
    sub.tx = (await web("/tx", { state: ["tx"] })).id;
    sub.jem = (await web("/jem", { model: ["jem"] })).id;
    sub.anderson = (await web("/anderson", { agency: ["tx-anderson-county-sheriffs-office"] })).id;
    sub.removed = (await web("/removed", { kind: ["removed"] })).id;
    sub.harris = (
      await subscribe(store, {
        channel: { type: "email", to: "harris@example.org" },
        filters: { county_fips: ["48201"] },
      })
    ).id;
  });
  afterAll(() => Promise.all([store.close(), hook.close(), smtp.close()]));

  it("subscribing records the ledger's history as known and queues none of it", async () => {
    const st = await alertStatus(store);
    expect(st.subscriptions.active).toBe(6);
    expect(st.outbox.pending).toBe(0);
    // Every alertable change of the real archive (one per key), baselined by the first subscribe.
    expect(st.cursor.by_outcome).toEqual({ baseline: st.cursor.changes });
    expect(st.cursor.changes).toBeGreaterThan(3800);
    expect(st.cursor.newest_list).toBe("2026-05-01");
    expect(await enqueueAlerts(store)).toMatchObject({ new: 0, queued: 0, first_run: false });
  });

  it("the list of 2026-05-04: added, renamed, redated; no removal yet", async () => {
    const s = await ingest(store, [writeList("participatingAgencies05042026am.xlsx", nextRows)]);
    expect(s).toMatchObject({ newObservations: 1, quarantined: [] });
    const agency = await store.db
      .selectFrom("agency")
      .select(["county_fips", "statewide"])
      .where("agency_id", "in", ["tx-pasadena-police-department", "tx-texas-parks-and-wildlife-department"])
      .orderBy("agency_id")
      .execute();
    // Placed by the geography layer: Pasadena from ICE's COUNTY column, Parks and Wildlife statewide.
    expect(agency).toEqual([
      { county_fips: "48201", statewide: 0 },
      { county_fips: null, statewide: 1 },
    ]);

    const e = await enqueueAlerts(store);
    expect(e).toMatchObject({ new: 5, no_match: 0, baseline: 0, historical: 0 });
    expect(await outboxKeys(store, sub.all as string)).toEqual(
      [K.pasadena, K.parks, K.example, K.autauga, K.anderson].sort(),
    );
    expect(await outboxKeys(store, sub.tx as string)).toEqual([K.pasadena, K.parks, K.anderson].sort());
    // Autauga County has JEM among its agreements, so its rename concerns JEM too.
    expect(await outboxKeys(store, sub.jem as string)).toEqual([K.example, K.autauga].sort());
    expect(await outboxKeys(store, sub.anderson as string)).toEqual([K.anderson]);
    expect(await outboxKeys(store, sub.removed as string)).toEqual([]);
    // Harris County: Pasadena, and Texas's statewide agency.
    expect(await outboxKeys(store, sub.harris as string)).toEqual([K.pasadena, K.parks].sort());
    expect(e.queued).toBe(5 + 3 + 2 + 1 + 0 + 2);
  });

  it("sends them: one signed POST per alert, one e-mail digest, nothing twice", async () => {
    const s = await send();
    expect(s).toMatchObject({ due: 13, sent: 13, failed: 0, dead: 0, deliveries: 11 + 1 });
    expect(hook.hits.every((h) => h.verified)).toBe(true);
    expect(hook.keys("/all")).toEqual([K.pasadena, K.parks, K.example, K.autauga, K.anderson].sort());
    expect(hook.keys("/tx")).toEqual([K.pasadena, K.parks, K.anderson].sort());
    expect(hook.keys("/jem")).toEqual([K.example, K.autauga].sort());
    expect(hook.keys("/anderson")).toEqual([K.anderson]);
    expect(hook.at("/removed")).toHaveLength(0);

    const pasadena = hook.at("/tx").find((h) => h.json.alert.key === K.pasadena) as Hit;
    expect(pasadena.delivery).toBe(pasadena.json.delivery_id);
    expect(pasadena.json.subscription_id).toBe(sub.tx);
    expect(pasadena.json.alert).toMatchObject({
      kind: "added",
      event: "appeared",
      date: "2026-05-04",
      summary:
        "New 287(g) agreement: Pasadena Police Department (Texas, Harris County), Task Force Model, signed 2026-05-04.",
      source: "Source: ICE participating list participatingAgencies05042026am.xlsx, published 2026-05-04.",
      agency: { id: "tx-pasadena-police-department", state: "TX", county_fips: "48201" },
      agreement: { id: "tx-pasadena-police-department/tfm/2026-05-04", model: "TFM", signed_on: "2026-05-04" },
      list: { file_name: "participatingAgencies05042026am.xlsx", published_at: "2026-05-04", kind: "participating" },
      links: {
        agency: "https://g287.example/app/#/agency/tx-pasadena-police-department",
        state: "https://g287.example/app/#/state/TX",
      },
    });
    const anderson = hook.at("/anderson")[0] as Hit;
    expect(anderson.json.alert.summary).toBe(
      "Signing date changed: Anderson County Sheriff's Office (Texas), Warrant Service Officer model: 2025-06-18 → 2025-06-11.",
    );
    const autauga = hook.at("/jem").find((h) => h.json.alert.key === K.autauga) as Hit;
    expect(autauga.json.alert.summary).toBe(
      `Renamed on ICE's list: "Autauga County Sheriff's Office" is now "Autuaga County Sheriff's Office" (AL).`,
    );

    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0] as Mail;
    expect(m.to).toEqual(["harris@example.org"]);
    expect(m.subject).toBe("g287: 2 changes to 287(g) agreements (TX)");
    expect(m.headers).toMatch(/^X-G287-Delivery: dg_[0-9a-f]{24}$/m);
    expect(m.text).toContain(
      "* New 287(g) agreement: Pasadena Police Department (Texas, Harris County), Task Force Model",
    );
    expect(m.text).toContain("Agency: https://g287.example/app/#/agency/tx-pasadena-police-department");
    expect(m.text).toContain(
      "Texas Parks and Wildlife Department (Texas), Warrant Service Officer model, signed 2026-05-03",
    );
    expect(m.text).toContain(
      "Source: ICE participating list participatingAgencies05042026am.xlsx, published 2026-05-04.",
    );
    expect(m.text).toContain(`g287 unsubscribe ${sub.harris}`);
    expect(m.html).toContain(
      '<a href="https://g287.example/app/#/agency/tx-pasadena-police-department">agency page</a>',
    );
    expect(m.html).toContain("Pasadena Police Department (Texas, Harris County)");

    expect(await send()).toMatchObject({ due: 0, sent: 0 });
    expect(hook.hits).toHaveLength(11);
  });

  it("the removal alert comes once the debounce confirms it (3 lists over 5 days)", async () => {
    await ingest(store, [writeList("participatingAgencies05062026am.xlsx", nextRows)]);
    // Not Sweetwater yet (2 lists); only the archive's two pending removals, now confirmed:
    // /all and /removed get both, /jem gets Marion County's JEM.
    expect(await enqueueAlerts(store)).toMatchObject({ new: 2, queued: 5 });
    expect(await outboxKeys(store, sub.removed as string)).toEqual([K.marion, K.stmary].sort());
    await ingest(store, [writeList("participatingAgencies05092026am.xlsx", nextRows)]);
    expect(await enqueueAlerts(store)).toMatchObject({ new: 1, queued: 3 });
    expect(await send()).toMatchObject({ due: 3 + 5, sent: 3 + 5 });
    for (const p of ["/all", "/jem", "/removed"]) expect(hook.keys(p)).toContain(K.sweetwater);
    expect(hook.keys("/removed")).toEqual([K.marion, K.stmary, K.sweetwater].sort());
    const r = hook.at("/removed").find((h) => h.json.alert.key === K.sweetwater) as Hit;
    expect(r.verified).toBe(true);
    expect(r.json.alert.summary).toBe(
      "Agreement removed: Sweetwater County Sheriff's Office (Wyoming), Jail Enforcement Model signed 2025-03-07. Missing from ICE's list since 2026-05-04 (3 lists in a row).",
    );
    // Dated from the first list without it; the source is the list that confirmed it.
    expect(r.json.alert.source).toBe(
      "Source: ICE participating list participatingAgencies05092026am.xlsx, published 2026-05-09.",
    );
    expect(hook.at("/tx").filter((h) => h.json.alert.key === K.sweetwater)).toHaveLength(0);
  });

  it("a full rebuild rewrites the event table but re-sends nothing", async () => {
    const before = hook.hits.length;
    const r = await rebuild(store);
    expect(r.mode).toBe("rebuild");
    expect(await enqueueAlerts(store)).toMatchObject({ new: 0, queued: 0 });
    expect(await send()).toMatchObject({ due: 0 });
    expect(hook.hits.length).toBe(before);
  });

  it("a back-filled older list renumbers every later event; only its own changes are sent", async () => {
    const seqOf = async () =>
      (
        await store.db
          .selectFrom("event")
          .select("seq")
          .where("agreement_id", "=", "tx-pasadena-police-department/tfm/2026-05-04")
          .where("type", "=", "appeared")
          .executeTakeFirstOrThrow()
      ).seq;
    const seqBefore = await seqOf();
    // A list of 2026-05-02 that was missed, with one agreement that the later lists no longer carry.
    const backfill = [
      ...body,
      listRow("OHIO", "Backfill Township Police Department", "Municipal", null, "Task Force Model", 46143), // 2026-05-01
    ];
    const s = await ingest(store, [writeList("participatingAgencies05022026am.xlsx", backfill)]);
    expect(s.rebuildReason).toMatch(/predates the latest one already applied/);
    expect(await seqOf()).toBeGreaterThan(seqBefore);

    const e = await enqueueAlerts(store);
    const added = "added|oh-backfill-township-police-department/tfm/2026-05-01";
    const removed = "removed|oh-backfill-township-police-department/tfm/2026-05-01|2026-05-04";
    expect(e).toMatchObject({ new: 2, queued: 3, historical: 0 });
    expect(await outboxKeys(store, sub.all as string)).toEqual(expect.arrayContaining([added, removed]));
    expect(await outboxKeys(store, sub.removed as string)).toEqual([K.marion, K.stmary, K.sweetwater, removed].sort());
    const sent = await send();
    expect(sent).toMatchObject({ due: 3, sent: 3 });
    // Every delivery id reached its receiver exactly once over the whole story.
    const ids = hook.hits.map((h) => `${h.path} ${h.delivery}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a back-filled list from long ago is history, not news", async () => {
    const old = readList("participating_2025-06-04.xlsx");
    const extra = old[0]?.map(() => null) as unknown[];
    const h = old[0] as unknown[];
    const c = (n: string) => h.findIndex((x) => String(x).trim() === n);
    extra[c("STATE")] = "OHIO";
    extra[c("LAW ENFORCEMENT AGENCY")] = "Long Ago Village Police Department";
    extra[c("SUPPORT TYPE")] = "Task Force Model";
    extra[c("SIGNED")] = 45812; // 2025-06-04
    const f = writeXlsx(path.join(tmpDir(), "participatingAgencies06042025pm.xlsx"), [...old, extra]);
    const s = await ingest(store, [f]);
    expect(s.mode).toBe("rebuild");
    const e = await enqueueAlerts(store);
    expect(e.queued).toBe(0);
    expect(e.historical).toBeGreaterThanOrEqual(1);
    const cursor = await alertDb(store.db)
      .selectFrom("alert_cursor")
      .select(["outcome", "list_date"])
      .where("change_key", "like", "%oh-long-ago-village-police-department%")
      .execute();
    expect(cursor.length).toBeGreaterThanOrEqual(1);
    expect(cursor.every((r) => r.outcome === "historical" && r.list_date < "2026-01-01")).toBe(true);
  });

  it("unsubscribing cancels what is undelivered", async () => {
    await ingest(store, [
      writeList("participatingAgencies05112026am.xlsx", [
        ...nextRows,
        listRow("TEXAS", "Late Addition Police Department", "Municipal", null, "Task Force Model", 46152),
      ]),
    ]);
    expect(await enqueueAlerts(store)).toMatchObject({ new: 1, queued: 2 });
    const r = await unsubscribe(store, sub.tx as string);
    expect(r).toMatchObject({ cancelled: 1, subscription: { active: false } });
    expect(await send()).toMatchObject({ due: 1, sent: 1 });
    expect(hook.keys("/tx")).not.toContain("added|tx-late-addition-police-department/tfm/2026-05-10");
    expect(hook.keys("/all")).toContain("added|tx-late-addition-police-department/tfm/2026-05-10");
  });
});

// ---------------------------------------------------------------- retries
