// Derives data/context/layers/ from the raw tables in ../shared/data (or the folder given as the
// first argument). Run after the shared tables or data/context/curated/layer-caveats.csv change:
//   npx tsx scripts/derive-layers.ts [SHARED_DATA_DIR]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deriveLayers } from "../src/context/derive-layers.js";
import { CURATED_CAVEATS, LAYERS_DIR, readLayerInputs, SHARED_DATA_DIR } from "../src/context/layer-files.js";
import { writeDerived } from "./write-derived.js";

const shared = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(SHARED_DATA_DIR);
const outDir = fileURLToPath(LAYERS_DIR);
const files = deriveLayers(readLayerInputs(shared), fs.readFileSync(CURATED_CAVEATS, "utf8"));
writeDerived(outDir, files, shared);
