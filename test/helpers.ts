// Shared helpers for tests: the archive ledger built once by global-setup, copies of it for tests
// that write, the CLI in-process or as a child process, and small workbook fixtures.
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as XLSX from "@e965/xlsx";
import { afterAll, beforeAll, inject } from "vitest";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore, type Store } from "../src/store/db.js";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const ARCHIVE = path.resolve(ROOT, "../shared/data/ice");
export const BIN = path.join(ROOT, "bin/g287");

export function archiveDbPath(): string {
  return inject("archiveDb");
}

/** The web app, built once for the whole run by the global setup; read it, never write into it. */
export function builtWeb(): string {
  return inject("webDist");
}

export async function openArchive(): Promise<Store> {
  return openStore(archiveDbPath(), { readonly: true });
}

export function tmpDir(prefix = "g287-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The archive ledger, opened read-only before the calling describe block's tests and closed after
 * them; read `.db` inside a test, not while the block is being declared.
 */
export function useArchive(): { readonly db: Store["db"] } {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await openArchive();
  });
  afterAll(async () => store?.close());
  return {
    get db() {
      if (!store) throw new Error("useArchive: the archive opens in beforeAll; read .db inside a test");
      return store.db;
    },
  };
}

/** The ledger's events of one `type` dated `op` `date` (e.g. the removals a held-back list must not make). */
export async function eventsDated(store: Store, type: string, op: "=" | ">=", date: string) {
  return store.db.selectFrom("event").selectAll().where("type", "=", type).where("date", op, date).execute();
}

/** `fn` on the ledger file `db`, opened read-only and closed after, whatever `fn` does. */
export async function readStore<T>(db: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { readonly: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A stand-in for the built web app: `files` (path -> text, folders made as needed) in a fresh temp dir. */
export function fakeWebDist(files: Record<string, string>, prefix = "g287-web-"): string {
  const dir = tmpDir(prefix);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A private copy of the archive ledger, for tests that ingest more lists. */
export function copyArchiveDb(): string {
  const dir = tmpDir();
  const dest = path.join(dir, "copy.db");
  // Checkpointed by close(); the -wal file, if any, is empty.
  fs.copyFileSync(archiveDbPath(), dest);
  return dest;
}

/** Ingests files or archive folders into the ledger file `db` (created if missing), as `g287 ingest` would. */
export async function ingestInto(db: string, ...inputs: string[]): Promise<void> {
  const store = await openStore(db);
  try {
    await ingest(store, inputs);
  } finally {
    await store.close();
  }
}

/**
 * The CLI as a child process, run from the TypeScript sources (as `npm run g287:dev`), so it never
 * runs a stale dist/: for exit codes, signals and environment variables. BIN runs dist/.
 */
export function cli(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...DEV_ARGS, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** node's arguments that run the CLI from its TypeScript sources. */
export const DEV_ARGS = [
  "--max-semi-space-size=64",
  "--import",
  path.join(ROOT, "src/cli/register.mjs"),
  path.join(ROOT, "src/cli/run.ts"),
];

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process: `main()` writing into strings. Most CLI tests need only this. */
export async function runCli(args: string[]): Promise<CliResult> {
  const { main } = await import("../src/cli/main.js");
  const r = { status: 0, stdout: "", stderr: "" };
  r.status = await main(args, {
    stdout: { write: (s: string) => (r.stdout += s) },
    stderr: { write: (s: string) => (r.stderr += s) },
  });
  return r;
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process, without blocking this process (which may serve HTTP meanwhile). */
export function cliAsync(
  args: string[],
  o: { env?: Record<string, string>; onStdout?: (text: string, child: ChildProcess) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...DEV_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...o.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
      o.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

export function readList(file: string): unknown[][] {
  const wb = XLSX.read(fs.readFileSync(path.join(ARCHIVE, file)), { cellDates: false });
  const ws = wb.Sheets[wb.SheetNames[0] as string] as XLSX.WorkSheet;
  return XLSX.utils.sheet_to_json(ws, { header: 1, raw: true, defval: null });
}

/** Writes rows (first row = header) as an xlsx workbook; date cells are Excel serials. */
export function writeXlsx(file: string, rows: unknown[][], opts: { sheetName?: string } = {}): string {
  const ws = XLSX.utils.aoa_to_sheet(rows);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, opts.sheetName ?? "Sheet1");
  fs.writeFileSync(file, XLSX.write(wb, { type: "buffer", bookType: "xlsx" }));
  return file;
}

/** A cheap fingerprint of a store's contents, to prove a failed command changed nothing. */
export async function storeFingerprint(file: string): Promise<string> {
  const s = await openStore(file, { readonly: true });
  try {
    const parts: string[] = [];
    for (const t of ["snapshot", "observation", "event", "agreement", "agency", "review", "blob"] as const) {
      const r = await s.db.selectFrom(t).select(s.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      parts.push(`${t}=${r.n}`);
    }
    const st = await s.db.selectFrom("ledger_state").select("state").executeTakeFirst();
    parts.push(`state=${st ? createHash("sha256").update(st.state).digest("hex") : "none"}`);
    const lastListed = await s.db.selectFrom("agreement").select(s.db.fn.max("last_listed").as("d")).executeTakeFirst();
    parts.push(`last_listed=${lastListed?.d}`);
    return parts.join(" ");
  } finally {
    await s.close();
  }
}
