// What the bench sections share: the archive, medians and their formatting, a replay in a process
// of its own, throwaway PostgreSQL databases, and copies of the archive short of its last lists
// (so that "the next list" can be ingested into a store that has every list before it).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const ARCHIVE = path.resolve(process.env.G287_ARCHIVE || path.join(ROOT, "../shared/data/ice"));
/** The server the bench creates its databases on (as the tests do: trust authentication on loopback). */
export const PG_ADMIN_URL = process.env.G287_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
export const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
export const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
/** A ratio as printed beside two figures. */
export const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

// The replay as bin/g287 runs it: the compiled dist/, when it is newer than every source file;
// otherwise src/ through tsx, whose transpiler adds its own ~65 MB to the peak.
const newest = (dir: string, ext: string): number =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.endsWith(`.test${ext}`))
    .reduce((m, e) => Math.max(m, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
const dist = path.join(ROOT, "dist");
export const compiled =
  fs.existsSync(path.join(dist, "pipeline/ingest.js")) && newest(dist, ".js") >= newest(path.join(ROOT, "src"), ".ts");

export type Once = { ms: number; cpuMs: number; maxRssMb: number };

/** bench/replay-once.mjs in a child process: a cold replay (`[ARCHIVE, DB]`) or `["--rebuild", DB]`. */
export function replayOnce(args: string[]): Once {
  const r = spawnSync(
    process.execPath,
    [...(compiled ? [] : ["--import", "tsx"]), path.join(ROOT, "bench/replay-once.mjs"), ...args],
    { encoding: "utf8", cwd: ROOT, env: { ...process.env, G287_BENCH_DIST: compiled ? "1" : "0" } },
  );
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Once;
}

export interface PgDatabase {
  name: string;
  url: string;
  /** A new database holding this one's contents (CREATE DATABASE … TEMPLATE: a file copy). */
  copy(): Promise<PgDatabase>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  c.on("error", () => {});
  try {
    await c.connect();
  } catch (e) {
    throw new Error(`bench: no PostgreSQL at ${PG_ADMIN_URL} (${(e as Error).message}); set G287_PG_URL`);
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An empty database of the bench's own, g287_bench_<random>, or a copy of `template`. */
export async function freshPgDatabase(template?: string): Promise<PgDatabase> {
  const name = `g287_bench_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`create database ${name}${template ? ` template ${template}` : ""}`));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    copy: () => freshPgDatabase(name),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** The distinct dates of the archive's dated sightings, oldest first: one date, one new list. */
export function sightingDates(archive = ARCHIVE): string[] {
  const lines = fs.readFileSync(path.join(archive, "SIGHTINGS.csv"), "utf8").trim().split("\n").slice(1);
  return [...new Set(lines.map((l) => l.slice(0, l.indexOf(","))).filter((d) => d))].sort();
}

/**
 * An archive folder at `dest` holding the sightings dated before `before` (all of them when null):
 * the same files (hard links where the file system allows) and manifest, fewer SIGHTINGS.csv rows.
 * A file left without a sighting is skipped by the reader, as a file never seen would be. Called
 * again on the same `dest`, it only rewrites SIGHTINGS.csv.
 */
export function cutArchive(dest: string, before: string | null, archive = ARCHIVE): void {
  if (!fs.existsSync(path.join(dest, "MANIFEST.csv"))) {
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(archive)) {
      if (name === "SIGHTINGS.csv" || !fs.statSync(path.join(archive, name)).isFile()) continue;
      try {
        fs.linkSync(path.join(archive, name), path.join(dest, name));
      } catch {
        fs.copyFileSync(path.join(archive, name), path.join(dest, name));
      }
    }
  }
  const [head, ...rows] = fs.readFileSync(path.join(archive, "SIGHTINGS.csv"), "utf8").trimEnd().split("\n");
  // Undated sightings stay: the reader skips them whatever the cut.
  const kept = before === null ? rows : rows.filter((l) => l.slice(0, l.indexOf(",")) < before);
  fs.writeFileSync(path.join(dest, "SIGHTINGS.csv"), `${[head, ...kept].join("\n")}\n`);
}
