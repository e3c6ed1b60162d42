// `g287 backup` / `g287 restore` across backends: the archive ledger (with a subscription, its
// outbox row and the alert cursor added) goes SQLite → backup → PostgreSQL → backup → SQLite, and
// every export and the release bundle stay byte-identical. Also: the backup covers every table, a
// restore refuses a store that is not empty, and PostgreSQL writers queue on the advisory lock.
process.env.TZ = "America/Los_Angeles";

import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUP_TABLES, backup, restore } from "../src/store/backup.js";
import { migrateStore, openStore, type Store } from "../src/store/db.js";
import { copyArchiveDb, tmpDir } from "./helpers.js";
import {
  datasetFiles,
  expectSameFiles,
  freshDatabase,
  type PgDatabase,
  releaseFiles,
  testPostgres,
} from "./pg-helpers.js";

/** A subscription with one delivery queued, as `g287 alerts` leaves them. */
async function addAlertState(store: Store): Promise<void> {
  await sql`insert into subscription (subscription_id, channel, target, secret, filters, created_at, active)
    values ('sub_1', 'webhook', 'https://example.org/hook', 's3cret', '{"state":"TX"}', '2026-05-02T00:00:00Z', 1)`.execute(
    store.db,
  );
  await sql`insert into alert_cursor (change_key, kind, list_date, seen_at, outcome, recipients)
    values ('agreement_added:x', 'agreement_added', '2026-05-01', '2026-05-02T00:00:00Z', 'queued', 1)`.execute(
    store.db,
  );
  await sql`insert into outbox (outbox_id, subscription_id, change_key, kind, payload, created_at, status, attempts, next_attempt_at)
    values ('ob_1', 'sub_1', 'agreement_added:x', 'agreement_added', '{"a":1}', '2026-05-02T00:00:00Z', 'pending', 2, '2026-05-02T01:00:00Z')`.execute(
    store.db,
  );
}

const alertState = async (store: Store) =>
  JSON.stringify(
    await Promise.all(
      ["subscription", "alert_cursor", "outbox"].map(
        async (t) => (await sql`select * from ${sql.table(t)}`.execute(store.db)).rows,
      ),
    ),
  );

describe.skipIf(!testPostgres)("backup and restore across SQLite and PostgreSQL", () => {
  let pgdb: PgDatabase;
  const dir = tmpDir("g287-backup-");
  let source: Store;

  beforeAll(async () => {
    pgdb = await freshDatabase();
    source = await openStore(copyArchiveDb());
    await addAlertState(source);
  }, 300_000);

  afterAll(async () => {
    await source?.close();
    await pgdb?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("backs up every table the migrations create", async () => {
    const tables = (await source.db.introspection.getTables()).map((t) => t.name);
    const carried = tables.filter((t) => !t.startsWith("kysely_") && !t.startsWith("moa_fts"));
    expect(BACKUP_TABLES.map((t) => t.table).sort()).toEqual(carried.sort());
  });

  it("round-trips SQLite → PostgreSQL → SQLite with byte-identical exports", async () => {
    const first = path.join(dir, "sqlite.g287backup");
    const t0 = performance.now();
    const s1 = await backup(source, first);
    const t1 = performance.now();
    expect(s1.tables.find((t) => t.table === "outbox")?.rows).toBe(1);
    await restore(pgdb.url, first);
    const t2 = performance.now();
    const pgStore = await openStore(pgdb.url);
    const second = path.join(dir, "postgres.g287backup");
    await backup(pgStore, second);
    const back = path.join(dir, "back.db");
    await restore(back, second);
    const t3 = performance.now();
    console.log(
      `backup ${Math.round(t1 - t0)} ms (${fs.statSync(first).size} bytes), restore into PostgreSQL ${Math.round(t2 - t1)} ms, PostgreSQL → SQLite ${Math.round(t3 - t2)} ms`,
    );
    const again = await openStore(back);
    try {
      const want = await datasetFiles(source);
      expectSameFiles(await datasetFiles(pgStore), want);
      expectSameFiles(await datasetFiles(again), want);
      const bundle = await releaseFiles(source);
      expectSameFiles(await releaseFiles(pgStore), bundle);
      expectSameFiles(await releaseFiles(again), bundle);
      expect(await alertState(pgStore)).toBe(await alertState(source));
      expect(await alertState(again)).toBe(await alertState(source));
      // The lists' bytes came along: a rebuild is possible from the restored store.
      const blobs = await sql<{ n: number }>`select count(*) as n from blob`.execute(again.db);
      expect(blobs.rows[0]?.n).toBeGreaterThan(400);
    } finally {
      await pgStore.close();
      await again.close();
    }
  }, 1_800_000);

  it("refuses to restore into a store that holds lists", async () => {
    await expect(restore(pgdb.url, path.join(dir, "sqlite.g287backup"))).rejects.toThrow(
      /restore needs an empty store, and .* holds \d+ rows of snapshot: use a new --db/,
    );
  });

  it("refuses a file that is not a backup", async () => {
    const bad = path.join(dir, "bad.g287backup");
    fs.writeFileSync(bad, "hello");
    await expect(restore(path.join(dir, "never.db"), bad)).rejects.toThrow(/is not a g287 backup/);
  });
});

describe.skipIf(!testPostgres)("one writer at a time on PostgreSQL", () => {
  it("a second transaction waits for the first one's advisory lock", async () => {
    const db = await freshDatabase();
    await migrateStore(db.url);
    const [a, b] = [await openStore(db.url), await openStore(db.url)];
    try {
      const order: string[] = [];
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = a.transaction(async () => {
        order.push("a starts");
        await held;
        order.push("a ends");
      });
      while (!order.length) await new Promise((r) => setTimeout(r, 10));
      const second = b.transaction(async () => {
        order.push("b starts");
      });
      await new Promise((r) => setTimeout(r, 300));
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(["a starts", "a ends", "b starts"]);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
