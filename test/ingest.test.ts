// Ingest end to end through the CLI and the pipeline: idempotence, incremental apply, quarantine
// of broken lists, clear errors on bad input, and atomicity.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roster } from "../src/analysis/queries.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore } from "../src/store/db.js";
import { ARCHIVE, cli, copyArchiveDb, eventsDated, readList, storeFingerprint, tmpDir, writeXlsx } from "./helpers.js";

const dir = tmpDir("g287-ingest-");
const latest = readList("participating_2026-03-27.xlsx");
const header = latest[0] as unknown[];
const body = latest.slice(1).filter((r) => r.some((c) => c !== null && c !== ""));
const col = (name: string) => header.findIndex((h) => String(h).trim() === name);
// The newest real list (the archive gained 2026-04-01 .. 2026-05-01): tests that add a list to a copy
// of the archive ledger start from it, so their lists come after it (not a back-fill).
const NEWEST = "participating_2026-05-01.xlsx";
const newest = readList(NEWEST);
const newBody = newest.slice(1).filter((r) => r.some((c) => c !== null && c !== ""));

describe("bad input: one line naming the file, exit 1, store unchanged", () => {
  let db: string;
  let before: string;
  beforeAll(async () => {
    db = copyArchiveDb();
    before = await storeFingerprint(db);
  });

  const cases: [string, () => string, RegExp][] = [
    [
      "an HTML page saved as .xlsx",
      () => {
        const f = path.join(dir, "participatingAgencies04012026am.xlsx");
        fs.writeFileSync(f, "<html><body>Request Rejected</body></html>");
        return f;
      },
      /participatingAgencies04012026am\.xlsx: is an HTML page, not a spreadsheet/,
    ],
    [
      "a truncated zip",
      () => {
        const f = path.join(dir, "participatingAgencies04022026am.xlsx");
        const b = fs.readFileSync(path.join(ARCHIVE, "participating_2026-03-27.xlsx"));
        fs.writeFileSync(f, b.subarray(0, 40_000));
        return f;
      },
      /participatingAgencies04022026am\.xlsx: not a readable xlsx workbook/,
    ],
    [
      "an xlsx without the expected headers",
      () =>
        writeXlsx(path.join(dir, "participatingAgencies04032026am.xlsx"), [
          ["NAME", "WHEN"],
          ["x", 1],
        ]),
      /participatingAgencies04032026am\.xlsx: no header row naming STATE and LAW ENFORCEMENT AGENCY/,
    ],
    [
      "an empty file",
      () => {
        const f = path.join(dir, "participatingAgencies04042026am.xlsx");
        fs.writeFileSync(f, "");
        return f;
      },
      /participatingAgencies04042026am\.xlsx: empty file \(0 bytes\)/,
    ],
    ["a path that does not exist", () => path.join(dir, "nope.xlsx"), /nope\.xlsx: no such file or directory/],
    [
      "a file whose name gives no date",
      () => {
        const f = path.join(dir, "list.xlsx");
        fs.copyFileSync(path.join(ARCHIVE, "participating_2026-03-27.xlsx"), f);
        return f;
      },
      /list\.xlsx: cannot tell the publication date from the file name .* pass --published-at YYYY-MM-DD/,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(what, async () => {
      const r = cli(["--db", db, "ingest", make()]);
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^g287: /);
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await storeFingerprint(db)).toBe(before);
    });
  }

  it("a bad flag is a usage error with exit 2", () => {
    const r = cli(["--db", db, "roster", "--as-of", "2025-02-30"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('g287: --as-of "2025-02-30": expected a date as YYYY-MM-DD');
    expect(cli(["--db", db, "roster", "--state", "ZZ"]).stderr).toMatch(
      /--state "ZZ": expected a two-letter state code/,
    );
    expect(cli(["--db", db, "frobnicate"]).status).toBe(2);
  });

  it("a failed ingest into a new ledger leaves no file behind", () => {
    const fresh = path.join(dir, "never.db");
    const bad = path.join(dir, "participatingAgencies04062026am.xlsx");
    fs.writeFileSync(bad, "<html>blocked</html>");
    expect(cli(["--db", fresh, "ingest", bad]).status).toBe(1);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("never.db"))).toEqual([]);
  });

  it("a csv that is not UTF-8 names the file", () => {
    const f = path.join(dir, "participating_2021-01-20.csv");
    fs.writeFileSync(
      f,
      Buffer.from(
        "STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED,MOA\nTEXAS,Caf\xe9 Police,Task Force Model,2021-01-01,x\n",
        "latin1",
      ),
    );
    const r = cli(["--db", db, "ingest", f]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`g287: ${f}: is not UTF-8 text (save the csv as UTF-8)`);
  });

  it("a missing ledger is a clear error", () => {
    const r = cli(["--db", path.join(dir, "none.db"), "status"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^g287: no ledger at .*none\.db: run `g287 ingest PATH`/);
  });

  it("a failure while writing leaves the store exactly as it was", async () => {
    const copy = copyArchiveDb();
    const s = await openStore(copy);
    // Sabotage one table the write needs, after the ingest has read and replayed everything.
    await s.db.schema.dropTable("listing").execute();
    const fp = await storeFingerprint(copy);
    const f = writeXlsx(path.join(dir, "participatingAgencies04052026am.xlsx"), [header, ...body]);
    await expect(ingest(s, [f])).rejects.toThrow(/listing/);
    await s.close();
    expect(await storeFingerprint(copy)).toBe(fp);
  });
});

describe("suspicious lists are quarantined, not applied", () => {
  let db: string;
  beforeAll(() => {
    db = copyArchiveDb();
  });

  it("a real list with a third of its rows cut out", async () => {
    const cut = newBody.filter((_, i) => i % 3 !== 0);
    const f = writeXlsx(path.join(dir, "participatingAgencies05042026am.xlsx"), [header, ...cut]);
    // The archive's own pending removals (2 on 2026-05-01), which the quarantined list must not move.
    const pendingBefore = JSON.parse(cli(["--db", db, "--json", "status"]).stdout).agreements.pending_removal;
    expect(pendingBefore).toBe(2);
    const r = cli(["--db", db, "--json", "ingest", f]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.quarantined).toHaveLength(1);
    expect(s.quarantined[0].reason).toMatch(
      /^mass drop: \d+ usable rows against 1779 on the last applied list \(66\.\d%, threshold 70%\)$/,
    );
    const st = JSON.parse(cli(["--db", db, "--json", "status"]).stdout);
    expect(st.agreements.pending_removal).toBe(pendingBefore);
    expect(st.quarantined.map((q: { file: string }) => q.file)).toContain("participatingAgencies05042026am.xlsx");
  });

  it("the same broken file seen twice, then a good list, replays in one go and again on rebuild", () => {
    const folder = tmpDir("g287-twice-");
    const cut = writeXlsx(path.join(folder, "participatingAgencies04022026am.xlsx"), [header, ...body.slice(0, 700)]);
    fs.copyFileSync(cut, path.join(folder, "participatingAgencies04032026am.xlsx"));
    writeXlsx(path.join(folder, "participatingAgencies04042026am.xlsx"), [header, ...body]);
    const small = path.join(tmpDir(), "twice.db");
    const r = cli(["--db", small, "--json", "ingest", path.join(ARCHIVE, "participating_2026-03-27.xlsx"), folder]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).quarantined).toHaveLength(2);
    const rebuilt = cli(["--db", small, "--json", "rebuild"]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(JSON.parse(rebuilt.stdout).quarantined).toHaveLength(2);
    expect(JSON.parse(cli(["--db", small, "--json", "status"]).stdout).agreements).toMatchObject({
      active: 1560,
      pending_removal: 0,
    });
  });

  it("a list missing every row of a state with five or more agreements: that state is held, the list applies", async () => {
    const state = col("STATE");
    const noWisconsin = newBody.filter((r) => String(r[state]).trim() !== "WISCONSIN");
    expect(newBody.length - noWisconsin.length).toBeGreaterThanOrEqual(5);
    const f = writeXlsx(path.join(dir, "participatingAgencies05052026am.xlsx"), [header, ...noWisconsin]);
    const s = JSON.parse(cli(["--db", db, "--json", "ingest", f]).stdout);
    // No longer a whole-list quarantine (issue 9): the list applies, Wisconsin's agreements are held.
    expect(s.quarantined).toEqual([]);
    const st = JSON.parse(cli(["--db", db, "--json", "status"]).stdout);
    expect(st.latest_list).toBe("2026-05-05");
    const store = await openStore(db);
    const held = await eventsDated(store, "state_held", "=", "2026-05-05");
    expect(held).toHaveLength(1);
    const detail = JSON.parse((held[0] as { detail: string }).detail);
    expect(detail.state).toBe("WI");
    expect(detail.reason).toMatch(
      /^every row of WI \(\d+\) is missing: its missing agreements are held as unconfirmed; the rest of the list applies$/,
    );
    const wiBefore = (await roster(store.db, { asOf: "2026-05-01", state: "WI" })).length;
    expect(wiBefore).toBeGreaterThanOrEqual(5);
    // Not listed on the new list, but held as unconfirmed rather than removed.
    expect(await roster(store.db, { asOf: "2026-05-05", state: "WI" })).toHaveLength(0);
    const unconfirmed = await roster(store.db, { asOf: "2026-05-05", state: "WI", includeUnconfirmed: true });
    expect(unconfirmed).toHaveLength(wiBefore);
    expect(unconfirmed.every((r) => r.listing_state === "unconfirmed")).toBe(true);
    // The rest of the list applied: every other state is listed as on 2026-05-01.
    expect((await roster(store.db, { asOf: "2026-05-05" })).length).toBe(
      (await roster(store.db, { asOf: "2026-05-01" })).length - wiBefore,
    );
    const removed = await eventsDated(store, "removed", ">=", "2026-05-05");
    expect(removed).toHaveLength(0);
    await store.close();
  });
});

describe("incremental ingest", () => {
  let db: string;
  beforeAll(() => {
    db = copyArchiveDb();
  });

  it("re-ingesting the archive adds nothing", async () => {
    const before = await storeFingerprint(db);
    const r = cli(["--db", db, "--json", "ingest", ARCHIVE]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: "nothing_new", newObservations: 0, newSnapshots: 0 });
    expect(await storeFingerprint(db)).toBe(before);
  });

  it("applies one new list on top of the stored ledger, and the result equals a full replay", async () => {
    const extra: unknown[] = header.map(() => null);
    extra[col("STATE")] = "TEXAS";
    extra[col("LAW ENFORCEMENT AGENCY")] = "Example County Sheriff's Office";
    extra[col("TYPE")] = "County";
    extra[col("SUPPORT TYPE")] = "Task Force Model";
    extra[col("SIGNED")] = 46146; // 2026-05-04
    const f = writeXlsx(path.join(dir, "participatingAgencies05062026am.xlsx"), [header, ...newBody, extra]);
    const r = cli(["--db", db, "--json", "ingest", f]);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ mode: "incremental", newObservations: 1, newSnapshots: 1, applied: 1 });
    const store = await openStore(db);
    // The 1,779 agreements of 2026-05-01, plus the new one.
    expect((await roster(store.db, { asOf: "2026-05-06" })).length).toBe(1780);
    const appeared = await eventsDated(store, "appeared", "=", "2026-05-06");
    expect(appeared.map((e) => e.agreement_id)).toEqual(["tx-example-county-sheriffs-office/tfm/2026-05-04"]);
    await store.close();

    const incremental = cli(["--db", db, "export", "agreements"]).stdout;
    const events = cli(["--db", db, "export", "events"]).stdout;
    const rebuilt = cli(["--db", db, "--json", "ingest", "--rebuild", f]);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ mode: "rebuild" });
    expect(cli(["--db", db, "export", "agreements"]).stdout).toBe(incremental);
    expect(cli(["--db", db, "export", "events"]).stdout).toBe(events);
  });
});

describe("small stores", () => {
  const lists = (names: string[]) => names.map((n) => path.join(ARCHIVE, n));

  it("replays everything when a new list predates the latest one applied", async () => {
    const db = path.join(tmpDir(), "small.db");
    expect(
      cli(["--db", db, "ingest", ...lists(["participating_2026-03-23.xlsx", "participating_2026-03-27.xlsx"])]).status,
    ).toBe(0);
    const r = JSON.parse(cli(["--db", db, "--json", "ingest", ...lists(["participating_2026-03-20.xlsx"])]).stdout);
    expect(r.mode).toBe("rebuild");
    expect(r.rebuildReason).toMatch(
      /^a new list \(participating_2026-03-20\.xlsx, 2026-03-20\) predates the latest one already applied$/,
    );
    const st = JSON.parse(cli(["--db", db, "--json", "status"]).stdout);
    expect(st.snapshots).toMatchObject({ applied: 3, files: 3 });
  });

  it("dates a bare file by --published-at", () => {
    const db = path.join(tmpDir(), "manual.db");
    const f = path.join(tmpDir(), "latest list.xlsx");
    fs.copyFileSync(path.join(ARCHIVE, "participating_2026-03-27.xlsx"), f);
    expect(cli(["--db", db, "ingest", f, "--published-at", "2026-03-28"]).status).toBe(0);
    expect(JSON.parse(cli(["--db", db, "--json", "status"]).stdout).latest_list).toBe("2026-03-28");
  });

  it("without the curated state fix, the PENNSLYVANIA list is still read: the general state-typo rule folds it to PA", async () => {
    const fixes = tmpDir();
    for (const f of ["counties", "agencies", "signed-dates"])
      fs.copyFileSync(path.join("data/corrections", `${f}.csv`), path.join(fixes, `${f}.csv`));
    fs.writeFileSync(path.join(fixes, "states.csv"), "raw,usps,evidence\n");
    const store = await openStore(path.join(tmpDir(), "pa.db"));
    const s = await ingest(store, lists(["participating_2026-02-17.xlsx", "participating_2026-02-27.xlsx"]), {
      correctionsDir: fixes,
    });
    // Once this list was quarantined as a vanished state, then (issue 9) it would hold PA; now the 68
    // PENNSLYVANIA rows fold to PA by the general rule (normalize/state.ts), so nothing is held.
    expect(s.quarantined).toEqual([]);
    const held = await store.db.selectFrom("event").select("seq").where("type", "=", "state_held").execute();
    const unread = await store.db
      .selectFrom("listing")
      .select(store.db.fn.countAll<number>().as("n"))
      .where("tier", "=", "unresolved")
      .executeTakeFirstOrThrow();
    const pa17 = (await roster(store.db, { asOf: "2026-02-17", state: "PA" })).length;
    const pa27 = (await roster(store.db, { asOf: "2026-02-27", state: "PA" })).length;
    await store.close();
    expect(held).toHaveLength(0);
    expect(Number(unread.n)).toBe(0);
    expect(pa27).toBeGreaterThanOrEqual(69);
    expect(pa27).toBeGreaterThanOrEqual(pa17);
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
