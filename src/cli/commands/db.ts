// `g287 db migrate`, `g287 backup FILE`, `g287 restore FILE`: the store as a whole. PostgreSQL
// never changes its schema on open (several servers may share it), so a new install or an upgrade
// runs `db migrate` once; a SQLite file migrates on open anyway, and there it only reports.
import fs from "node:fs";
import { toJson } from "../../export/json.js";
import { backup, restore } from "../../store/backup.js";
import { defaultDbPath, migrateStore, openStore } from "../../store/db.js";
import { dialectOf, displayTarget } from "../../store/dialect.js";
import type { Ctx } from "../context.js";

const targetOf = (c: Ctx) => c.g.db ?? defaultDbPath();

export async function migrate(c: Ctx): Promise<void> {
  const target = targetOf(c);
  const applied = (await migrateStore(target)).map((r) => r.migrationName);
  const where = displayTarget(target);
  if (c.g.json) return c.out(toJson({ db: where, applied }));
  if (!c.g.quiet)
    c.err(applied.length ? `applied ${applied.join(", ")} to ${where}\n` : `${where}: schema up to date\n`);
}

function report(c: Ctx, verb: string, s: Awaited<ReturnType<typeof backup>>, where: string): void {
  if (c.g.json) {
    c.out(toJson(s));
    return;
  }
  const rows = s.tables.reduce((n, t) => n + t.rows, 0);
  const lists = s.tables.find((t) => t.table === "snapshot")?.rows ?? 0;
  if (!c.g.quiet) c.err(`${verb} ${where}: ${lists} lists, ${rows} rows in ${s.tables.length} tables\n`);
}

export async function backupCmd(c: Ctx, file: string): Promise<void> {
  const target = targetOf(c);
  const store = await openStore(target, { readonly: true });
  try {
    report(c, `backed up ${store.file} to`, await backup(store, file), file);
  } finally {
    await store.close();
  }
}

export async function restoreCmd(c: Ctx, file: string): Promise<void> {
  const target = targetOf(c);
  const fresh = dialectOf(target) === "sqlite" && !fs.existsSync(target);
  try {
    report(c, `restored ${file} into`, await restore(target, file), displayTarget(target));
  } catch (e) {
    // A new ledger file that a failed restore created is not left behind.
    if (fresh) for (const f of [target, `${target}-wal`, `${target}-shm`]) fs.rmSync(f, { force: true });
    throw e;
  }
}
