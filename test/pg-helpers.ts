// PostgreSQL for tests: a fresh database per test file on the server G287_PG_URL names (by default
// the local one, trust authentication), dropped afterwards. G287_TEST_DIALECTS narrows the
// backends under test (`sqlite`, `postgres`, or both, comma-separated; both by default).
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_ADMIN_URL = process.env.G287_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

export const DIALECTS = (process.env.G287_TEST_DIALECTS || "sqlite,postgres").split(",").map((d) => d.trim());

export const testPostgres = DIALECTS.includes("postgres");

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
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
