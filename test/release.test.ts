// The committed release bundle: exactly what the current code makes of ../shared/data/ice (built
// here under another time zone than the one it was generated in), and loadable offline. Figures
// are read from the archive or the bundle's manifest, never pinned: the ledger rules move them.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { roster, status } from "../src/analysis/queries.js";
import { loadRelease, writeRelease } from "../src/pipeline/release.js";
import { openStore, type Store } from "../src/store/db.js";
import { ARCHIVE, archiveDbPath, BIN, cli, openArchive, ROOT, readList, tmpDir, writeXlsx } from "./helpers.js";

const BUNDLE = path.join(ROOT, "data/release");

interface Manifest {
  format: string;
  latest_list: string;
  inputs: { file_name: string; kind: string; published_at: string; status: string }[];
  files: { name: string; sha256: string; rows: number | null }[];
}
const bundleManifest = (dir = BUNDLE): Manifest => JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));

/** A copy of the committed bundle with one file rewritten, and its sha256 in the manifest to match. */
function tamperedBundle(name: string, edit: (text: string) => string): string {
  const dir = tmpDir("g287-tampered-");
  for (const f of fs.readdirSync(BUNDLE)) fs.copyFileSync(path.join(BUNDLE, f), path.join(dir, f));
  const p = path.join(dir, name);
  const gz = name.endsWith(".gz");
  const text = edit((gz ? gunzipSync(fs.readFileSync(p)) : fs.readFileSync(p)).toString("utf8"));
  const bytes = gz ? gzipSync(text) : Buffer.from(text);
  fs.writeFileSync(p, bytes);
  const m = bundleManifest(dir);
  const f = m.files.find((x) => x.name === name);
  if (f) f.sha256 = createHash("sha256").update(bytes).digest("hex");
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(m));
  return dir;
}

/** One export of the archive replay, shared by the tests that compare exports (each export takes seconds). */
let exported: Promise<string> | undefined;
function freshExport(): Promise<string> {
  exported ??= (async () => {
    const out = tmpDir("g287-release-");
    const store = await openArchive();
    try {
      await writeRelease(store, out);
    } finally {
      await store.close();
    }
    return out;
  })();
  return exported;
}

async function count(store: Store, table: "listing" | "correction" | "review" | "event"): Promise<number> {
  const r = await store.db.selectFrom(table).select(store.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe("release bundle", () => {
  it("is byte-identical to a fresh export of the archive replay", async () => {
    const out = await freshExport();
    const names = fs.readdirSync(BUNDLE).sort();
    expect(fs.readdirSync(out).sort()).toEqual(names);
    for (const n of names) {
      expect(
        fs.readFileSync(path.join(out, n)).equals(fs.readFileSync(path.join(BUNDLE, n))),
        `${n} differs: regenerate with \`npm run release\``,
      ).toBe(true);
    }
  });

  it("names every input list by sha256, matching the archive's manifest", () => {
    const m = JSON.parse(fs.readFileSync(path.join(BUNDLE, "manifest.json"), "utf8"));
    const manifest = fs.readFileSync(path.join(ARCHIVE, "MANIFEST.csv"), "utf8").trim().split("\n").slice(1);
    const archive = new Map(manifest.map((l) => [l.split(",")[0], l.split(",")[4]]));
    expect(m.inputs).toHaveLength(archive.size);
    for (const i of m.inputs) expect(archive.get(i.file_name), i.file_name).toBe(i.sha256);
  });

  it("loads into an empty store with the same answers as the replay", async () => {
    const db = path.join(tmpDir(), "release.db");
    const store = await openStore(db);
    await loadRelease(store, BUNDLE);
    const archive = await openArchive();
    const [a, b] = [await status(store.db), await status(archive.db)];
    expect(a.agreements).toEqual(b.agreements);
    expect(a.agencies).toBe(b.agencies);
    expect(a.latest_list).toBe(b.latest_list);
    expect(a.quarantined).toEqual(b.quarantined);
    for (const d of ["2021-01-13", "2024-12-01", "2025-09-22", "2026-03-27"]) {
      expect((await roster(store.db, { asOf: d })).length, d).toBe((await roster(archive.db, { asOf: d })).length);
    }
    await archive.close();
    await store.close();
  });

  it("export release from an empty ledger fails before writing anything", async () => {
    const out = path.join(tmpDir(), "bundle");
    const store = await openStore(path.join(tmpDir(), "empty.db"));
    await expect(writeRelease(store, out)).rejects.toMatchObject({
      message: "the store holds no ledger yet: ingest lists first",
    });
    await store.close();
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a bundle whose files do not match its manifest", async () => {
    const dir = tmpDir();
    for (const f of fs.readdirSync(BUNDLE)) fs.copyFileSync(path.join(BUNDLE, f), path.join(dir, f));
    fs.appendFileSync(path.join(dir, "agreements.csv"), "x\n");
    const store = await openStore(path.join(tmpDir(), "bad.db"));
    await expect(loadRelease(store, dir)).rejects.toMatchObject({
      file: expect.stringMatching(/agreements\.csv$/),
      message: expect.stringMatching(/^sha256 does not match manifest\.json/),
    });
    await store.close();
  });

  it("`g287 start` with no archive configured loads it and prints the status; new lists apply on top", () => {
    const m = bundleManifest();
    const db = path.join(tmpDir(), "start.db");
    const env = { G287_ARCHIVE: "", G287_DB: db };
    const t = performance.now();
    const r = cli(["start", "--no-serve"], env);
    const ms = performance.now() - t;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`loaded the bundled release (${m.inputs.length} lists, latest ${m.latest_list})`);
    expect(r.stdout).toContain(`latest participating list  ${m.latest_list}`);
    // The status as printed, line for line, but for the first line (the store's path).
    const body = (text: string) => text.slice(text.indexOf("\n", text.indexOf("g287 ledger ")));
    const replayed = cli(["--db", archiveDbPath(), "status"]).stdout;
    expect(body(r.stdout)).toBe(body(replayed));
    // A generous bound on a shared machine: the load itself is a few seconds.
    expect(ms).toBeLessThan(90_000);

    // The latest list again under a later file name: applied on top, no replay needed.
    const latest = m.inputs.find((i) => i.kind === "participating" && i.published_at === m.latest_list);
    const next = new Date(`${m.latest_list}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 5);
    const [y, mo, d] = next.toISOString().slice(0, 10).split("-");
    const f = writeXlsx(
      path.join(tmpDir(), `participatingAgencies${mo}${d}${y}am.xlsx`),
      readList(latest?.file_name ?? ""),
    );
    const s = JSON.parse(cli(["--json", "ingest", f], env).stdout);
    expect(s).toMatchObject({ mode: "incremental", applied: 1, quarantined: [] });
    expect(JSON.parse(cli(["--json", "status"], env).stdout).latest_list).toBe(`${y}-${mo}-${d}`);

    // The one thing the bundle cannot do: replay, since the lists' bytes are not in it.
    const rebuild = cli(["rebuild"], env);
    expect(rebuild.status).toBe(1);
    expect(rebuild.stderr).toMatch(
      /^g287: .*loaded from the release bundle without their bytes; ingest the archive folder/,
    );
    expect(rebuild.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("`g287 start` reloads a store loaded from a first-format bundle, which had no list rows", async () => {
    const m = bundleManifest();
    const db = path.join(tmpDir(), "old-bundle.db");
    const env = { G287_ARCHIVE: "", G287_DB: db };
    expect(cli(["start", "--no-serve"], env).status).toBe(0);
    // What a first-format load left: the ledger without the list rows, corrections and review queue.
    const store = await openStore(db);
    await store.transaction(async (trx) => {
      for (const t of ["listing", "correction", "review"] as const) await trx.deleteFrom(t).execute();
    });
    await store.close();
    const r = cli(["start", "--no-serve"], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`reloaded the bundled release (${m.inputs.length} lists`);
    const again = await openStore(db);
    expect(await count(again, "listing")).toBe(m.files.find((f) => f.name === "listings.csv.gz")?.rows);
    await again.close();
    // Loaded and whole: left alone.
    expect(cli(["start", "--no-serve"], env).stderr).toMatch(/^ledger already built/);
  });

  it("`g287 start` then serves the web app and the API, and prints the URL", async () => {
    const db = path.join(tmpDir(), "serve.db");
    const child = spawn(BIN, ["start", "--port", "0"], {
      env: { ...process.env, G287_ARCHIVE: "", G287_DB: db },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${text}`)), 110_000);
        child.stdout.on("data", (d: Buffer) => {
          text += d.toString();
          const m = /serving .* at (http:\/\/\S+)/.exec(text);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on("exit", (code) => reject(new Error(`start exited ${code}: ${text}`)));
      });
      const status = (await (await fetch(new URL("/api/v1/status", url))).json()) as { data?: unknown };
      expect(JSON.stringify(status)).toContain(bundleManifest().latest_list);
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(home.headers.get("content-type")).toMatch(/text\/html/);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("carries the list rows, corrections and review queue, in under 25 MB", async () => {
    const m = bundleManifest();
    const rows = new Map(m.files.map((f) => [f.name, f.rows]));
    const archive = await openArchive();
    expect(rows.get("listings.csv.gz")).toBe(await count(archive, "listing"));
    expect(rows.get("corrections.csv.gz")).toBe(await count(archive, "correction"));
    expect(rows.get("review.csv")).toBe(await count(archive, "review"));
    expect(rows.get("events.csv")).toBe(await count(archive, "event"));
    await archive.close();
    const bytes = fs.readdirSync(BUNDLE).reduce((n, f) => n + fs.statSync(path.join(BUNDLE, f)).size, 0);
    expect(bytes).toBeLessThan(25 * 1024 * 1024);
    const readme = fs.readFileSync(path.join(BUNDLE, "README.md"), "utf8");
    for (const f of m.files) expect(readme, f.name).toContain(`\`${f.name}\``);
  });

  it("exports the same store twice byte for byte", async () => {
    const x = await freshExport();
    const y = tmpDir();
    const store = await openArchive();
    await writeRelease(store, y);
    await store.close();
    for (const f of fs.readdirSync(x))
      expect(fs.readFileSync(path.join(y, f)).equals(fs.readFileSync(path.join(x, f))), f).toBe(true);
  });

  it("refuses a list row that points at no value, naming the file and line, and writes nothing", async () => {
    const dir = tamperedBundle("listings.csv.gz", (t) =>
      t.replace(/\n([0-9a-f]{64}),(\d+),\d+\n/, "\n$1,$2,999999999\n"),
    );
    const store = await openStore(path.join(tmpDir(), "bad-row.db"));
    await expect(loadRelease(store, dir)).rejects.toMatchObject({
      file: expect.stringMatching(/listings\.csv\.gz$/),
      message: expect.stringMatching(/^line \d+: value_id 999999999 is not in listing-values\.csv\.gz$/),
    });
    expect(await count(store, "event")).toBe(0);
    await store.close();
  });

  it("rolls back a load that fails inside the transaction", async () => {
    // The same list row twice: the listing table's key refuses the second, after events were written.
    const dir = tamperedBundle("listings.csv.gz", (t) => {
      const first = t.split("\n")[1];
      return `${t}${first}\n`;
    });
    const store = await openStore(path.join(tmpDir(), "rollback.db"));
    await expect(loadRelease(store, dir)).rejects.toMatchObject({
      message: expect.stringMatching(/^cannot load the bundle: UNIQUE constraint failed: listing/),
    });
    expect(await count(store, "event")).toBe(0);
    expect(await count(store, "listing")).toBe(0);
    const state = await store.db.selectFrom("ledger_state").select("id").executeTakeFirst();
    expect(state).toBeUndefined();
    await store.close();
  });

  it("refuses a bundle in an older format, saying how to regenerate it", async () => {
    const dir = tamperedBundle("README.md", (t) => t);
    const m = bundleManifest(dir);
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...m, format: "g287-release/1" }));
    const store = await openStore(path.join(tmpDir(), "old.db"));
    await expect(loadRelease(store, dir)).rejects.toMatchObject({
      file: expect.stringMatching(/manifest\.json$/),
      message: expect.stringMatching(/^format: .*npm run release/),
    });
    await store.close();
  });
});
