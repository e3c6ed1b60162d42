// Running a command against the store (--db, else $G287_DB or $DATABASE_URL, else ./g287.db), so
// that a failure on a fresh SQLite ledger leaves no file behind.
import fs from "node:fs";
import { defaultDbPath, openStore, type Store } from "../store/db.js";
import { dialectOf } from "../store/dialect.js";
import type { Ctx } from "./context.js";

export async function withStore<T>(
  c: Ctx,
  fn: (s: Store) => Promise<T>,
  opts: { readonly?: boolean } = {},
): Promise<T> {
  const file = c.g.db ?? defaultDbPath();
  const sqlite = dialectOf(file) === "sqlite";
  const existed = !sqlite || fs.existsSync(file);
  const store = await openStore(file, opts);
  let ok = false;
  try {
    const out = await fn(store);
    ok = true;
    return out;
  } finally {
    await store.close();
    // A command that fails on a ledger it has just created leaves nothing behind.
    if (!ok && !existed) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** The same, read-only: every query command. */
export const readStore = <T>(c: Ctx, fn: (s: Store) => Promise<T>): Promise<T> => withStore(c, fn, { readonly: true });
