// Where the state and history layers live on disk, and how they are read back: the committed
// files in data/context/layers/, checked with zod, so `npm start` never needs ../shared.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { checkedRow, readDerived } from "./csv-read.js";
import { LAYER_INPUTS, type LayerInput } from "./derive-layers.js";

export const LAYERS_DIR = new URL("../../data/context/layers/", import.meta.url);
export const CURATED_CAVEATS = new URL("../../data/context/curated/layer-caveats.csv", import.meta.url);
/** The raw tables, `../shared/data` beside the repository. */
export const SHARED_DATA_DIR = new URL("../../../shared/data/", import.meta.url);

const cache = new Map<string, unknown[]>();

/** Rows of one committed layer file, each checked against `schema`; read once per process. */
export function readLayer<T>(file: string, schema: z.ZodType<T>): T[] {
  const hit = cache.get(file);
  if (hit) return hit as T[];
  const path = fileURLToPath(new URL(file, LAYERS_DIR));
  const text = readDerived(path, "derive-layers.ts", "the context layers");
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const rows = records.map((r, i) => checkedRow(schema, r, path, i));
  cache.set(file, rows);
  return rows;
}

/** The raw input texts, from a shared data folder (default ../shared/data). Missing files fail loudly. */
export function readLayerInputs(dir: URL | string = SHARED_DATA_DIR): Record<LayerInput, string> {
  const base = typeof dir === "string" ? dir : fileURLToPath(dir);
  const out = {} as Record<LayerInput, string>;
  for (const [k, rel] of Object.entries(LAYER_INPUTS) as [LayerInput, string][]) {
    const p = `${base.replace(/\/$/, "")}/${rel}`;
    if (!fs.existsSync(p)) throw new InputError(p, "missing: the raw reference tables live in ../shared/data");
    out[k] = fs.readFileSync(p, "utf8");
  }
  return out;
}
