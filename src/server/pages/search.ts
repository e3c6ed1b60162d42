// data/search.json: what the header search finds (states, counties, towns and agencies), each
// with a weight for ranking. Weights are residents where the Census gives them (states,
// counties; an agency weighs its county or, statewide, its state). Towns have no population in
// the tables g287 carries, so a town weighs 10,000 per ZIP code (a rough size; about the mean
// residents per ZIP code), and only towns with two or more ZIP codes or a police agency are listed.
import type { LookupDirectory, LookupStateIndex } from "../../analysis/lookup.js";

/** `[kind, name, state, ref, weight]`: ref is an agency id, a county GEOID, or nothing. */
export type SearchEntry = ["state" | "county" | "city" | "agency", string, string, string, number];

export function searchEntries(indexes: readonly LookupStateIndex[], dir: LookupDirectory): SearchEntry[] {
  const out: SearchEntry[] = [];
  const statePop = new Map(dir.states.map((s) => [s.usps, s.population ?? 0]));
  for (const s of dir.states) out.push(["state", s.name, s.usps, "", s.population ?? 0]);
  for (const idx of indexes) {
    const countyPop = new Map(idx.counties.map((c) => [c.geoid, c.population ?? 0]));
    for (const c of idx.counties) out.push(["county", c.name, idx.state, c.geoid, c.population ?? 0]);
    const towns = new Map<string, { name: string; zips: number; police: boolean }>();
    for (const p of idx.places) {
      const t = towns.get(p.name) ?? { name: p.name, zips: 0, police: false };
      t.zips += p.zips;
      t.police ||= p.police.length > 0;
      towns.set(p.name, t);
    }
    for (const t of towns.values())
      if (t.zips >= 2 || t.police) out.push(["city", t.name, idx.state, "", Math.max(1, t.zips) * 10_000]);
    for (const a of idx.agencies) {
      if (!a.agreements.length) continue;
      const w = a.statewide ? (statePop.get(idx.state) ?? 0) : a.county_fips ? (countyPop.get(a.county_fips) ?? 0) : 0;
      out.push(["agency", a.name, idx.state, a.id, w]);
    }
  }
  return out;
}
