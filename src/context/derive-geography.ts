// Turns the raw Census and FBI tables in ../shared/data/reference into the compact tables committed
// under data/context/ (counties, states, FBI agencies). Pure: text in, text out, so the same inputs
// always give byte-identical files (a test re-derives and compares).
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { allStates } from "../domain/state.js";

/** Raw inputs, by path relative to the shared data folder. */
export const GEO_INPUTS = {
  gazetteer: "reference/census_gazetteer_counties_2024.txt",
  population: "reference/census_county_population_2023.csv",
  fbi: "reference/fbi_lee_agencies.csv",
} as const;
export type GeoInput = keyof typeof GEO_INPUTS;

/** Derived files, written to data/context/. */
export const GEO_FILES = {
  counties: "counties.csv",
  states: "states.csv",
  fbi: "fbi-agencies.csv",
} as const;

function csv(columns: string[], rows: (string | number | null)[][]): string {
  return stringify(
    rows.map((r) => r.map((v) => (v === null ? "" : String(v)))),
    { header: true, columns, record_delimiter: "\n" },
  );
}

function rowsOf(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
}

/**
 * The gazetteer is tab-separated and its last header carries trailing spaces (`INTPTLONG   `);
 * every cell is trimmed. Coordinates are kept as published, not re-rounded.
 */
function gazetteer(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = (lines.shift() ?? "").split("\t").map((h) => h.trim());
  return lines.map((l) => {
    const cells = l.split("\t");
    return Object.fromEntries(head.map((h, i) => [h, (cells[i] ?? "").trim()]));
  });
}

/** Vintage-2023 populations: county GEOID (STATE padded to 2, COUNTY to 3) and state FIPS → estimate. */
function populations(text: string): { counties: Map<string, number>; states: Map<string, number> } {
  const counties = new Map<string, number>();
  const states = new Map<string, number>();
  for (const r of rowsOf(text)) {
    const st = (r.STATE ?? "").padStart(2, "0");
    const pop = Number(r.POPESTIMATE2023);
    if (!Number.isFinite(pop)) throw new Error(`census population: bad POPESTIMATE2023 for ${r.STNAME}/${r.CTYNAME}`);
    if (r.SUMLEV === "40") states.set(st, pop);
    else if (r.SUMLEV === "50") counties.set(st + (r.COUNTY ?? "").padStart(3, "0"), pop);
  }
  return { counties, states };
}

export function deriveGeography(inputs: Record<GeoInput, string>): Map<string, string> {
  const out = new Map<string, string>();
  const pop = populations(inputs.population);

  // Counties: every gazetteer row. Puerto Rico's municipios have no 2023 estimate in this file.
  const gaz = gazetteer(inputs.gazetteer).sort((a, b) => ((a.GEOID ?? "") < (b.GEOID ?? "") ? -1 : 1));
  out.set(
    GEO_FILES.counties,
    csv(
      ["geoid", "state", "name", "pop_2023", "lat", "lon"],
      gaz.map((r) => [
        r.GEOID ?? "",
        r.USPS ?? "",
        r.NAME ?? "",
        pop.counties.get(r.GEOID ?? "") ?? null,
        r.INTPTLAT ?? "",
        r.INTPTLONG ?? "",
      ]),
    ),
  );

  // States and territories in the order of their FIPS; population null where the file has none.
  const states = [...allStates()].sort((a, b) => (a.fips < b.fips ? -1 : 1));
  out.set(
    GEO_FILES.states,
    csv(
      ["usps", "fips", "name", "pop_2023", "territory"],
      states.map((s) => [s.usps, s.fips, s.name, pop.states.get(s.fips) ?? null, s.territory ? 1 : 0]),
    ),
  );

  // FBI agencies: only what placement needs. Federal agencies (state `FS`) have no county.
  const fbi = rowsOf(inputs.fbi)
    .filter((r) => r.state_abbr !== "FS")
    .map((r): string[] => [
      (r.ori ?? "").trim(),
      (r.state_abbr ?? "").trim(),
      (r.pub_agency_name ?? "").replace(/\s+/g, " ").trim(),
      (r.agency_type_name ?? "").trim(),
      (r.county_name ?? "").replace(/\s+/g, " ").trim(),
    ])
    .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  out.set(GEO_FILES.fbi, csv(["ori", "state", "name", "type", "counties"], fbi));
  return out;
}
