// The fixtures of the `archive` and `browser` test projects: the real archive in ../shared/data/ice
// replayed into a ledger file that every test file reads (or copies before writing), and the web
// app built once. Made once per run even when both projects run, and cached by content across runs
// (test/fixture-cache.ts). Fails loudly when the archive is missing: these tests never skip.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { viteBuildAsync } from "../scripts/vite-build.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore } from "../src/store/db.js";
import { cachedFixture, fixtureKey } from "./fixture-cache.js";

export const ARCHIVE = path.resolve(import.meta.dirname, "../../shared/data/ice");

declare module "vitest" {
  export interface ProvidedContext {
    archiveDb: string;
    archiveIngestMs: number;
    /** The web app built once per run (web/dist is never written by tests). */
    webDist: string;
  }
}

interface Fixtures {
  dir: string;
  archiveDb: string;
  webDist: string;
  archiveIngestMs: number;
  users: number;
}

/** Replays the archive into `dir`/archive.db and builds the web app into `dir`/web-dist, side by side. */
async function build(dir: string): Promise<void> {
  const web = viteBuildAsync(path.join(dir, "web-dist"));
  const store = await openStore(path.join(dir, "archive.db"));
  const t = performance.now();
  const summary = await ingest(store, [ARCHIVE]);
  const ms = performance.now() - t;
  await store.close();
  await web;
  if (summary.newObservations === 0) throw new Error("replaying the archive produced no observations");
  fs.writeFileSync(path.join(dir, "ingest-ms"), String(ms));
}

/**
 * bin/g287 runs the compiled dist/ (npm run build): tests that start it as a whole process must
 * run this checkout's sources, never a stale build, so every run compiles once (tsgo: seconds).
 */
function buildCli(): Promise<void> {
  return new Promise((resolve, reject) => {
    const root = path.resolve(import.meta.dirname, "..");
    const tsc = path.join(root, "node_modules/.bin/tsc");
    const p = spawn(tsc, ["-p", "tsconfig.build.json"], { cwd: root });
    const out: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.stderr.on("data", (b: Buffer) => out.push(b));
    p.on("error", reject);
    // Exit 2 means type errors with every file emitted: `npm run typecheck` reports those.
    p.on("close", (code) =>
      code === 0 || code === 2
        ? resolve()
        : reject(new Error(`npm run build failed:\n${Buffer.concat(out).toString("utf8")}`)),
    );
  });
}

/** This run's private copies of the cached fixtures. */
async function makeFixtures(): Promise<Fixtures> {
  if (!fs.existsSync(path.join(ARCHIVE, "MANIFEST.csv"))) {
    throw new Error(
      `the real lists are missing: expected ${ARCHIVE}/MANIFEST.csv (../shared/data/ice from the project root)`,
    );
  }
  const cli = buildCli();
  const cache = await cachedFixture(fixtureKey(ARCHIVE), build);
  await cli;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-test-"));
  const archiveDb = path.join(dir, "archive.db");
  const webDist = path.join(dir, "web-dist");
  fs.copyFileSync(path.join(cache.dir, "archive.db"), archiveDb);
  fs.cpSync(path.join(cache.dir, "web-dist"), webDist, { recursive: true });
  const archiveIngestMs = Number(fs.readFileSync(path.join(cache.dir, "ingest-ms"), "utf8"));
  if (process.env.G287_TEST_CACHE === "0") fs.rmSync(cache.dir, { recursive: true, force: true });
  return { dir, archiveDb, webDist, archiveIngestMs, users: 0 };
}

// Both projects' setups run in this one process: they share the fixtures through a global.
const shared = globalThis as { g287Fixtures?: Promise<Fixtures> };

export default async function setup(project: TestProject) {
  shared.g287Fixtures ??= makeFixtures();
  const f = await shared.g287Fixtures;
  f.users += 1;
  project.provide("archiveDb", f.archiveDb);
  project.provide("webDist", f.webDist);
  project.provide("archiveIngestMs", f.archiveIngestMs);
  return () => {
    f.users -= 1;
    if (f.users === 0) fs.rmSync(f.dir, { recursive: true, force: true });
  };
}
