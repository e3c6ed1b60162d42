// Opening a SQLite store applies what is pending, skips the migrator when nothing is, and refuses
// a file a newer g287 migrated.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateStore, openStore } from "./db.js";
import { InlineMigrations, MIGRATIONS } from "./migrations/index.js";

const dirs: string[] = [];
const file = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "g287-db-"));
  dirs.push(d);
  return path.join(d, "g287.db");
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function applied(f: string): string[] {
  const s = new Sqlite(f, { readonly: true });
  try {
    return (s.prepare("select name from kysely_migration order by name").all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    s.close();
  }
}

describe("opening a SQLite store", () => {
  it("applies every migration to a new file, and none to a file that has them all", async () => {
    const f = file();
    expect((await migrateStore(f)).map((r) => r.migrationName)).toEqual(Object.keys(MIGRATIONS));
    expect(await migrateStore(f)).toEqual([]);
    await (await openStore(f)).close();
    expect(applied(f)).toEqual(Object.keys(MIGRATIONS));
  });

  it("applies the missing ones to a file an older g287 made", async () => {
    const f = file();
    const k = new Kysely({ dialect: new SqliteDialect({ database: new Sqlite(f) }) });
    await new Migrator({ db: k, provider: new InlineMigrations() }).migrateTo("003-moa");
    await k.destroy();
    expect(applied(f)).toEqual(["001-initial", "002-agency-place", "003-moa"]);
    const store = await openStore(f);
    await store.close();
    expect(applied(f)).toEqual(Object.keys(MIGRATIONS));
  });

  it("refuses a file that records a migration this code does not have", async () => {
    const f = file();
    await migrateStore(f);
    const s = new Sqlite(f);
    s.prepare("insert into kysely_migration (name, timestamp) values (?, ?)").run("999-future", "2030-01-01");
    s.close();
    await expect(openStore(f)).rejects.toThrow(/cannot migrate .*999-future/);
  });

  it("closes the file even when the store was never queried", async () => {
    const f = file();
    await migrateStore(f);
    const store = await openStore(f, { readonly: true });
    await store.close();
    await expect(store.db.selectFrom("meta").selectAll().execute()).rejects.toThrow(/not open/);
  });
});
