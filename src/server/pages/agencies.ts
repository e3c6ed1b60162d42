// data/agencies.json and .csv: every agency ever listed, with its names over time and how many of
// its agreements are on the latest list.
import { AGENCY_FILE_COLUMNS } from "../../domain/columns.js";
import type { AgenciesFile } from "../../domain/files.js";
import { dataFile } from "../data-file.js";
import { baseOf } from "./base.js";

export const agenciesFile = dataFile({
  path: "agencies",
  async load(ctx): Promise<AgenciesFile> {
    const b = await baseOf(ctx);
    return { latest_list: b.latest, rows: b.agencies };
  },
  csv: (f) => ({
    columns: AGENCY_FILE_COLUMNS,
    rows: f.rows.map((a) => ({ ...a, statewide: a.statewide ? 1 : 0, name_variants: a.name_variants.join(" | ") })),
  }),
});
