// data/agreements.json and .csv: every agreement ever listed, for the agreements table, the map
// on another date and the search index.
import type { AgreementsFile } from "../../domain/files.js";
import { dataFile } from "../data-file.js";
import { agreementTable, baseOf, itemOf } from "./base.js";

export const agreementsFile = dataFile({
  path: "agreements",
  async load(ctx): Promise<AgreementsFile> {
    const b = await baseOf(ctx);
    return { latest_list: b.latest, rows: b.facts.map((f) => itemOf(b, f)) };
  },
  csv: (f) => agreementTable(f.rows),
});
