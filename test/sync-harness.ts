// What every sync test file shares: a fake ICE started around the file, settings fast enough for
// tests (short timeouts, no real sleeping, fixed jitter), and a sync run against a ledger file.
import { afterAll, beforeAll } from "vitest";
import { type SyncOptions, type SyncSummary, sync } from "../src/pipeline/sync.js";
import { resolveSettings, type SyncSettings } from "../src/pipeline/sync-config.js";
import { openStore } from "../src/store/db.js";
import { FakeIce, icePage, workbook } from "./fake-ice.js";
import { realList } from "./lists.js";

/** ICE's 287(g) page, and the folder its workbooks lived in until 2026. */
export const PAGE = "/identify-and-arrest/287g";
export const DOCLIB = "/doclib/about/offices/ero/287g";

/** A fake ICE for the calling test file: started before its tests, stopped after them. */
export function useFakeIce(): FakeIce {
  const ice = new FakeIce();
  beforeAll(async () => {
    await ice.start();
  });
  afterAll(async () => {
    await ice.stop();
  });
  return ice;
}

/**
 * Serves only ICE's page linking these workbooks, each at its address: `[href, bytes]` per kind
 * (bytes from `realBytes` or `newerList`).
 */
export function publish(
  ice: FakeIce,
  lists: { participating?: [string, Uint8Array]; pending?: [string, Uint8Array] },
  style?: "name" | "text",
): void {
  ice.clear();
  ice.set(PAGE, { body: icePage({ participating: lists.participating?.[0], pending: lists.pending?.[0], style }) });
  for (const [href, bytes] of Object.values(lists)) ice.set(href, workbook(bytes));
}

/** Settings for `archiveDir` against the fake ICE: no retries unless `http` asks, no real waits. */
export function syncOptions(
  ice: FakeIce,
  archiveDir: string,
  http: Partial<SyncSettings["http"]> = {},
  extra: Partial<SyncOptions> = {},
): SyncOptions {
  const s = resolveSettings(null, { url: ice.url(PAGE), archive: archiveDir }, {});
  return {
    ...s,
    archiveDir,
    http: {
      ...s.http,
      connectTimeoutMs: 2000,
      readTimeoutMs: 2000,
      retries: 0,
      backoffBaseMs: 10,
      backoffMaxMs: 10,
      ...http,
    },
    sleep: async () => {},
    random: () => 0.5,
    ...extra,
  };
}

/** One sync into the ledger file `db`. */
export async function runSync(db: string, options: SyncOptions): Promise<SyncSummary> {
  const store = await openStore(db);
  try {
    return await sync(store, options);
  } finally {
    await store.close();
  }
}

/** The newest event's number in the ledger file `db` (0 when there is none). */
export async function maxSeq(db: string): Promise<number> {
  const s = await openStore(db, { readonly: true });
  try {
    const r = await s.db.selectFrom("event").select(s.db.fn.max("seq").as("m")).executeTakeFirstOrThrow();
    return Number(r.m ?? 0);
  } finally {
    await s.close();
  }
}

/** A list newer than any in the archive: the real 2026-05-01 rows plus one Texas agreement signed on `signed`. */
export function newerList(agency: string, file: string, signed = 46145 /* 2026-05-03 */): Uint8Array {
  const latest = realList("participating_2026-05-01.xlsx");
  const extra = latest.row({
    STATE: "TEXAS",
    "LAW ENFORCEMENT AGENCY": agency,
    TYPE: "County",
    "SUPPORT TYPE": "Task Force Model",
    SIGNED: signed,
  });
  return latest.bytes(file, [...latest.body, extra]);
}

/** How the ledger file `db` dated the list file `name`: the date, the date its name states, and the rule used. */
export async function datedAs(db: string, name: string) {
  const store = await openStore(db, { readonly: true });
  try {
    return await store.db
      .selectFrom("observation")
      .select(["date", "stated_date", "date_rule"])
      .where("original_filename", "=", name)
      .executeTakeFirstOrThrow();
  } finally {
    await store.close();
  }
}
