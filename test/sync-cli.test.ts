// `g287 sync` and `g287 watch` as cron runs them, against the local imitation of ICE: exit 0 when a
// new list is ingested, 3 when nothing is new, 1 on failure with one line on stderr, 2 on usage
// errors; a failed first sync leaves nothing behind; watch stops cleanly on SIGTERM.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BLOCK_PAGE, hashDir, icePage } from "./fake-ice.js";
import { cliAsync, copyArchiveDb, storeFingerprint, tmpDir } from "./helpers.js";
import { newerList, PAGE, publish, useFakeIce } from "./sync-harness.js";

const ice = useFakeIce();

describe("the command line: exit codes for cron", () => {
  const db = copyArchiveDb();
  const archive = tmpDir("g287-sync-cli-");
  const url = () => ice.url(PAGE);
  const P = "/sites/default/files/2026-05-07/participatingAgencies05072026am.xlsx";

  it("0 when a new list is ingested, 3 when nothing is new, 1 on failure with one line on stderr", async () => {
    publish(ice, { participating: [P, newerList("Cli County Sheriff's Office", "p0405.xlsx")] });
    const first = await cliAsync([
      "--db",
      db,
      "--json",
      "sync",
      "--archive",
      archive,
      "--url",
      url(),
      "--retries",
      "0",
    ]);
    expect(first.status, first.stderr).toBe(0);
    const s = JSON.parse(first.stdout);
    expect(s).toMatchObject({ outcome: "new", exitCode: 0, ingest: { newObservations: 1 } });
    expect(s.events.count).toBeGreaterThan(0);

    const again = await cliAsync(["--db", db, "sync", "--archive", archive], { env: { G287_ICE_URL: url() } });
    expect(again.status, again.stderr).toBe(3);
    expect(again.stderr).toMatch(/participating +not modified +participatingAgencies05072026am\.xlsx/);
    expect(again.stderr.trim().split("\n").at(-1)).toBe("nothing new");

    const archiveBefore = hashDir(archive);
    const storeBefore = await storeFingerprint(db);
    ice.set(P, { body: BLOCK_PAGE, headers: { "content-type": "text/html" } });
    ice.set(PAGE, { body: icePage({ participating: P.replace("05072026", "05082026") }) });
    ice.set(P.replace("05072026", "05082026"), { body: BLOCK_PAGE, headers: { "content-type": "text/html" } });
    const bad = await cliAsync(["--db", db, "--quiet", "sync", "--archive", archive, "--url", url(), "--retries", "0"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toEqual([
      `g287: ${ice.url(P.replace("05072026", "05082026"))}: the server sent an HTML page (titled "Access Denied", reference 18.5c0f3417.1775000000.1a2b3c) instead of the workbook: probably a firewall block or error page; nothing was kept`,
    ]);
    expect(hashDir(archive)).toBe(archiveBefore);
    expect(await storeFingerprint(db)).toBe(storeBefore);
  });

  it("a failed first sync leaves no ledger file and no archive folder behind", async () => {
    const dir = tmpDir();
    ice.clear();
    const r = await cliAsync([
      "--db",
      path.join(dir, "new.db"),
      "sync",
      "--archive",
      path.join(dir, "archive"),
      "--url",
      ice.url("/nowhere"),
      "--retries",
      "0",
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`g287: ${ice.url("/nowhere")}: HTTP 404 Not Found`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("usage errors exit 2", async () => {
    const noArchive = await cliAsync(["--db", db, "sync", "--url", url()], { env: { G287_ARCHIVE: "" } });
    expect(noArchive.status).toBe(2);
    expect(noArchive.stderr.trim()).toBe(
      "g287: sync needs an archive folder to keep the downloaded lists in: pass --archive DIR or set G287_ARCHIVE",
    );
    expect((await cliAsync(["--db", db, "sync", "--archive", archive, "--url", "ftp://x"])).stderr.trim()).toBe(
      'g287: --url "ftp://x": expected an http(s) URL',
    );
    expect((await cliAsync(["--db", db, "watch", "--archive", archive, "--every", "soon"])).stderr.trim()).toBe(
      'g287: --every "soon": expected a duration such as 30s, 10m or 6h',
    );
    const cfg = path.join(tmpDir(), "sync.yaml");
    fs.writeFileSync(cfg, "mirrors:\n  - url: not-a-url\n");
    const bad = await cliAsync(["--db", db, "sync", "--config", cfg]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/sync\.yaml: mirrors\.0/);
  });

  it("watch logs a line per run and stops cleanly on SIGTERM while it waits", async () => {
    ice.clear();
    ice.set(PAGE, { status: 404 });
    let sent = false;
    const t = Date.now();
    const r = await cliAsync(
      ["--db", db, "watch", "--archive", archive, "--url", url(), "--retries", "0", "--every", "1h", "--jitter", "0s"],
      {
        onStdout: (text, child) => {
          if (!sent && text.includes("\n")) {
            sent = true;
            child.kill("SIGTERM");
          }
        },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - t).toBeLessThan(30_000);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^(\S+Z) failed: http:\/\/127\.0\.0\.1:\d+\/identify-and-arrest\/287g: HTTP 404 Not Found; next run (\S+Z)$/,
    );
    const [, at, next] = /^(\S+Z) .* next run (\S+Z)$/.exec(lines[0] as string) as string[];
    expect(Date.parse(next as string) - Date.parse(at as string)).toBe(3_600_000);
    expect(r.stderr).toMatch(/g287 watch: SIGTERM, stopping/);
  });
});
