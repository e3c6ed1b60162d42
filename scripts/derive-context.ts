// Derives the geography tables in data/context/ (counties.csv, states.csv, fbi-agencies.csv) from
// the raw Census and FBI tables in ../shared/data/reference (or the folder given as the first
// argument). Run after those tables change, then `g287 rebuild` so placements are recomputed:
//   npx tsx scripts/derive-context.ts [SHARED_DATA_DIR]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GEO_DIR, SHARED_DATA_DIR } from "../src/context/census.js";
import { deriveGeography, GEO_INPUTS, type GeoInput } from "../src/context/derive-geography.js";
import { writeDerived } from "./write-derived.js";

const shared = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(SHARED_DATA_DIR);
const inputs = {} as Record<GeoInput, string>;
for (const [k, rel] of Object.entries(GEO_INPUTS) as [GeoInput, string][]) {
  const p = path.join(shared, rel);
  if (!fs.existsSync(p)) {
    process.stderr.write(`g287: ${p}: missing (the raw reference tables live in ../shared/data)\n`);
    process.exit(1);
  }
  inputs[k] = fs.readFileSync(p, "utf8");
}
const outDir = fileURLToPath(GEO_DIR);
const files = deriveGeography(inputs);
writeDerived(outDir, files, shared);
