// The versioned migrations, in order, shared by both backends: SQLite applies them when a store
// opens, PostgreSQL through `g287 db migrate` (see pg/open.ts).
import type { Migration, MigrationProvider } from "kysely";
import * as m001 from "./001-initial.js";
import * as m002 from "./002-agency-place.js";
import * as m003 from "./003-moa.js";
import * as m004 from "./004-alerts.js";

export const MIGRATIONS: Record<string, Migration> = {
  "001-initial": m001,
  "002-agency-place": m002,
  "003-moa": m003,
  "004-alerts": m004,
};

export class InlineMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}
