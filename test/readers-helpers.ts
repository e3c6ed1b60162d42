// Reading while another process ingests: a new list (the latest real one plus one agency) and a
// loop of roster requests that records what each answer said, for test/readers.test.ts and the
// PostgreSQL twin in test/pg-store.test.ts.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { expect } from "vitest";
import type { createApp } from "../src/server/app.js";
import { ARCHIVE, BIN, ROOT } from "./helpers.js";
import { realList } from "./lists.js";

/** The archive's latest participating list with one more agreement, dated after it. */
export function nextList(): string {
  const latest = fs
    .readdirSync(ARCHIVE)
    .filter((f) => f.startsWith("participating_"))
    .sort()
    .pop();
  if (!latest) throw new Error(`no participating list in ${ARCHIVE}`);
  const list = realList(latest);
  const extra = list.row({
    STATE: "TEXAS",
    "LAW ENFORCEMENT AGENCY": "Readers Test County Sheriff's Office",
    "SUPPORT TYPE": "Task Force Model",
    SIGNED: 46111,
  });
  return list.write("participatingAgencies12312030am.xlsx", [...list.body, extra]);
}

/** What one roster answer said: its ledger version, its row count and the lists it counts. */
export interface Seen {
  version: string;
  total: number;
  lists: number;
}

const seen = async (app: ReturnType<typeof createApp>, i: number): Promise<Seen> => {
  // A different page size each time, so every request is built, not served from the cache.
  const r = await app.request(`/api/v1/agreements.json?limit=${1 + (i % 500)}`);
  expect(r.status).toBe(200);
  const b = (await r.json()) as { total: number; source: { ledger_version: string; lists_applied: number } };
  return { version: b.source.ledger_version, total: b.total, lists: b.source.lists_applied };
};

/**
 * Runs `g287 ingest list` on `db` as its own process and asks the roster over and over until it
 * ends (and a few times after). Returns what was seen before the ingest, every answer, and after.
 */
export async function readWhileIngesting(
  app: ReturnType<typeof createApp>,
  db: string,
  list: string,
): Promise<{ before: Seen; after: Seen; answers: Seen[] }> {
  let i = 0;
  const before = await seen(app, i++);
  const answers: Seen[] = [];
  const child = spawn(BIN, ["--quiet", "--db", db, "ingest", list], { cwd: ROOT });
  const err: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => err.push(b));
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running = false;
      resolve(code);
    }),
  );
  while (running) {
    answers.push(await seen(app, i++));
    // On SQLite an in-process request never waits on I/O: without a turn of the event loop the
    // child's exit would never be heard.
    await new Promise((r) => setImmediate(r));
  }
  expect(await exited, Buffer.concat(err).toString("utf8")).toBe(0);
  for (let k = 0; k < 5; k++) answers.push(await seen(app, i++));
  return { before, after: answers[answers.length - 1] as Seen, answers };
}

/** Every answer is wholly the ledger before the list or wholly the ledger after it. */
export function expectBeforeOrAfter(r: { before: Seen; after: Seen; answers: Seen[] }): void {
  expect(r.after.total).toBe(r.before.total + 1);
  expect(r.after.lists).toBe(r.before.lists + 1);
  expect(r.after.version).not.toBe(r.before.version);
  const mixed = r.answers.filter(
    (a) =>
      !(a.version === r.before.version && a.total === r.before.total && a.lists === r.before.lists) &&
      !(a.version === r.after.version && a.total === r.after.total && a.lists === r.after.lists),
  );
  expect(mixed, `${r.answers.length} answers`).toEqual([]);
  // The loop really ran across the ingest: it saw both states.
  expect(r.answers.some((a) => a.version === r.before.version)).toBe(true);
  expect(r.answers.length).toBeGreaterThan(5);
}
