// SIGKILL at seeded random points during ingest, rebuild, sync and alert delivery (issue 13). Each
// kill must leave the store intact: integrity_check ok, the ledger as it was before or as it is
// after (never between), and the next run completes with the same exports as an uninterrupted
// run. Small real inputs keep it quick: the first six participating lists of ../shared/data/ice in
// a tiny archive folder, and a seventh list made from the sixth. Rows: docs/security/sigkill.json.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { securityLog } from "../scripts/security-table.js";
import { subscribe } from "../src/alerts/admin.js";
import { sendAlerts } from "../src/alerts/deliver.js";
import { enqueueAlerts } from "../src/alerts/outbox.js";
import { alertDb } from "../src/alerts/tables.js";
import { DELIVERY_HEADER } from "../src/alerts/webhook.js";
import { DATASETS, dataset } from "../src/analysis/datasets.js";
import { ingest } from "../src/pipeline/ingest.js";
import { sync } from "../src/pipeline/sync.js";
import { resolveSettings } from "../src/pipeline/sync-config.js";
import { openStore } from "../src/store/db.js";
import { FakeIce, icePage, workbook } from "./fake-ice.js";
import { prng } from "./fuzz/harness.js";
import { ARCHIVE, ROOT, readList, storeFingerprint, tmpDir, writeXlsx } from "./helpers.js";

const sec = securityLog("sigkill", "test/sigkill.test.ts");
afterAll(() => sec.flush());

const KILLS_PER_OP = 8;
const SEED = 287_013;

/** SECURITY.md's row for a run killed at the seeded points: what was killed, and what held after. */
const crash = (what: string, guarantee: string) =>
  ["Crash safety (SIGKILL)", `${what} killed at ${KILLS_PER_OP} seeded random points`, guarantee] as const;
const WHOLE = "the store is as before or as after, integrity_check ok, and the next";
// biome-ignore format: one row a line, as SECURITY.md shows them
const CRASHES = {
  ingest: crash("ingest of six real lists", `${WHOLE} ingest gives the same exports`),
  rebuild: crash("rebuild", `${WHOLE} ingest gives the same exports`),
  sync: crash("sync (download, archive, ingest)", `${WHOLE} sync gives the same exports`),
  alerts: crash("alerts send (20 webhooks)", "rows are pending or sent, never lost; a row marked sent was received; the next run sends the rest"),
};

// Seeded: the same kill points on every run.
const random = prng(SEED);

const work = tmpDir("g287-sigkill-");
const src = (m: string) => JSON.stringify(path.join(ROOT, "src", m));

// ---------------------------------------------------------------- inputs

const FILES = [
  "participating_2021-01-13.csv",
  "participating_2021-01-16.csv",
  "participating_2021-04-09.csv",
  "participating_2021-05-20.csv",
  "participating_2021-06-10.csv",
  "participating_2021-07-26.csv",
];

/** A tiny archive folder: six real lists with their own manifest and sightings rows. */
function tinyArchive(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const keep = (csv: string, fileCol: number) => {
    const [head, ...rows] = fs.readFileSync(path.join(ARCHIVE, csv), "utf8").trimEnd().split("\n");
    return `${[head, ...rows.filter((r) => FILES.includes(r.split(",")[fileCol] as string))].join("\n")}\n`;
  };
  fs.writeFileSync(path.join(dir, "MANIFEST.csv"), keep("MANIFEST.csv", 0));
  fs.writeFileSync(path.join(dir, "SIGHTINGS.csv"), keep("SIGHTINGS.csv", 3));
  for (const f of FILES) fs.copyFileSync(path.join(ARCHIVE, f), path.join(dir, f));
  return dir;
}

/** The sixth list with twenty agreements added: ICE's next list, for sync and alerts. */
function nextList(): Uint8Array {
  const rows = readList(FILES[5] as string).filter((r) => r.some((c) => c !== null && c !== ""));
  const header = rows[0] as unknown[];
  const col = (n: string) => header.findIndex((h) => String(h).trim().toUpperCase() === n);
  for (let i = 1; i <= 20; i++) {
    const r = header.map(() => null) as unknown[];
    r[col("STATE")] = "TEXAS";
    r[col("LAW ENFORCEMENT AGENCY")] = `Example Town ${i} Police Department`;
    r[col("SUPPORT TYPE")] = "Task Force Model";
    rows.push(r);
  }
  const file = writeXlsx(path.join(work, "participatingAgencies08022021am.xlsx"), rows);
  return new Uint8Array(fs.readFileSync(file));
}

// ---------------------------------------------------------------- the victim

const CHILD = path.join(work, "child.mts");
fs.writeFileSync(
  CHILD,
  `// Loads only what its operation needs: startup is most of a run's time.
const { openStore } = await import(${src("store/db.ts")});
const [op, db, a, b] = process.argv.slice(2);
const ingestMod = op === "ingest" || op === "rebuild" ? await import(${src("pipeline/ingest.ts")}) : null;
const syncMod = op === "sync" ? await import(${src("pipeline/sync.ts")}) : null;
const configMod = op === "sync" ? await import(${src("pipeline/sync-config.ts")}) : null;
const alertsMod = op === "send" ? await import(${src("alerts/deliver.ts")}) : null;
const store = await openStore(db);
process.stdout.write("ready\\n");
if (op === "ingest") await ingestMod.ingest(store, [a]);
else if (op === "rebuild") await ingestMod.rebuild(store);
else if (op === "sync") {
  const s = configMod.resolveSettings(null, { url: b, archive: a, retries: 0 }, {});
  const r = await syncMod.sync(store, { ...s, archiveDir: a });
  if (r.exitCode === 1) throw new Error(r.error ?? "sync failed");
} else if (op === "send") await alertsMod.sendAlerts(store, { backoffMs: 1, publicUrl: null });
process.stdout.write("done\\n");
await store.close();
`,
);

interface Run {
  /** Milliseconds from "ready" (store open) to "done". */
  ms: number;
  killed: boolean;
  code: number | null;
  stderr: string;
}

/** Runs one operation in a child; with `killAfterMs`, SIGKILLs it that long after it is ready. */
function victim(args: string[], killAfterMs?: number): Promise<Run> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", path.join(ROOT, "src/cli/register.mjs"), CHILD, ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    },
  );
  let out = "";
  let stderr = "";
  let ready = 0;
  let done = 0;
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  child.stdout?.on("data", (d) => {
    out += d;
    if (!ready && out.includes("ready\n")) {
      ready = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    }
    if (!done && out.includes("done\n")) done = performance.now();
  });
  return new Promise((resolve) =>
    child.on("exit", (code, signal) =>
      resolve({ ms: done && ready ? done - ready : Number.NaN, killed: signal === "SIGKILL", code, stderr }),
    ),
  );
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: false });
  try {
    return String(db.pragma("integrity_check", { simple: true }));
  } finally {
    db.close();
  }
}

/** The exports an uninterrupted run gives, as one comparable string. */
async function exportsOf(file: string): Promise<string> {
  const s = await openStore(file, { readonly: true });
  try {
    const parts: string[] = [];
    for (const name of DATASETS) parts.push(JSON.stringify(await dataset(s.db, name)));
    return parts.join("\n");
  } finally {
    await s.close();
  }
}

/** A copy of a closed store (checkpointed: no -wal to carry). */
function copyDb(from: string, name: string): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const to = path.join(dir, "g.db");
  fs.copyFileSync(from, to);
  return to;
}

let killsTotal = 0;
/** Where the kills left the ledger, for the log: before or after the operation's commit. */
const landed = { ingest: { before: 0, after: 0 }, sync: { before: 0, after: 0 } };
let ingestMs = 0;

/**
 * After a run that may have been killed (one that was not must have succeeded): the store passes
 * integrity_check and is as `before` or as `after` the operation; a kill is counted where it left it.
 */
async function asBeforeOrAfter(
  r: Run,
  db: string,
  before: string,
  after: string,
  tally: { before: number; after: number },
): Promise<void> {
  if (r.killed) killsTotal++;
  else expect(r.code, r.stderr).toBe(0);
  expect(integrity(db)).toBe("ok");
  const print = await storeFingerprint(db);
  expect([before, after]).toContain(print);
  if (r.killed) tally[print === before ? "before" : "after"]++;
}

/**
 * Runs `attempt` at seeded points spread over the operation's measured length (and a little past
 * it, to land on the commit) until KILLS_PER_OP runs were killed; a run that finished first still
 * has its store checked.
 */
async function untilKilled(ms: number, attempt: (at: number) => Promise<boolean>): Promise<void> {
  let kills = 0;
  for (let tries = 0; kills < KILLS_PER_OP; tries++) {
    expect(tries, "too many runs finished before their kill").toBeLessThan(KILLS_PER_OP * 3);
    if (await attempt(Math.round(random() * ms * 1.1))) kills++;
  }
}

// ---------------------------------------------------------------- the runs

const archive = tinyArchive(path.join(work, "archive"));
const empty = path.join(work, "empty.db");
const full = path.join(work, "full.db");
let fullExports = "";
let emptyPrint = "";
let fullPrint = "";

beforeAll(async () => {
  await (await openStore(empty)).close();
  fs.copyFileSync(empty, full);
  // Timed in a child like the victims: a fresh process runs colder than this one.
  const r = await victim(["ingest", full, archive]);
  expect(r.code, r.stderr).toBe(0);
  ingestMs = r.ms;
  emptyPrint = await storeFingerprint(empty);
  fullPrint = await storeFingerprint(full);
  fullExports = await exportsOf(full);
  expect(fullPrint).not.toBe(emptyPrint);
}, 120_000);

async function recoverWithIngest(db: string): Promise<void> {
  const s = await openStore(db);
  try {
    await ingest(s, [archive]);
  } finally {
    await s.close();
  }
}

describe("SIGKILL during ingest and rebuild", () => {
  it(`ingest killed at ${KILLS_PER_OP} seeded points: before or after, never between`, () =>
    sec.check(...CRASHES.ingest, async () => {
      await untilKilled(ingestMs, async (at) => {
        const db = copyDb(empty, "ingest");
        const r = await victim(["ingest", db, archive], at);
        await asBeforeOrAfter(r, db, emptyPrint, fullPrint, landed.ingest);
        await recoverWithIngest(db);
        expect(await exportsOf(db)).toBe(fullExports);
        return r.killed;
      });
    }));

  it(`rebuild killed at ${KILLS_PER_OP} seeded points: the ledger is whole either way`, () =>
    sec.check(...CRASHES.rebuild, async () => {
      const ref = await victim(["rebuild", copyDb(full, "rebuild-ref")]);
      expect(ref.code, ref.stderr).toBe(0);
      const rebuildMs = ref.ms;
      await untilKilled(rebuildMs, async (at) => {
        const db = copyDb(full, "rebuild");
        const r = await victim(["rebuild", db], at);
        if (r.killed) killsTotal++;
        else expect(r.code, r.stderr).toBe(0);
        expect(integrity(db)).toBe("ok");
        expect(await storeFingerprint(db)).toBe(fullPrint);
        expect(await exportsOf(db)).toBe(fullExports);
        await recoverWithIngest(db);
        expect(await exportsOf(db)).toBe(fullExports);
        return r.killed;
      });
    }));
});

describe("SIGKILL during sync and alert delivery", () => {
  let ice: FakeIce;
  let afterSyncPrint = "";
  let afterSyncExports = "";
  const LIST = "/sites/default/files/documents/287g/participatingAgencies08022021am.xlsx";
  const PAGE = "/identify-and-arrest/287g";

  beforeAll(async () => {
    ice = await new FakeIce().start();
    ice.set(PAGE, { body: icePage({ participating: LIST }), headers: { "content-type": "text/html" } });
    ice.set(LIST, workbook(nextList()));
  });
  afterAll(async () => {
    await ice.stop();
  });

  /** A fresh copy of the tiny archive and the store built from it: what sync starts from. */
  function syncStart(name: string): { db: string; dir: string } {
    const db = copyDb(full, name);
    const dir = path.join(path.dirname(db), "archive");
    fs.cpSync(archive, dir, { recursive: true });
    return { db, dir };
  }

  async function recoverWithSync(db: string, dir: string): Promise<void> {
    const s = await openStore(db);
    try {
      const r = await sync(s, {
        ...resolveSettings(null, { url: ice.url(PAGE), archive: dir, retries: 0 }, {}),
        archiveDir: dir,
      });
      expect(r.exitCode, r.error ?? "").not.toBe(1);
    } finally {
      await s.close();
    }
  }

  it(`sync killed at ${KILLS_PER_OP} seeded points: store and archive stay whole`, () =>
    sec.check(...CRASHES.sync, async () => {
      const start = syncStart("sync-ref");
      const ref = await victim(["sync", start.db, start.dir, ice.url(PAGE)]);
      expect(ref.code, ref.stderr).toBe(0);
      const syncMs = ref.ms;
      afterSyncPrint = await storeFingerprint(start.db);
      afterSyncExports = await exportsOf(start.db);
      expect(afterSyncPrint).not.toBe(fullPrint);
      await untilKilled(syncMs, async (at) => {
        const { db, dir } = syncStart("sync");
        const r = await victim(["sync", db, dir, ice.url(PAGE)], at);
        await asBeforeOrAfter(r, db, fullPrint, afterSyncPrint, landed.sync);
        await recoverWithSync(db, dir);
        expect(await storeFingerprint(db)).toBe(afterSyncPrint);
        expect(await exportsOf(db)).toBe(afterSyncExports);
        return r.killed;
      });
    }));

  it(`alert delivery killed at ${KILLS_PER_OP} seeded points: each alert ends sent, none lost`, () =>
    sec.check(...CRASHES.alerts, async () => {
      const received = new Set<string>();
      const hook = http.createServer((req, res) => {
        req.resume();
        req.on("end", () =>
          setTimeout(() => {
            received.add(String(req.headers[DELIVERY_HEADER.toLowerCase()]));
            res.writeHead(204).end();
          }, 15),
        );
      });
      await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
      const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/h`;
      try {
        // The starting point: a subscription, then ICE's next list, enqueued.
        const base = copyDb(full, "alerts-base");
        const s = await openStore(base);
        await subscribe(s, { channel: { type: "webhook", url: hookUrl, secret: "sigkill-secret-0123456789" } });
        const listDir = tmpDir("g287-sigkill-list-");
        const listFile = path.join(listDir, "participatingAgencies08022021am.xlsx");
        fs.writeFileSync(listFile, nextList());
        await ingest(s, [listFile]);
        const q = await enqueueAlerts(s);
        expect(q.queued).toBeGreaterThanOrEqual(20);
        await s.close();
        const ledger = await exportsOf(base);

        const ref = await victim(["send", copyDb(base, "alerts-ref")]);
        expect(ref.code, ref.stderr).toBe(0);
        const sendMs = ref.ms;
        await untilKilled(sendMs, async (at) => {
          received.clear();
          const db = copyDb(base, "alerts");
          const r = await victim(["send", db], at);
          if (r.killed) killsTotal++;
          else expect(r.code, r.stderr).toBe(0);
          expect(integrity(db)).toBe("ok");
          const st = await openStore(db);
          try {
            const rows = await alertDb(st.db).selectFrom("outbox").select(["outbox_id", "status"]).execute();
            expect(rows).toHaveLength(q.queued);
            for (const row of rows) {
              expect(["pending", "sent"]).toContain(row.status);
              if (row.status === "sent") expect(received.has(row.outbox_id), row.outbox_id).toBe(true);
            }
            // The next run, once the dead run's lease has passed, sends every row left.
            const later = new Date(Date.now() + 10 * 60_000);
            const again = await sendAlerts(st, { now: () => later, backoffMs: 1, publicUrl: null });
            expect(again.sent).toBe(rows.filter((x) => x.status === "pending").length);
            const after = await alertDb(st.db).selectFrom("outbox").select(["outbox_id", "status"]).execute();
            expect(after.every((x) => x.status === "sent" && received.has(x.outbox_id))).toBe(true);
          } finally {
            await st.close();
          }
          expect(await exportsOf(db)).toBe(ledger);
          return r.killed;
        });
      } finally {
        await new Promise<void>((r) => {
          hook.closeAllConnections();
          hook.close(() => r());
        });
      }
    }));

  it("at least 30 of the runs were killed mid-way", () => {
    console.log(`sigkill: ${killsTotal} runs killed; ledger left before/after: ${JSON.stringify(landed)}`);
    expect(killsTotal).toBeGreaterThanOrEqual(30);
  });
});
