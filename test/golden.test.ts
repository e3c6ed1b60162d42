// Every output is byte-identical to the golden copy made before the "one house" refactor
// (test/golden/outputs.json, made by scripts/golden.ts from commit 4a07899 on the same archive):
// each API resource, web data file and feed, each CLI answer, each dataset export, the release
// bundle and the static site's data files. A difference made on purpose is listed, with its reason
// and its new hash, in test/golden/intended.json.
process.env.TZ = "America/Los_Angeles";

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliQuestions,
  DATASET_FORMATS,
  type Golden,
  normalise,
  ROOT,
  sha,
  siteFileKey,
  walk,
} from "../scripts/golden.js";
import { DATASETS } from "../src/analysis/datasets.js";
import { createApp } from "../src/server/app.js";
import type { Store } from "../src/store/db.js";
import { archiveDbPath, builtWeb, openArchive, runCli, tmpDir } from "./helpers.js";

const GOLDEN = path.join(ROOT, "test/golden/outputs.json");
const INTENDED = path.join(ROOT, "test/golden/intended.json");

/** Each difference made on purpose: why, and the new hash of every output it changed. */
type Intended = { reason: string; now: Record<string, string> }[];

let golden: Golden;
let intended: Map<string, string>;
let store: Store;

beforeAll(async () => {
  if (!fs.existsSync(GOLDEN)) throw new Error(`the golden copy is missing: ${GOLDEN}`);
  golden = JSON.parse(fs.readFileSync(GOLDEN, "utf8"));
  const changes: Intended = fs.existsSync(INTENDED) ? JSON.parse(fs.readFileSync(INTENDED, "utf8")) : [];
  intended = new Map(changes.flatMap((c) => Object.entries(c.now)));
  store = await openArchive();
});

afterAll(async () => {
  await store?.close();
});

/** Compares what was produced with the golden copy (or the intended new value) key by key. */
function differences(kind: string, got: Record<string, string>, want: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, w] of Object.entries(want)) {
    const key = `${kind} ${k}`;
    const expected = intended.get(key) ?? w;
    if (got[k] !== expected) out.push(`${key}: ${got[k] ?? "(not produced)"} ≠ ${expected}`);
  }
  for (const k of Object.keys(got)) if (!(k in want)) out.push(`${kind} ${k}: produced, not in the golden copy`);
  return out;
}

/**
 * Asks the CLI each question in this process (`main(argv, io)`, what bin/g287 runs), one after
 * another: 140 whole processes took minutes of CI time, and test/cli-process.test.ts covers the
 * process itself (exit codes, stdout and stderr).
 */
async function runAll(
  questions: string[][],
  db: string,
  subst: Record<string, string>,
): Promise<Record<string, string>> {
  const got: Record<string, string> = {};
  for (const args of questions) {
    const r = await runCli(["--db", db, ...args]);
    got[normalise(JSON.stringify(args), subst)] =
      `${r.status} ${sha(normalise(r.stdout, subst))} ${sha(normalise(r.stderr, subst))}`;
  }
  return got;
}

describe("every output against the golden copy made before the refactor", () => {
  it("was made from the same archive", async () => {
    const r = await createApp({ store, webDist: null }).request(
      "/api/v1/snapshots.json?limit=all&kind=participating&status=applied",
    );
    const lists = ((await r.json()) as { rows: unknown[] }).rows.length;
    expect(lists, "the archive changed: regenerate test/golden/outputs.json from the last release").toBe(
      golden.made_from.lists,
    );
    expect(Object.keys(golden.http).length).toBeGreaterThan(3000);
  });

  it("answers every API resource, web data file and feed with the same bytes", async () => {
    const app = createApp({ store, webDist: null });
    const got: Record<string, string> = {};
    for (const url of Object.keys(golden.http)) {
      const r = await app.request(url);
      const body = Buffer.from(await r.arrayBuffer());
      got[url] = `${r.status} ${r.headers.get("content-type")} ${sha(body)}`;
    }
    expect(differences("http", got, golden.http).slice(0, 40)).toEqual([]);
  }, 900_000);

  it("gives every CLI answer and dataset export with the same bytes", async () => {
    const out = tmpDir("g287-golden-");
    const db = archiveDbPath();
    const subst = { [db]: "<DB>", [out]: "<OUT>" };
    const questions = [...cliQuestions()];
    for (const d of DATASETS) for (const f of DATASET_FORMATS) questions.push(["export", d, "--format", f]);
    const got = await runAll(questions, db, subst);
    const want = Object.fromEntries(
      Object.entries(golden.cli).filter(([k]) => !k.includes('"release"') && !k.includes('"site"')),
    );
    expect(differences("cli", got, want).slice(0, 40)).toEqual([]);
  }, 900_000);

  it("writes the release bundle and the static site with the same bytes", async () => {
    const out = tmpDir("g287-golden-");
    const db = archiveDbPath();
    const subst = { [db]: "<DB>", [builtWeb()]: "<OUT>/web", [out]: "<OUT>" };
    const got = await runAll(
      [
        ["--quiet", "export", "release", "--out", path.join(out, "release")],
        ["--quiet", "site", path.join(out, "site"), "--web", builtWeb()],
      ],
      db,
      subst,
    );
    const files: Record<string, string> = {};
    for (const f of walk(path.join(out, "release")))
      files[`release/${f}`] = sha(fs.readFileSync(path.join(out, "release", f)));
    for (const f of walk(path.join(out, "site"))) {
      const k = siteFileKey(f, fs.readFileSync(path.join(out, "site", f)));
      if (k) files[`site/${f}`] = k;
    }
    const runs = Object.fromEntries(
      Object.entries(golden.cli).filter(([k]) => k.includes('"release"') || k.includes('"site"')),
    );
    expect([...differences("cli", got, runs), ...differences("file", files, golden.files)].slice(0, 40)).toEqual([]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 900_000);
});
