// `g287 sync` keeps working past a list it cannot read: the broken or hostile file is reported
// once (exit 1, with the reason), remembered by its sha256 in FETCHES.csv, and skipped by later
// runs (exit 3), so one bad list published by ICE, a mirror or a spoofer cannot freeze updates.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SyncOptions, sync } from "../src/pipeline/sync.js";
import { resolveSettings } from "../src/pipeline/sync-config.js";
import { openStore } from "../src/store/db.js";
import { FakeIce, icePage } from "./fake-ice.js";
import { ARCHIVE, copyArchiveDb, storeFingerprint, tmpDir } from "./helpers.js";

const ice = new FakeIce();
const PAGE = "/identify-and-arrest/287g";
const DOC = "/doclib/about/offices/ero/287g";

beforeAll(async () => {
  await ice.start();
});
afterAll(async () => {
  await ice.stop();
});

function options(archiveDir: string): SyncOptions {
  const s = resolveSettings(null, { url: ice.url(PAGE), archive: archiveDir }, {});
  return {
    ...s,
    archiveDir,
    http: { ...s.http, connectTimeoutMs: 2000, readTimeoutMs: 1500, retries: 0, backoffBaseMs: 10, backoffMaxMs: 10 },
    sleep: async () => {},
    random: () => 0.5,
  };
}

async function run(db: string, archiveDir: string) {
  const store = await openStore(db);
  try {
    return await sync(store, options(archiveDir));
  } finally {
    await store.close();
  }
}

/** A zip whose only entry claims to be the workbook but is not one: it passes the download checks. */
function brokenWorkbook(): Uint8Array {
  const real = fs.readFileSync(path.join(ARCHIVE, "participating_2026-05-01.xlsx"));
  const bytes = new Uint8Array(real);
  // Keep the zip signature and size, scramble the middle: the sheet cannot be read.
  for (let i = 2048; i < bytes.length - 2048; i += 7) bytes[i] = (bytes[i] as number) ^ 0x5a;
  return bytes;
}

describe("a list that cannot be read", () => {
  it("is reported once with its reason, skipped by the next runs, and never freezes the ones after it", async () => {
    const db = copyArchiveDb();
    const archive = path.join(tmpDir("g287-rejected-"), "lists");
    const before = await storeFingerprint(db);
    const bad = brokenWorkbook();
    ice.clear();
    ice.set(PAGE, { body: icePage({ participating: `${DOC}/participatingAgencies05042026am.xlsx` }) });
    // No ETag: the server sends the same bytes every time, so only their sha256 can tell.
    ice.set(`${DOC}/participatingAgencies05042026am.xlsx`, {
      body: bad,
      headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    });

    const first = await run(db, archive);
    expect(first.exitCode).toBe(1);
    expect(first.rejected).toHaveLength(1);
    expect(first.rejected[0]).toMatchObject({ file: "participatingAgencies05042026am.xlsx", again: false });
    expect(first.error).toMatch(/^rejected participatingAgencies05042026am\.xlsx: /);
    expect(first.error).not.toMatch(/\n| {4}at /);
    expect(await storeFingerprint(db)).toBe(before);
    const fetches = fs.readFileSync(path.join(archive, "FETCHES.csv"), "utf8");
    expect(fetches.split("\n")[0]).toMatch(/,rejected$/);
    expect(fetches).toContain(first.rejected[0]?.sha256 as string);

    const second = await run(db, archive);
    expect(second.exitCode).toBe(3);
    expect(second.rejected).toMatchObject([{ again: true }]);
    expect(await storeFingerprint(db)).toBe(before);

    // ICE replaces it with a readable list: the run goes on as usual.
    const good = new Uint8Array(fs.readFileSync(path.join(ARCHIVE, "participating_2026-05-01.xlsx")));
    ice.set(PAGE, { body: icePage({ participating: `${DOC}/participatingAgencies05012026am.xlsx` }) });
    ice.set(`${DOC}/participatingAgencies05012026am.xlsx`, { body: good });
    const third = await run(db, archive);
    expect(third.rejected).toEqual([]);
    expect(third.error).toBeNull();
    expect([0, 3]).toContain(third.exitCode);
  });
});
