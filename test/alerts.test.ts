// Change alerts end to end, offline: subscriptions on a copy of the real ledger, new lists made
// from ICE's latest real list, a local webhook receiver that checks every HMAC, and an in-process
// SMTP sink. Checks the filters, the wording, retries, exactly-once after a crash, replays that
// renumber events, and quarantined lists.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertStatus, subscribe, unsubscribe } from "../src/alerts/admin.js";
import type { Change } from "../src/alerts/changes.js";
import { changeKey } from "../src/alerts/changes.js";
import { digest, escapeHtml, headline, links, publicBase } from "../src/alerts/compose.js";
import { sendAlerts } from "../src/alerts/deliver.js";
import { matches } from "../src/alerts/match.js";
import { enqueueAlerts } from "../src/alerts/outbox.js";
import { filtersSchema } from "../src/alerts/subscriptions.js";
import { alertDb } from "../src/alerts/tables.js";
import {
  DELIVERY_HEADER,
  isPrivateAddress,
  postWebhook,
  SIGNATURE_HEADER,
  verifySignature,
  webhookUrlProblem,
} from "../src/alerts/webhook.js";
import { ingest, rebuild } from "../src/pipeline/ingest.js";
import { alertRoutes } from "../src/server/alert-routes.js";
import { openStore, type Store } from "../src/store/db.js";
import { cli, copyArchiveDb, ROOT, readList, tmpDir, writeXlsx } from "./helpers.js";

// ---------------------------------------------------------------- fixtures from the real list

const dir = tmpDir("g287-alerts-");
const latest = readList("participating_2026-05-01.xlsx");
const header = latest[0] as unknown[];
const body = latest.slice(1).filter((r) => r.some((c) => c !== null && c !== ""));
const col = (name: string) => header.findIndex((h) => String(h).trim() === name);
const nameOf = (r: unknown[]) => String(r[col("LAW ENFORCEMENT AGENCY")]).trim();
const modelOf = (r: unknown[]) => String(r[col("SUPPORT TYPE")]).trim();
const stateOf = (r: unknown[]) => String(r[col("STATE")]).trim();

function listRow(state: string, agency: string, type: string, county: string | null, model: string, signed: number) {
  const r: unknown[] = header.map(() => null);
  r[col("STATE")] = state;
  r[col("LAW ENFORCEMENT AGENCY")] = agency;
  r[col("TYPE")] = type;
  r[col("COUNTY")] = county;
  r[col("SUPPORT TYPE")] = model;
  r[col("SIGNED")] = signed; // Excel serial: 46141 = 2026-04-29, 46145 = 2026-05-03, 46146 = 2026-05-04
  return r;
}

/**
 * ICE's 2026-05-01 list, changed the way real lists change: two new agreements in Texas (one in
 * Harris County, one a statewide agency), one in Florida under JEM; Autauga County AL misspelled
 * (a typo-tier rename); Anderson County TX's WSO date moved a week earlier (a redating); and
 * Sweetwater County WY's JEM row gone (pending removal, confirmed after 3 lists over 5 days).
 */
const nextRows = body
  .filter((r) => !(nameOf(r) === "Sweetwater County Sheriff's Office" && modelOf(r).startsWith("Jail")))
  .map((r) => {
    const c = [...r];
    if (nameOf(c) === "Autauga County Sheriff's Office")
      c[col("LAW ENFORCEMENT AGENCY")] = "Autuaga County Sheriff's Office";
    if (nameOf(c) === "Anderson County Sheriff's Office" && stateOf(c) === "TEXAS" && modelOf(c).startsWith("Warrant"))
      c[col("SIGNED")] = Number(c[col("SIGNED")]) - 7;
    return c;
  });
nextRows.push(
  listRow("TEXAS", "Pasadena Police Department", "Municipal", "Harris County", "Task Force Model", 46146),
  listRow("TEXAS", "Texas Parks and Wildlife Department", "State", null, "Warrant Service Officer", 46145),
  listRow("FLORIDA", "Example City Police Department", "Municipal", "Example County", "Jail Enforcement Model", 46141),
);
const writeList = (name: string, rows: unknown[][]) =>
  writeXlsx(path.join(tmpDir("g287-list-"), name), [header, ...rows]);

const K = {
  pasadena: "added|tx-pasadena-police-department/tfm/2026-05-04",
  parks: "added|tx-texas-parks-and-wildlife-department/wso/2026-05-03",
  example: "added|fl-example-city-police-department/jem/2026-04-29",
  autauga: "renamed|al-autauga-county-sheriffs-office|Autauga County Sheriff's Office>Autuaga County Sheriff's Office",
  anderson: "redated|tx-anderson-county-sheriffs-office/wso/2025-06-18|2025-06-18>2025-06-11",
  sweetwater: "removed|wy-sweetwater-county-sheriffs-office/jem/2025-03-07|2026-05-04",
  // The archive's own pending removals on 2026-05-01: last listed 2026-04-23, missing since 2026-04-30.
  // Any list from 2026-05-05 on (a 3rd list, 5 days) confirms them.
  marion: "removed|ar-marion-county-sheriffs-office/jem/2026-03-31|2026-04-30",
  stmary: "removed|mo-st-mary-police-department/tfm/2025-04-28|2026-04-30",
};

// ---------------------------------------------------------------- local receivers

interface Hit {
  path: string;
  delivery: string;
  body: string;
  json: {
    delivery_id: string;
    subscription_id: string;
    sent_at: string;
    alert: Change & { summary: string; source: string; links: { agency: string | null; state: string | null } };
  };
  verified: boolean;
  status: number;
}

/** A webhook receiver: checks each request's HMAC with the secret of its path. */
async function receiver(secrets: Record<string, string>, reply: (path: string, n: number) => number = () => 204) {
  const hits: Hit[] = [];
  const counts = new Map<string, number>();
  let onRequest: ((p: string) => void) | null = null;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", () => {
      const p = req.url ?? "";
      const n = (counts.get(p) ?? 0) + 1;
      counts.set(p, n);
      const status = reply(p, n);
      hits.push({
        path: p,
        delivery: String(req.headers[DELIVERY_HEADER.toLowerCase()]),
        body: raw,
        json: JSON.parse(raw),
        verified: verifySignature(secrets[p] ?? "", raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string),
        status,
      });
      onRequest?.(p);
      if (status === 0) return; // never answer: the sender is killed meanwhile
      res.writeHead(status).end(status < 300 ? "" : "nope");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (p: string) => `${base}${p}`,
    hits,
    at: (p: string) => hits.filter((h) => h.path === p),
    keys: (p: string) =>
      hits
        .filter((h) => h.path === p && h.status < 300)
        .map((h) => h.json.alert.key)
        .sort(),
    onRequest(fn: (p: string) => void) {
      onRequest = fn;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Mail {
  to: string[];
  subject: string;
  headers: string;
  text: string;
  html: string;
}

function decodePart(part: string): { type: string; content: string } {
  const [head = "", ...rest] = part.split(/\r?\n\r?\n/);
  const raw = rest.join("\n\n");
  const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? "";
  const enc = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  let content = raw;
  if (enc === "base64") content = Buffer.from(raw.replace(/\s+/g, ""), "base64").toString("utf8");
  else if (enc === "quoted-printable")
    content = Buffer.from(
      raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  return { type, content };
}

/** An SMTP sink in this process (no auth, no TLS), with a tiny MIME reader for the two parts. */
async function smtpSink() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        raw += d;
      });
      stream.on("end", () => {
        const [headers = ""] = raw.split(/\r?\n\r?\n/);
        const boundary = /boundary="?([^"\r\n;]+)"?/i.exec(headers)?.[1] as string;
        const parts = raw.split(`--${boundary}`).slice(1, -1).map(decodePart);
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "",
          headers,
          text: parts.find((p) => p.type === "text/plain")?.content ?? "",
          html: parts.find((p) => p.type === "text/html")?.content ?? "",
        });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SECRETS: Record<string, string> = {
  "/all": "all-secret-0123456789",
  "/tx": "texas-secret-0123456789",
  "/jem": "jem-secret-0123456789",
  "/anderson": "anderson-secret-0123456789",
  "/removed": "removed-secret-0123456789",
  "/flaky": "flaky-secret-0123456789",
};
const PUBLIC = "https://g287.example/app/";

async function outboxKeys(store: Store, subId: string): Promise<string[]> {
  const rows = await alertDb(store.db)
    .selectFrom("outbox")
    .select("change_key")
    .where("subscription_id", "=", subId)
    .orderBy("change_key")
    .execute();
  return rows.map((r) => r.change_key);
}

// ---------------------------------------------------------------- a new list, end to end

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
  afterAll(async () => {
    await store.close();
    await hook.close();
    await smtp.close();
  });

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

describe("webhook delivery retries", () => {
  let store: Store;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let failing = 1;
  beforeAll(async () => {
    flaky = await receiver(SECRETS, (p, n) => (p === "/flaky" && n <= failing ? 500 : 200));
    store = await openStore(copyArchiveDb());
    await subscribe(store, {
      channel: { type: "webhook", url: flaky.url("/flaky"), secret: SECRETS["/flaky"] },
      filters: { state: ["FL"] },
    });
    await ingest(store, [writeList("participatingAgencies05042026am.xlsx", nextRows)]);
    expect(await enqueueAlerts(store)).toMatchObject({ queued: 1 });
  });
  afterAll(async () => {
    await store.close();
    await flaky.close();
  });

  it("a 500 is retried with backoff in the same run, then succeeds once", async () => {
    const s = await sendAlerts(store, { backoffMs: 20, publicUrl: null });
    expect(s).toMatchObject({ due: 1, sent: 1, failed: 0 });
    expect(flaky.hits.map((h) => h.status)).toEqual([500, 200]);
    expect(flaky.hits.every((h) => h.verified)).toBe(true);
    // Same delivery id on both tries; each try carries its own signed timestamp.
    expect(new Set(flaky.hits.map((h) => h.delivery)).size).toBe(1);
    expect(flaky.hits[1]?.json.alert.key).toBe(K.example);
    expect(flaky.hits[1]?.json.alert.links).toEqual({ agency: null, state: null });
    expect(await sendAlerts(store, { backoffMs: 20 })).toMatchObject({ due: 0 });
  });

  it("a receiver that stays down: retried by later runs with growing delays, then given up", async () => {
    await ingest(store, [
      writeList("participatingAgencies05062026am.xlsx", [
        ...nextRows,
        listRow("FLORIDA", "Second Example Police Department", "Municipal", null, "Task Force Model", 46148),
      ]),
    ]);
    expect(await enqueueAlerts(store)).toMatchObject({ queued: 1 });
    failing = 1000;
    flaky.hits.length = 0;
    const t0 = Date.now();
    const opts = { attempts: 2, backoffMs: 5, retryBaseMs: 60_000, maxAttempts: 3 };
    const run1 = await sendAlerts(store, { ...opts, now: () => new Date(t0) });
    expect(run1).toMatchObject({ due: 1, sent: 0, failed: 1, dead: 0 });
    expect(run1.errors[0]?.error).toBe("HTTP 500");
    expect(flaky.hits).toHaveLength(2);
    // Not due again until the backoff has passed: 1 minute, then 2.
    expect(await sendAlerts(store, { ...opts, now: () => new Date(t0 + 59_000) })).toMatchObject({ due: 0 });
    expect(await sendAlerts(store, { ...opts, now: () => new Date(t0 + 61_000) })).toMatchObject({ failed: 1 });
    expect(await sendAlerts(store, { ...opts, now: () => new Date(t0 + 61_000 + 119_000) })).toMatchObject({ due: 0 });
    const last = await sendAlerts(store, { ...opts, now: () => new Date(t0 + 61_000 + 121_000) });
    expect(last).toMatchObject({ due: 1, dead: 1, failed: 0 });
    expect(flaky.hits).toHaveLength(6);
    const st = await alertStatus(store);
    expect(st.outbox).toMatchObject({ dead: 1, pending: 0 });
    expect(st.dead[0]).toMatchObject({ attempts: 3, last_error: "HTTP 500" });
  });

  it("e-mail without SMTP settings stays in the outbox and counts no attempt", async () => {
    const s2 = await subscribe(store, { channel: { type: "email", to: "fl@example.org" }, filters: { state: ["FL"] } });
    await ingest(store, [
      writeList("participatingAgencies05082026am.xlsx", [
        ...nextRows,
        listRow("FLORIDA", "Second Example Police Department", "Municipal", null, "Task Force Model", 46148),
        listRow("FLORIDA", "Third Example Police Department", "Municipal", null, "Task Force Model", 46150),
      ]),
    ]);
    expect(await enqueueAlerts(store)).toMatchObject({ new: 1, queued: 2 });
    failing = 0;
    const s = await sendAlerts(store, { smtpUrl: "", mailFrom: "" });
    expect(s).toMatchObject({ sent: 1, held: 1 });
    expect(s.errors[0]).toMatchObject({
      subscription_id: s2.id,
      error: expect.stringMatching(/G287_SMTP_URL is not set/),
    });
    const row = await alertDb(store.db)
      .selectFrom("outbox")
      .select(["status", "attempts"])
      .where("subscription_id", "=", s2.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "pending", attempts: 0 });
  });
});

// ---------------------------------------------------------------- crashes

/** Runs a TypeScript snippet in a child process with the project's loader. */
function child(code: string) {
  const file = path.join(tmpDir("g287-child-"), "child.mts");
  fs.writeFileSync(file, code);
  return spawn(process.execPath, ["--import", path.join(ROOT, "src/cli/register.mjs"), file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}
const src = (m: string) => JSON.stringify(path.join(ROOT, "src", m));

/** `cli()` without blocking this process, for commands that talk to a receiver running here. */
function cliAsync(args: string[], env: Record<string, string> = {}) {
  const p = spawn(path.join(ROOT, "bin/g287"), args, { env: { ...process.env, ...env }, cwd: ROOT });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d) => {
    stdout += d;
  });
  p.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((r) =>
    p.on("close", (status) => r({ status, stdout, stderr })),
  );
}

describe("a crash between ingest and delivery loses nothing and sends nothing twice", () => {
  let db: string;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let hold = false;
  beforeAll(async () => {
    hook = await receiver(SECRETS, () => (hold ? 0 : 200));
    db = copyArchiveDb();
    const store = await openStore(db);
    await subscribe(store, { channel: { type: "webhook", url: hook.url("/all"), secret: SECRETS["/all"] } });
    await subscribe(store, {
      channel: { type: "webhook", url: hook.url("/tx"), secret: SECRETS["/tx"] },
      filters: { state: ["TX"] },
    });
    await store.close();
  });
  afterAll(async () => {
    await hook.close();
  });

  it("ingest and enqueue in a process killed before it sends; a fresh process sends each alert once", async () => {
    const p = child(`
      import { ingest } from ${src("pipeline/ingest.ts")};
      import { enqueueAlerts } from ${src("alerts/outbox.ts")};
      import { sendAlerts } from ${src("alerts/deliver.ts")};
      import { openStore } from ${src("store/db.ts")};
      const store = await openStore(${JSON.stringify(db)});
      await ingest(store, [${JSON.stringify(writeList("participatingAgencies05042026am.xlsx", nextRows))}]);
      const e = await enqueueAlerts(store);
      process.stdout.write(JSON.stringify(e) + "\\n");
      process.kill(process.pid, "SIGKILL");
      await sendAlerts(store);
    `);
    let outText = "";
    p.stdout.on("data", (d) => {
      outText += d;
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => p.on("exit", (c, s) => r([c, s])));
    expect(signal).toBe("SIGKILL");
    expect(code).toBeNull();
    expect(JSON.parse(outText)).toMatchObject({ new: 5, queued: 8 });
    expect(hook.hits).toHaveLength(0);

    // Asynchronously: the receiver runs in this process and must answer while the CLI waits.
    const r = await cliAsync(["--db", db, "--json", "alerts", "send"], { G287_PUBLIC_URL: PUBLIC });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ due: 8, sent: 8 });
    expect(hook.keys("/all")).toEqual([K.pasadena, K.parks, K.example, K.autauga, K.anderson].sort());
    expect(hook.keys("/tx")).toEqual([K.pasadena, K.parks, K.anderson].sort());
    // Restarted again: nothing new, nothing due.
    expect(JSON.parse(cli(["--db", db, "--json", "alerts", "enqueue"]).stdout)).toMatchObject({ new: 0, queued: 0 });
    expect(JSON.parse((await cliAsync(["--db", db, "--json", "alerts", "send"])).stdout)).toMatchObject({ due: 0 });
    expect(hook.hits).toHaveLength(8);
  });

  it("killed mid-send: the unconfirmed alert is sent again with the same delivery id, the rest are not", async () => {
    const store = await openStore(db);
    await ingest(store, [
      writeList("participatingAgencies05062026am.xlsx", [
        ...nextRows,
        listRow("TEXAS", "Crash Test Police Department", "Municipal", null, "Task Force Model", 46148),
      ]),
    ]);
    // Crash Test PD (to /all and /tx), and the archive's two pending removals confirmed (to /all).
    expect(await enqueueAlerts(store)).toMatchObject({ new: 3, queued: 4 });
    await store.close();
    hook.hits.length = 0;
    hold = true;
    const p = child(`
      import { sendAlerts } from ${src("alerts/deliver.ts")};
      import { openStore } from ${src("store/db.ts")};
      const store = await openStore(${JSON.stringify(db)});
      await sendAlerts(store, { timeoutMs: 60000 });
    `);
    // The receiver got the first POST but the sender dies before the reply.
    hook.onRequest(() => p.kill("SIGKILL"));
    await new Promise((r) => p.on("exit", r));
    expect(hook.hits).toHaveLength(1);
    const first = hook.hits[0] as Hit;
    hold = false;

    const again = await openStore(db);
    // The dead run's lease holds the rows for 5 minutes; a restart after that sends them.
    expect(await sendAlerts(again, {})).toMatchObject({ due: 0 });
    const later = new Date(Date.now() + 6 * 60_000);
    expect(await sendAlerts(again, { now: () => later })).toMatchObject({ due: 4, sent: 4 });
    await again.close();
    expect(hook.hits).toHaveLength(5);
    const repeat = hook.hits.filter((h) => h.delivery === first.delivery);
    expect(repeat).toHaveLength(2);
    expect(repeat[1]?.json.alert.key).toBe(first.json.alert.key);
    expect(new Set(hook.hits.map((h) => h.delivery)).size).toBe(4);
  });
});

// ---------------------------------------------------------------- quarantine

describe("a quarantined list", () => {
  let store: Store;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    hook = await receiver(SECRETS);
    smtp = await smtpSink();
    store = await openStore(copyArchiveDb());
    ids.all = (
      await subscribe(store, { channel: { type: "webhook", url: hook.url("/all"), secret: SECRETS["/all"] } })
    ).id;
    ids.removed = (
      await subscribe(store, {
        channel: { type: "webhook", url: hook.url("/removed"), secret: SECRETS["/removed"] },
        filters: { kind: ["removed"] },
      })
    ).id;
    ids.wi = (
      await subscribe(store, { channel: { type: "email", to: "wi@example.org" }, filters: { state: ["WI"] } })
    ).id;
  });
  afterAll(async () => {
    await store.close();
    await hook.close();
    await smtp.close();
  });

  it("sends one suspicious-list notice to every subscription and no removal alerts", async () => {
    const half = body.filter((_, i) => i % 2 === 0);
    // All three lists before 2026-05-05, so the archive's own two pending removals stay unconfirmed.
    const f = writeList("participatingAgencies05022026am.xlsx", half);
    await ingest(store, [f]);
    // Seen again the next day: still one notice for the file.
    const again = path.join(path.dirname(f), "participatingAgencies05032026am.xlsx");
    fs.copyFileSync(f, again);
    await ingest(store, [again]);
    const q = await store.db
      .selectFrom("event")
      .select(["snapshot_id", "detail"])
      .where("type", "=", "list_quarantined")
      .where("date", ">=", "2026-05-02")
      .execute();
    expect(q).toHaveLength(2);
    expect(new Set(q.map((e) => e.snapshot_id)).size).toBe(1);
    // Then the good list returns: nothing was removed, nothing to say.
    await ingest(store, [writeList("participatingAgencies05042026am.xlsx", body)]);

    const e = await enqueueAlerts(store);
    expect(e).toMatchObject({ new: 1, queued: 3 });
    const sent = await sendAlerts(store, { smtpUrl: smtp.url, mailFrom: "alerts@g287.example", publicUrl: PUBLIC });
    expect(sent).toMatchObject({ sent: 3, failed: 0 });
    const notice = hook.hits.map((h) => h.json.alert);
    expect(notice.map((a) => a.kind)).toEqual(["suspicious_list", "suspicious_list"]);
    expect(hook.hits.every((h) => h.verified)).toBe(true);
    expect(notice[0]?.summary).toMatch(
      /^ICE published a suspicious list: participatingAgencies05022026am\.xlsx \(2026-05-02\) was recorded but not applied: mass drop: 890 usable rows against 1779 on the last applied list \(50\.0%, threshold 70%\)\. No agreement is marked removed because of it\.$/,
    );
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.subject).toBe("g287: ICE published a suspicious list");
    expect(smtp.mails[0]?.text).toContain("ICE published a suspicious list: participatingAgencies05022026am.xlsx");
    const removed = await store.db
      .selectFrom("event")
      .select("seq")
      .where("type", "=", "removed")
      .where("date", ">=", "2026-05-02")
      .execute();
    expect(removed).toHaveLength(0);
    expect(await outboxKeys(store, ids.removed as string)).toEqual([
      expect.stringMatching(/^suspicious_list\|[0-9a-f]{64}$/),
    ]);
  });
});

// ---------------------------------------------------------------- the admin API

describe("POST/GET/DELETE /subscriptions behind the admin token", () => {
  let store: Store;
  const TOKEN = "admin-token-for-tests-0123456789";
  let app: ReturnType<typeof alertRoutes>;
  beforeAll(async () => {
    store = await openStore(copyArchiveDb());
    app = alertRoutes(store, TOKEN);
  });
  afterAll(async () => {
    await store.close();
  });
  const req = (method: string, p: string, opts: { token?: string; body?: unknown } = {}) =>
    app.request(p, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    });

  type Reply = {
    error: { status: number; code: string; message: string };
    data: { id: string; active: boolean };
    count: number;
  };
  const json = async (r: Response) => (await r.json()) as Reply;

  it("401 without the token or with a wrong one", async () => {
    for (const token of [undefined, "wrong", `${TOKEN}x`]) {
      const r = await req("GET", "/subscriptions", { token });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await json(r)).error).toMatchObject({ status: 401, code: "unauthorized" });
    }
    expect((await req("POST", "/subscriptions", { body: {} })).status).toBe(401);
    expect((await req("DELETE", "/subscriptions/sub_x")).status).toBe(401);
    // A server without a token refuses every admin call.
    expect(
      (await alertRoutes(store, undefined).request("/subscriptions", { headers: { authorization: "Bearer " } })).status,
    ).toBe(401);
  });

  it("validates the body, never echoes the secret, lists and ends subscriptions", async () => {
    const bad = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: { channel: { type: "webhook", url: "file:///etc/passwd", secret: "x" }, filters: { state: ["ZZ"] } },
    });
    expect(bad.status).toBe(400);
    const err = (await json(bad)).error;
    expect(err.code).toBe("invalid_subscription");
    expect(err.message).toContain("only http:// and https:// webhooks are allowed, not file:");
    expect(err.message).toContain("filters.state.0: expected a two-letter state code");
    expect(err.message).toContain("at least 16 characters");
    expect((await req("POST", "/subscriptions", { token: TOKEN, body: "{not json" })).status).toBe(400);
    const unknownAgency = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: { channel: { type: "email", to: "a@example.org" }, filters: { agency: ["tx-no-such-agency"] } },
    });
    expect(unknownAgency.status).toBe(400);

    const ok = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: {
        channel: { type: "webhook", url: "https://hooks.example.org/g287", secret: "a-very-secret-key-123" },
        filters: { state: ["tx", "FL"], model: ["tfm"] },
      },
    });
    expect(ok.status).toBe(201);
    const text = await ok.text();
    expect(text).not.toContain("a-very-secret-key-123");
    const created = JSON.parse(text).data;
    expect(created).toMatchObject({
      active: true,
      channel: { type: "webhook", url: "https://hooks.example.org/g287", secret: "(set)" },
      filters: { state: ["FL", "TX"], model: ["TFM"], county_fips: [], agency: [], kind: [] },
    });
    expect(created.id).toMatch(/^sub_[0-9a-f]{12}$/);

    const list = await json(await req("GET", "/subscriptions", { token: TOKEN }));
    expect(list.count).toBe(1);
    expect(JSON.stringify(list)).not.toContain("a-very-secret-key-123");
    const del = await req("DELETE", `/subscriptions/${created.id}`, { token: TOKEN });
    expect(del.status).toBe(200);
    expect((await json(del)).data.active).toBe(false);
    expect((await json(await req("GET", "/subscriptions", { token: TOKEN }))).count).toBe(0);
    expect((await req("DELETE", "/subscriptions/sub_000000000000", { token: TOKEN })).status).toBe(404);
  });
});

// ---------------------------------------------------------------- the CLI

describe("g287 subscribe / subscriptions / unsubscribe / alerts", () => {
  it("round trip, with usage errors for bad flags", () => {
    const db = copyArchiveDb();
    const r = cli(["--db", db, "subscribe", "--email", "a@example.org", "--state", "tx,fl", "--model", "jem"]);
    expect(r.status, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^sub_[0-9a-f]{12}$/);
    const w = cli(["--db", db, "subscribe", "--webhook", "http://127.0.0.1:9/h", "--county", "48201"], {
      G287_WEBHOOK_SECRET: "from-the-environment-123",
    });
    expect(w.status, w.stderr).toBe(0);
    const list = JSON.parse(cli(["--db", db, "--json", "subscriptions"]).stdout);
    expect(list.count).toBe(2);
    expect(list.rows[0]).toMatchObject({ id, filters: { state: ["FL", "TX"], model: ["JEM"] } });
    expect(list.rows[1].channel).toEqual({ type: "webhook", url: "http://127.0.0.1:9/h", secret: "(set)" });

    const bad = cli(["--db", db, "subscribe", "--webhook", "gopher://x", "--secret", "0123456789abcdef"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "g287: subscribe: channel.url: only http:// and https:// webhooks are allowed, not gopher:",
    );
    expect(cli(["--db", db, "subscribe", "--email", "a@example.org", "--webhook", "http://x"]).status).toBe(2);
    expect(cli(["--db", db, "subscribe", "--email", "a@example.org", "--kind", "everything"]).status).toBe(2);
    expect(cli(["--db", path.join(dir, "none.db"), "subscribe", "--email", "a@example.org"]).status).toBe(1);
    expect(fs.existsSync(path.join(dir, "none.db"))).toBe(false);

    expect(cli(["--db", db, "unsubscribe", id]).status).toBe(0);
    const u = cli(["--db", db, "unsubscribe", "sub_nope"]);
    expect(u.status).toBe(1);
    expect(u.stderr.trim()).toBe("g287: sub_nope: no such subscription (see `g287 subscriptions --all`)");
    expect(JSON.parse(cli(["--db", db, "--json", "subscriptions", "--all"]).stdout).count).toBe(2);
    const st = cli(["--db", db, "alerts", "status"]);
    expect(st.status).toBe(0);
    expect(st.stdout).toMatch(/^subscriptions {3}1 active, 1 ended$/m);
  });
});

// ---------------------------------------------------------------- pure parts

const agency = (o: Partial<NonNullable<Change["agency"]>> = {}) => ({
  id: "tx-pasadena-police-department",
  name: "Pasadena Police Department",
  state: "TX",
  county_fips: "48201",
  county_name: "Harris County",
  statewide: false,
  ...o,
});
const change = (o: Partial<Change> = {}): Change => ({
  key: "added|x",
  kind: "added",
  event: "appeared",
  date: "2026-03-30",
  agency: agency(),
  agreement: {
    id: "tx-pasadena-police-department/tfm/2026-03-30",
    model: "TFM",
    signed_on: "2026-03-30",
    status: "active",
  },
  application: null,
  models: ["TFM"],
  detail: {},
  list: {
    file_name: "participatingAgencies03302026am.xlsx",
    published_at: "2026-03-30",
    date_basis: "publication",
    kind: "participating",
    status: "applied",
    snapshot_id: "ab",
    obs_id: "2026-03-30|am|ab",
  },
  ...o,
});
const f = (o: Record<string, string[]>) => filtersSchema.parse(o);

describe("matching (pure)", () => {
  it("no filters: everything", () => {
    expect(matches(f({}), change())).toBe(true);
  });
  it("state, county and agency filters are alternatives", () => {
    expect(matches(f({ state: ["TX"] }), change())).toBe(true);
    expect(matches(f({ state: ["FL"] }), change())).toBe(false);
    expect(matches(f({ county_fips: ["48201"] }), change())).toBe(true);
    expect(matches(f({ county_fips: ["48113"] }), change())).toBe(false);
    expect(matches(f({ agency: ["tx-pasadena-police-department"] }), change())).toBe(true);
    expect(matches(f({ agency: ["tx-houston-police-department"] }), change())).toBe(false);
    expect(matches(f({ state: ["FL"], county_fips: ["48201"] }), change())).toBe(true);
    expect(matches(f({ state: ["FL"], agency: ["tx-houston-police-department"] }), change())).toBe(false);
  });
  it("an agency with no county matches no county filter, unless it is statewide in that state", () => {
    const unplaced = change({ agency: agency({ county_fips: null }) });
    expect(matches(f({ county_fips: ["48201"] }), unplaced)).toBe(false);
    const dps = change({ agency: agency({ id: "tx-dps", county_fips: null, statewide: true }) });
    expect(matches(f({ county_fips: ["48201"] }), dps)).toBe(true);
    expect(matches(f({ county_fips: ["12086"] }), dps)).toBe(false);
  });
  it("model and kind narrow the place filters", () => {
    expect(matches(f({ state: ["TX"], model: ["JEM"] }), change())).toBe(false);
    expect(matches(f({ state: ["TX"], model: ["TFM", "JEM"] }), change())).toBe(true);
    expect(matches(f({ kind: ["removed"] }), change())).toBe(false);
    expect(matches(f({ kind: ["removed", "added"] }), change())).toBe(true);
    const relabel = change({ kind: "model_changed", event: "model_changed", models: ["JEM", "WSO"] });
    expect(matches(f({ model: ["WSO"] }), relabel)).toBe(true);
  });
  it("a suspicious-list notice reaches every subscription, whatever its filters", () => {
    const q = change({ kind: "suspicious_list", event: "list_quarantined", agency: null, agreement: null, models: [] });
    expect(matches(f({ state: ["WY"], model: ["JEM"], kind: ["removed"] }), q)).toBe(true);
  });
  it("a change without an agency matches no place filter", () => {
    expect(matches(f({ state: ["TX"] }), change({ agency: null }))).toBe(false);
  });
});

describe("change keys (pure)", () => {
  const ev = {
    date: "2026-03-30",
    obs_id: "2026-03-30|am|ab",
    snapshot_id: "ab",
    agency_id: "tx-a",
    agreement_id: "tx-a/tfm/2026-03-01",
    application_id: null,
    detail: {},
  };
  it("name the change, not the list that showed it first", () => {
    const a = changeKey({ ...ev, type: "appeared" });
    expect(changeKey({ ...ev, type: "appeared", date: "2026-03-28", obs_id: "2026-03-28|am|cd" })).toBe(a);
    expect(a).toBe("added|tx-a/tfm/2026-03-01");
    expect(changeKey({ ...ev, type: "redated", detail: { from: "2026-03-01", to: "2026-02-01" } })).toBe(
      "redated|tx-a/tfm/2026-03-01|2026-03-01>2026-02-01",
    );
    expect(changeKey({ ...ev, type: "list_quarantined", obs_id: "x" })).toBe(
      changeKey({ ...ev, type: "list_quarantined", obs_id: "y", date: "2026-03-31" }),
    );
  });
});

describe("composing (pure)", () => {
  it("escapes HTML from list cells and builds hash-route links under the public URL", () => {
    const evil = change({ agency: agency({ name: `<img src=x onerror="alert(1)"> & Co's PD` }) });
    const d = digest([evil], publicBase("https://g287.example/sub/"), "sub_1");
    expect(d.html).not.toContain("<img");
    expect(d.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co&#39;s PD");
    expect(d.text).toContain(`<img src=x onerror="alert(1)"> & Co's PD`);
    expect(escapeHtml(`"'<>&`)).toBe("&quot;&#39;&lt;&gt;&amp;");
    expect(links(evil, publicBase("https://g287.example/sub/"))).toEqual({
      agency: "https://g287.example/sub/#/agency/tx-pasadena-police-department",
      state: "https://g287.example/sub/#/state/TX",
    });
    expect(publicBase("javascript:alert(1)")).toBeNull();
    expect(publicBase(undefined)).toBeNull();
  });
  it("says what changed for each kind", () => {
    expect(
      headline(
        change({
          kind: "pending_signed",
          event: "pending_signed",
          agreement: null,
          application: { id: "x", model: "WSO", status: "signed", first_listed: "2025-02-21" },
          agency: agency({ name: "Campbell County Sheriff's Office", state: "WY", county_name: "Campbell County" }),
          detail: { signed_on: "2025-02-26", days_pending: 5 },
        }),
      ),
    ).toBe(
      "Pending application signed: Campbell County Sheriff's Office (Wyoming), Warrant Service Officer model, signed 2025-02-26 after 5 days on the pending list.",
    );
    expect(
      headline(
        change({
          kind: "pending_added",
          event: "pending_added",
          agreement: null,
          application: { id: "x", model: "TFM", status: "pending", first_listed: "2026-03-30" },
        }),
      ),
    ).toBe(
      "New pending application: Pasadena Police Department (Texas, Harris County) applied for the Task Force Model.",
    );
  });
});

describe("webhook safety (pure and local)", () => {
  it("only http(s) URLs without credentials", () => {
    expect(webhookUrlProblem("https://example.org/hook")).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:8080/x")).toBeNull();
    for (const u of ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "gopher://x", "/relative"])
      expect(webhookUrlProblem(u)).not.toBeNull();
    expect(webhookUrlProblem("https://user:pw@example.org/")).toMatch(/credentials/);
  });
  it("private addresses are recognised (for G287_WEBHOOK_DENY_PRIVATE)", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "2606:4700::1111", "172.32.0.1"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });
  it("refuses a private target when asked, without sending; never follows a redirect", async () => {
    const hook = await receiver({ "/r": "r-secret-0123456789" }, () => 302);
    const body = () => "{}";
    const denied = await postWebhook(hook.url("/r"), "k", "ob_1", body, { denyPrivate: true });
    expect(denied).toMatchObject({ ok: false, retryable: false });
    expect(hook.hits).toHaveLength(0);
    const redirected = await postWebhook(hook.url("/r"), "k", "ob_1", body, { backoffMs: 1 });
    expect(redirected).toMatchObject({
      ok: false,
      error: "HTTP 302 (redirects are not followed)",
      retryable: false,
      attempts: 1,
    });
    await hook.close();
  });
  it("times out a receiver that never answers", async () => {
    const hook = await receiver({}, () => 0);
    const r = await postWebhook(hook.url("/slow"), "k", "ob_1", () => "{}", {
      timeoutMs: 200,
      attempts: 2,
      backoffMs: 1,
    });
    expect(r).toMatchObject({ ok: false, error: "timed out after 200 ms", attempts: 2 });
    await hook.close();
  });
});
