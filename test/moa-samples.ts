// The three sample MOAs (../shared/data/moa, one per template family) and the hand-made lists and
// store checks that test/moa.test.ts and test/moa-fetch.test.ts share.
import fs from "node:fs";
import path from "node:path";
import * as XLSX from "@e965/xlsx";
import { sql } from "kysely";
import { moaDb } from "../src/moa/tables.js";
import type { Store } from "../src/store/db.js";
import { ROOT } from "./helpers.js";

export const MOA_DIR = path.resolve(ROOT, "../shared/data/moa");
export const ICE = "https://www.ice.gov/doclib/287gMOA/";
export const WSO = "287gWSO_FinneyCoKs2020-03-17.pdf";
export const JEM = "287gJEM_FL_DOC_FL_08-21-2020.pdf";
export const TFM = "KansasBureauOfInv_TFM_MOA_02182025.pdf";
// From ../shared/data/moa/README.md.
export const SHA = {
  [WSO]: "050185e210c6676b11bb4bf6b021cca64e6850f62e5a1a9081486776497dc71a",
  [JEM]: "27dec8c53fec905179dc2f488383a350b930494ee5063377482b130ff467cf64",
  [TFM]: "60a7640f6a334db81ae19fa06f20097f3547e95e0cbf4f040b0e63a26f58f2a5",
};

export function sample(name: string): Uint8Array {
  const f = path.join(MOA_DIR, name);
  if (!fs.existsSync(f)) throw new Error(`the sample MOAs are missing: expected ${f} (../shared/data/moa)`);
  return new Uint8Array(fs.readFileSync(f));
}

export const serial = (iso: string) =>
  Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000);

/** A hand-made participating list; `links` puts a hyperlink behind a row's MOA cell. */
export function writeList(
  file: string,
  rows: [string, string, string, string, string][],
  links: (string | null)[] = [],
) {
  const aoa: unknown[][] = [["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA"]];
  for (const [st, name, type, model, signed] of rows) aoa.push([st, name, type, model, serial(signed), "link"]);
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  links.forEach((url, i) => {
    const cell = ws[`F${i + 2}`] as XLSX.CellObject | undefined;
    if (url && cell) cell.l = { Target: url };
  });
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, "Sheet1");
  fs.writeFileSync(file, XLSX.write(wb, { type: "buffer", bookType: "xlsx" }));
  return file;
}

/** Everything the MOA code keeps, to prove a failure or a rebuild changed none of it. */
export async function moaFingerprint(store: Store): Promise<string> {
  const db = moaDb(store.db);
  const parts: string[] = [];
  for (const t of ["moa_document", "moa_page", "moa_fields", "moa_link", "blob"] as const) {
    const r = await db.selectFrom(t).select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    parts.push(`${t}=${r.n}`);
  }
  const fts = await sql<{ n: number }>`select count(*) as n from moa_fts`.execute(store.db);
  parts.push(`moa_fts=${fts.rows[0]?.n}`);
  const docs = await db.selectFrom("moa_document").select(["sha256", "status"]).orderBy("sha256").execute();
  parts.push(docs.map((d) => `${d.sha256.slice(0, 8)}:${d.status}`).join(","));
  const links = await db.selectFrom("moa_link").select(["sha256", "agreement_id"]).orderBy("agreement_id").execute();
  parts.push(links.map((l) => `${l.sha256.slice(0, 8)}>${l.agreement_id}`).join(","));
  return parts.join(" ");
}
