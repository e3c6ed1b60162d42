// PostgreSQL for tests: a fresh database per test file on the server G287_PG_URL names (by default
// the local one, trust authentication), dropped afterwards. G287_TEST_DIALECTS narrows the
// backends under test (`sqlite`, `postgres`, or both, comma-separated; both by default).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { expect } from "vitest";
import { DATASETS, dataset } from "../src/analysis/datasets.js";
import { toCsv } from "../src/domain/csv.js";
import { listEnvelope, toJson } from "../src/export/json.js";
import { writeRelease } from "../src/pipeline/release.js";
import type { Store } from "../src/store/db.js";

export const PG_ADMIN_URL = process.env.G287_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

export const DIALECTS = (process.env.G287_TEST_DIALECTS || "sqlite,postgres").split(",").map((d) => d.trim());

export const testPostgres = DIALECTS.includes("postgres");

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  c.on("error", () => {}); // a connection the server ends after the query is of no concern here
  try {
    await c.connect();
  } catch (e) {
    throw new Error(
      `no PostgreSQL at ${PG_ADMIN_URL} (${(e as Error).message}): start one with scripts/ci-postgres.sh and set G287_PG_URL, or set G287_TEST_DIALECTS=sqlite`,
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An empty database of its own: g287_t_<random>. */
export async function freshDatabase(): Promise<PgDatabase> {
  const name = `g287_t_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create database ${name}`));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Every dataset as the CLI exports it (CSV and JSON), keyed by file name. */
export async function datasetFiles(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of DATASETS) {
    const d = await dataset(store.db, name);
    out.set(`${name}.csv`, toCsv(d.columns, d.rows));
    out.set(`${name}.json`, toJson(listEnvelope(d.rows)));
  }
  return out;
}

/** The release bundle of a store, file by file. */
export async function releaseFiles(store: Store): Promise<Map<string, Buffer>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-pg-release-"));
  try {
    await writeRelease(store, path.join(dir, "r"));
    const files = fs.readdirSync(path.join(dir, "r")).sort();
    return new Map(files.map((f) => [f, fs.readFileSync(path.join(dir, "r", f))]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same file names with the same bytes, named on failure. */
export function expectSameFiles(actual: Map<string, string | Buffer>, expected: Map<string, string | Buffer>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  expect(expected.size).toBeGreaterThan(0);
  for (const [f, want] of expected) expect(Buffer.from(actual.get(f) ?? "").equals(Buffer.from(want)), f).toBe(true);
}
