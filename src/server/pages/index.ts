// Every data file the web app reads, in the order `g287 site` writes them: registered under /data
// beside the API's resources (app.ts), and listed for the static site.
import type { Db } from "../../store/db.js";
import { type DataFile, dataPaths as pathsOf } from "../data-file.js";
import { agenciesFile } from "./agencies.js";
import { agencyFile } from "./agency.js";
import { agreementsFile } from "./agreements.js";
import { changesFile, changesIndexFile, changesMonthFile, changesStateFile } from "./changes.js";
import { claimsFile } from "./claims.js";
import { summaryFile } from "./home.js";
import { lookupIndexFile, lookupPlacesFile, lookupStateFile, searchFile } from "./lookup.js";
import { countiesFile, statesFile } from "./map.js";
import { methodologyFile } from "./methodology.js";
import { moaFile } from "./moa.js";
import { stateFile } from "./state.js";
import { timelineFile } from "./timeline.js";

export const DATA_FILES: DataFile[] = [
  summaryFile,
  agreementsFile,
  agenciesFile,
  statesFile,
  countiesFile,
  timelineFile,
  changesFile,
  claimsFile,
  methodologyFile,
  changesIndexFile,
  changesMonthFile,
  changesStateFile,
  stateFile,
  agencyFile,
  moaFile,
  lookupIndexFile,
  searchFile,
  lookupPlacesFile,
  lookupStateFile,
];

/** Every data file, as paths from the site root (`data/summary.json`, `data/agency/<id>.csv`, …). */
export function dataPaths(store: { db: Db }): Promise<string[]> {
  return pathsOf(store, DATA_FILES);
}
