// The committed release bundle: exactly what the current code makes of ../shared/data/ice (built
// here under another time zone than the one it was generated in), and loadable offline.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { roster, status } from "../src/analysis/queries.js";
import { loadRelease, writeRelease } from "../src/pipeline/release.js";
import { openStore } from "../src/store/db.js";
import { ARCHIVE, archiveDbPath, BIN, cli, openArchive, ROOT, readList, tmpDir, writeXlsx } from "./helpers.js";

const BUNDLE = path.join(ROOT, "data/release");

describe("release bundle", () => {
  it("is byte-identical to a fresh export of the archive replay", async () => {
    const out = tmpDir("g287-release-");
    const store = await openArchive();
    const m = await writeRelease(store, out);
    await store.close();
    expect(m.inputs).toHaveLength(487);
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
    const db = path.join(tmpDir(), "start.db");
    const env = { G287_ARCHIVE: "", G287_DB: db };
    const r = cli(["start", "--no-serve"], env);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/loaded the bundled release \(487 lists, latest 2026-03-27\)/);
    expect(r.stdout).toMatch(/latest participating list {2}2026-03-27/);
    const replayed = JSON.parse(cli(["--db", archiveDbPath(), "--json", "status"]).stdout).agreements;
    expect(replayed.active).toBe(1560);
    expect(r.stdout).toContain(`agreements                 ${replayed.total}: ${replayed.active} active`);

    const list = readList("participating_2026-03-27.xlsx");
    const f = writeXlsx(path.join(tmpDir(), "participatingAgencies04012026am.xlsx"), list);
    const s = JSON.parse(cli(["--json", "ingest", f], env).stdout);
    expect(s).toMatchObject({ mode: "incremental", applied: 1, quarantined: [] });
    expect(JSON.parse(cli(["--json", "status"], env).stdout).latest_list).toBe("2026-04-01");
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
      expect(JSON.stringify(status)).toContain("2026-03-27");
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(home.headers.get("content-type")).toMatch(/text\/html/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
