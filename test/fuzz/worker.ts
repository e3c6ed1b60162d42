// One fuzzing child: ingests cases [from, end) of a seed, each into a fresh copy of a small store,
// and reports each outcome to the parent (harness.ts), which enforces the deadline.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../../src/errors.js";
import { ingest } from "../../src/pipeline/ingest.js";
import { openStore } from "../../src/store/db.js";
import {
  ARCHIVE,
  BASE_LIST,
  CASE_MB,
  CASE_MS,
  type CaseResult,
  makeCase,
  type Outcome,
  SMALL_SEEDS,
} from "./harness.js";

/** A hash of every row of every table: a failed ingest must leave it as it was. */
export function contentHash(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const h = createHash("sha256");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    for (const { name } of tables) {
      h.update(`\0table ${name}\0`);
      for (const row of db
        .prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`)
        .raw()
        .iterate() as Iterable<unknown[]>) {
        for (const v of row) {
          if (Buffer.isBuffer(v)) h.update(v);
          else h.update(String(v));
          h.update("\0");
        }
      }
    }
    return h.digest("hex");
  } finally {
    db.close();
  }
}

export function storeOk(file: string): { ok: boolean; observations: number; why: string } {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = (db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join(",");
    const fk = db.prepare("PRAGMA foreign_key_check").all();
    const n = (db.prepare("SELECT count(*) AS n FROM observation").get() as { n: number }).n;
    const ok = integrity === "ok" && fk.length === 0;
    return { ok, observations: n, why: ok ? "" : `integrity ${integrity}, ${fk.length} foreign key errors` };
  } finally {
    db.close();
  }
}

/** The store every case starts from: one real list. Made once and shared by every child of a run. */
export async function baseStore(dir: string): Promise<string> {
  const base = path.join(dir, "base.db");
  if (fs.existsSync(base)) return base;
  const tmp = path.join(dir, `base-${process.pid}.db`);
  const store = await openStore(tmp);
  await ingest(store, [path.join(ARCHIVE, BASE_LIST)], { publishedAt: "2025-03-17" });
  await store.close();
  fs.renameSync(tmp, base);
  return base;
}

function peakMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

function resetPeak(): void {
  (globalThis as { gc?: () => void }).gc?.();
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Without it the peak is the process's: an over-estimate, never an under-estimate.
  }
}

/** A clean error: an InputError whose line names the file and fits on one line. */
export function isCleanError(e: unknown, file: string): { clean: boolean; message: string } {
  if (!(e instanceof InputError)) {
    const err = e as Error;
    return { clean: false, message: `${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)}` };
  }
  const line = e.describe();
  const clean = !line.includes("\n") && line.length <= 1000 && line.includes(path.basename(file));
  return { clean, message: line.slice(0, 300) };
}

export async function runCase(
  seed: number,
  i: number,
  dir: string,
  base: string,
  baseHash: string,
  seeds: readonly string[] = SMALL_SEEDS,
): Promise<CaseResult> {
  const c = makeCase(seed, i, seeds);
  const file = path.join(dir, c.file);
  const db = path.join(dir, "case.db");
  fs.writeFileSync(file, c.bytes);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(base, db);
  const before = storeOk(db).observations;
  resetPeak();
  const t = performance.now();
  let outcome: Outcome = "parsed";
  let message = "";
  const store = await openStore(db);
  try {
    const s = await ingest(store, [file], { publishedAt: "2026-06-01" });
    message = s.quarantined.length ? `quarantined: ${s.quarantined[0]?.reason}` : `applied ${s.applied}`;
  } catch (e) {
    const r = isCleanError(e, file);
    outcome = r.clean ? "clean_error" : "crash";
    message = r.message;
  } finally {
    await store.close();
  }
  const ms = performance.now() - t;
  const peak = peakMb();
  if (outcome === "clean_error" && contentHash(db) !== baseHash) {
    outcome = "corrupt_store";
    message = `store changed by a failed ingest: ${message}`;
  } else if (outcome === "parsed") {
    const st = storeOk(db);
    if (!st.ok || st.observations <= before) {
      outcome = "corrupt_store";
      message = st.why || "the list was read but no observation was stored";
    }
  }
  if (outcome === "parsed" || outcome === "clean_error") {
    if (ms > CASE_MS) outcome = "slow";
    else if (peak > CASE_MB) outcome = "memory";
  }
  fs.rmSync(file, { force: true });
  return { i, kind: c.kind, detail: c.detail, outcome, ms: Math.round(ms), peakMb: peak, message };
}

// Run as a child of harness.ts: `worker.ts SEED FROM END`.
if (process.send && process.argv[2] !== undefined) {
  const [seed, from, end] = process.argv.slice(2, 5).map(Number) as [number, number, number];
  const shared = process.env.G287_FUZZ_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "g287-fuzz-"));
  fs.mkdirSync(shared, { recursive: true });
  const base = await baseStore(shared);
  const baseHash = contentHash(base);
  const dir = fs.mkdtempSync(path.join(shared, "child-"));
  for (let i = from; i < end; i++) {
    process.send({ start: i });
    const r = await runCase(seed, i, dir, base, baseHash, process.env.G287_FUZZ_SEEDS?.split(",") ?? SMALL_SEEDS);
    process.send({ result: r });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  process.send({ done: true }, () => process.exit(0));
}
