import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InputError } from "../errors.js";
import { checkedRow, readCsv, readDerived } from "./csv-read.js";
import { GEO_FILES } from "./derive-geography.js";

export const GEO_DIR = new URL("../../data/context/", import.meta.url);
/** The raw tables, `../shared/data` beside the repository. */
export const SHARED_DATA_DIR = new URL("../../../shared/data/", import.meta.url);

export interface StateRow {
  usps: string;
  fips: string;
  name: string;
  /** Census Vintage-2023 estimate; null for Puerto Rico and the territories (not in the file). */
  population: number | null;
  territory: boolean;
}

export interface CountyRow {
  /** 5-digit Census GEOID. Connecticut: the 2022 planning regions (09110–09190). */
  geoid: string;
  state: string;
  name: string;
  population: number | null;
  lat: number;
  lon: number;
}

const num = z.string().transform((s, ctx) => {
  if (s === "") return null;
  const n = Number(s);
  if (!Number.isFinite(n)) ctx.addIssue({ code: "custom", message: `not a number: ${s}` });
  return n;
});
const coord = num.refine((n) => n !== null, "missing coordinate").transform((n) => n as number);

const stateSchema = z.object({
  usps: z.string().regex(/^[A-Z]{2}$/),
  fips: z.string().regex(/^\d{2}$/),
  name: z.string().min(1),
  pop_2023: num,
  territory: z.enum(["0", "1"]),
});
const countySchema = z.object({
  geoid: z.string().regex(/^\d{5}$/),
  state: z.string().regex(/^[A-Z]{2}$/),
  name: z.string().min(1),
  pop_2023: num,
  lat: coord,
  lon: coord,
});

/**
 * Rows of one committed file in data/context/, each checked by a zod schema or, for the 18,000
 * FBI rows where zod would cost more than the rest of placement, by a plain function that throws.
 */
export function readGeoFile<T>(file: string, check: z.ZodType<T> | ((r: Record<string, string>) => T)): T[] {
  const path = fileURLToPath(new URL(file, GEO_DIR));
  const records = readCsv(readDerived(path, "derive-context.ts", "the geography tables"));
  return records.map((r, i) => {
    if (typeof check === "function") {
      try {
        return check(r);
      } catch (e) {
        throw new InputError(path, (e as Error).message, i + 2);
      }
    }
    return checkedRow(check, r, path, i);
  });
}

interface Tables {
  states: Map<string, StateRow>;
  counties: Map<string, CountyRow>;
  byState: Map<string, CountyRow[]>;
}
let tables: Tables | null = null;

function load(): Tables {
  if (tables) return tables;
  const states = new Map<string, StateRow>();
  for (const r of readGeoFile(GEO_FILES.states, stateSchema))
    states.set(r.usps, {
      usps: r.usps,
      fips: r.fips,
      name: r.name,
      population: r.pop_2023,
      territory: r.territory === "1",
    });
  const counties = new Map<string, CountyRow>();
  const byState = new Map<string, CountyRow[]>();
  for (const r of readGeoFile(GEO_FILES.counties, countySchema)) {
    const c = { geoid: r.geoid, state: r.state, name: r.name, population: r.pop_2023, lat: r.lat, lon: r.lon };
    counties.set(c.geoid, c);
    const list = byState.get(c.state) ?? [];
    list.push(c);
    byState.set(c.state, list);
  }
  tables = { states, counties, byState };
  return tables;
}

/** A state or territory by USPS code (case-insensitive). */
export function stateInfo(usps: string): StateRow | undefined {
  return load().states.get(usps.toUpperCase());
}

/** The 50 states, DC, Puerto Rico and the other territories, by FIPS. */
export function allStates(): StateRow[] {
  return [...load().states.values()];
}

/** A county or county-equivalent by its 5-digit GEOID. */
export function county(geoid: string): CountyRow | undefined {
  return load().counties.get(geoid);
}

/** The counties of one state, by GEOID (empty for a territory without gazetteer rows). */
export function countiesOf(usps: string): CountyRow[] {
  return load().byState.get(usps.toUpperCase()) ?? [];
}

export function allCounties(): CountyRow[] {
  return [...load().counties.values()];
}
