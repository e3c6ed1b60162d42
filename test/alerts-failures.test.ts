// Alerts when things go wrong, on copies of the real ledger: a webhook receiver that fails or stays
// down, e-mail without SMTP settings, a process killed between ingest and delivery or mid-send,
// and a quarantined list (one suspicious-list notice, no removals).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertStatus, subscribe } from "../src/alerts/admin.js";
import { sendAlerts } from "../src/alerts/deliver.js";
import { enqueueAlerts } from "../src/alerts/outbox.js";
import { alertDb } from "../src/alerts/tables.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore, type Store } from "../src/store/db.js";
import { body, K, listRow, nextRows, outboxKeys, PUBLIC, SECRETS, writeList } from "./alert-story.js";
import { cli, cliAsync, copyArchiveDb, eventsDated, ROOT, tmpDir } from "./helpers.js";
import { type Hit, receiver, smtpSink } from "./receivers.js";

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
    const r = await cliAsync(["--db", db, "--json", "alerts", "send"], { env: { G287_PUBLIC_URL: PUBLIC } });
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
  afterAll(() => Promise.all([store.close(), hook.close(), smtp.close()]));

  it("sends one suspicious-list notice to every subscription and no removal alerts", async () => {
    const half = body.filter((_, i) => i % 2 === 0);
    // All three lists before 2026-05-05, so the archive's own two pending removals stay unconfirmed.
    const f = writeList("participatingAgencies05022026am.xlsx", half);
    await ingest(store, [f]);
    // Seen again the next day: still one notice for the file.
    const again = path.join(path.dirname(f), "participatingAgencies05032026am.xlsx");
    fs.copyFileSync(f, again);
    await ingest(store, [again]);
    const q = await eventsDated(store, "list_quarantined", ">=", "2026-05-02");
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
    const removed = await eventsDated(store, "removed", ">=", "2026-05-02");
    expect(removed).toHaveLength(0);
    expect(await outboxKeys(store, ids.removed as string)).toEqual([
      expect.stringMatching(/^suspicious_list\|[0-9a-f]{64}$/),
    ]);
  });
});

// ---------------------------------------------------------------- the admin API
