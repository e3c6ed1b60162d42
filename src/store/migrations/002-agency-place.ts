// Where each agency sits: county FIPS, statewide flag, FBI ORI and the rule that placed it.
// Filled from the context layer whenever agency rows are written.
import type { Kysely } from "kysely";
import { textType } from "./types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema.alterTable("agency").addColumn("county_fips", text).execute();
  await db.schema.alterTable("agency").addColumn("county_name", text).execute();
  await db.schema
    .alterTable("agency")
    .addColumn("statewide", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("agency").addColumn("ori", text).execute();
  await db.schema.alterTable("agency").addColumn("place_basis", text).execute();
  await db.schema.createIndex("agency_county").on("agency").column("county_fips").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("agency_county").execute();
  for (const c of ["county_fips", "county_name", "statewide", "ori", "place_basis"])
    await db.schema.alterTable("agency").dropColumn(c).execute();
}
