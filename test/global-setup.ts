// Replays the real archive in ../shared/data/ice once per test run, into a ledger file that every
// test file reads (or copies before writing). Fails loudly when the archive is missing: these
// tests never skip.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { viteBuild } from "../scripts/vite-build.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore } from "../src/store/db.js";

export const ARCHIVE = path.resolve(import.meta.dirname, "../../shared/data/ice");

declare module "vitest" {
  export interface ProvidedContext {
    archiveDb: string;
    archiveIngestMs: number;
    /** The web app built once per run (web/dist is never written by tests). */
    webDist: string;
  }
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync(path.join(ARCHIVE, "MANIFEST.csv"))) {
    throw new Error(
      `the real lists are missing: expected ${ARCHIVE}/MANIFEST.csv (../shared/data/ice from the project root)`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-test-"));
  const db = path.join(dir, "archive.db");
  const store = await openStore(db);
  const t = performance.now();
  const summary = await ingest(store, [ARCHIVE]);
  const ms = performance.now() - t;
  await store.close();
  if (summary.newObservations === 0) throw new Error("replaying the archive produced no observations");
  project.provide("archiveDb", db);
  const webDist = path.join(dir, "web-dist");
  viteBuild(webDist);
  project.provide("webDist", webDist);
  project.provide("archiveIngestMs", ms);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
