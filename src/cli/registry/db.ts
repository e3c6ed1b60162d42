// `g287 db migrate`, `g287 backup`, `g287 restore`: the store as a whole (schema, copies).
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  const db = program
    .command("db")
    .description("the store's schema: `db migrate` before first use of a PostgreSQL database and after an upgrade");
  db.command("migrate")
    .description("apply the schema migrations this version needs (safe to re-run)")
    .action(lazy(async () => (await import("../commands/db.js")).migrate));
  program
    .command("backup <file>")
    .description("write the whole store (lists' bytes, provenance, MOAs, subscriptions, outbox) to one portable file")
    .action(lazy(async () => (await import("../commands/db.js")).backupCmd));
  program
    .command("restore <file>")
    .description("rebuild an empty store (SQLite file or PostgreSQL database) from a `g287 backup` file")
    .action(lazy(async () => (await import("../commands/db.js")).restoreCmd));
};
