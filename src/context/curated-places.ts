import { z } from "zod";
import { stateByUsps } from "../domain/state.js";
import { readFixTable, textKey } from "../normalize/corrections.js";

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

let cache: CuratedPlaces | null = null;

export function curatedPlaces(): CuratedPlaces {
  if (cache) return cache;
  const out: CuratedPlaces = { byAgency: new Map(), byText: new Map() };
  for (const p of readFixTable(COUNTY_PLACES, "county-places.csv", row)) {
    const v = { value: p.county_fips, evidence: p.evidence };
    if (p.agency_id) out.byAgency.set(p.agency_id, v);
    else out.byText.set(`${p.state}|${textKey(p.raw)}`, v);
  }
  cache = out;
  return out;
}
