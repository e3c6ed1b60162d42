// The curated placement table data/corrections/county-places.csv: a county (or statewide, or a
// documented "none") for an agency ICE's text cannot place, keyed on the agency or on the COUNTY
// text as the ledger keeps it. Every row carries its evidence. Checked with zod at load.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { stateByUsps } from "../domain/state.js";
import { InputError } from "../errors.js";

export const COUNTY_PLACES = new URL("../../data/corrections/county-places.csv", import.meta.url);

const row = z
  .object({
    state: z.string().refine((s) => !!stateByUsps(s), "not a USPS state code"),
    agency_id: z.string(),
    raw: z.string(),
    county_fips: z.string().regex(/^(\d{5}|statewide|none)$/, "expected a 5-digit GEOID, statewide or none"),
    evidence: z.string().min(1),
  })
  .refine((r) => !!r.agency_id !== !!r.raw, "give exactly one of agency_id and raw")
  .refine((r) => !r.agency_id || r.agency_id.startsWith(`${r.state.toLowerCase()}-`), "agency_id not of this state")
  .refine((r) => r.county_fips !== "statewide" || !!r.agency_id, "only an agency can be made statewide");

export interface CuratedPlace {
  /** A GEOID, `statewide`, or `none` (no county, with the reason in evidence). */
  value: string;
  evidence: string;
}

export interface CuratedPlaces {
  byAgency: Map<string, CuratedPlace>;
  /** `STATE|county text key` → place */
  byText: Map<string, CuratedPlace>;
}

/** Case- and space-insensitive key for a published value (as in src/normalize/corrections.ts). */
export function textKey(s: string): string {
  return s
    .replace(/[\s\u00a0]+/g, " ")
    .trim()
    .toLowerCase();
}

let cache: CuratedPlaces | null = null;

export function curatedPlaces(): CuratedPlaces {
  if (cache) return cache;
  const file = fileURLToPath(COUNTY_PLACES);
  const records = parse(fs.readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const out: CuratedPlaces = { byAgency: new Map(), byText: new Map() };
  records.forEach((r, i) => {
    const p = row.safeParse(r);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new InputError("data/corrections/county-places.csv", `${issue?.path.join(".")}: ${issue?.message}`, i + 2);
    }
    const v = { value: p.data.county_fips, evidence: p.data.evidence };
    if (p.data.agency_id) out.byAgency.set(p.data.agency_id, v);
    else out.byText.set(`${p.data.state}|${textKey(p.data.raw)}`, v);
  });
  cache = out;
  return out;
}
