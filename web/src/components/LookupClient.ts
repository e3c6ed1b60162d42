// The page's side of "Am I covered?": loads the lookup files (data/lookup/index.json, the place
// names of one first letter, one state's index) and answers with the same functions the API uses
// (src/analysis/lookup.ts), so the page and /api/v1/lookup agree.
import type { Topology } from "topojson-specification";
import countiesUrl from "us-atlas/counties-10m.json?url";
import {
  type CountyShapes,
  countyShapes,
  type LookupDirectory,
  type LookupResult,
  type LookupStateIndex,
  lookupPoint,
  lookupQuery,
  parseQuery,
  placeLetter,
} from "../../../src/analysis/lookup.js";
import { load } from "../data.js";

export type { AnswerAgency, LookupAnswer, LookupResult } from "../../../src/analysis/lookup.js";

const dirFile = () => load<LookupDirectory>("lookup/index.json");

/** The directory with the place names a query can match: those of its first letter. */
async function directoryFor(q: string): Promise<LookupDirectory> {
  const dir = await dirFile();
  const p = parseQuery(q, dir.states);
  if (p.kind !== "text") return dir;
  const letter = placeLetter(p.text);
  if (!letter) return dir;
  const places = await load<LookupDirectory["places"]>(`lookup/places-${letter}.json`).catch(() => []);
  return { ...dir, places };
}

const stateFile = (st: string) => load<LookupStateIndex>(`lookup/${st}.json`).catch(() => null);

export async function lookupText(q: string): Promise<LookupResult> {
  return lookupQuery(await directoryFor(q), stateFile, q);
}

let shapes: Promise<CountyShapes> | null = null;

/** A point: the county outlines (the file the county map draws) are fetched on the first use. */
export async function lookupAt(lat: number, lon: number): Promise<LookupResult> {
  shapes ??= fetch(countiesUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`map outlines: HTTP ${r.status}`);
      return r.json() as Promise<Topology>;
    })
    .then(countyShapes);
  shapes.catch(() => {
    shapes = null;
  });
  return lookupPoint(await dirFile(), await shapes, stateFile, lat, lon);
}
