// Connecticut's two county geographies. The Census files (and so every GEOID in g287) use the nine
// planning regions adopted in 2022; the us-atlas@3 map still draws the eight old counties. Neither
// nests in the other, so the crosswalk is many-to-many, counted in towns (169 towns, none split).

export interface CtPair {
  region: string;
  county: string;
  /** Towns of the region that lay in the old county (see data/context/ct-towns.csv). */
  towns: number;
}

const OLD_COUNTIES: Record<string, string> = {
  "09001": "Fairfield County",
  "09003": "Hartford County",
  "09005": "Litchfield County",
  "09007": "Middlesex County",
  "09009": "New Haven County",
  "09011": "New London County",
  "09013": "Tolland County",
  "09015": "Windham County",
};

// Counted from data/context/ct-towns.csv; test/geography.test.ts checks the two agree.
const PAIRS: CtPair[] = [
  { region: "09110", county: "09003", towns: 26 },
  { region: "09110", county: "09013", towns: 12 },
  { region: "09120", county: "09001", towns: 6 },
  { region: "09130", county: "09007", towns: 15 },
  { region: "09130", county: "09011", towns: 2 },
  { region: "09140", county: "09009", towns: 12 },
  { region: "09140", county: "09005", towns: 5 },
  { region: "09140", county: "09001", towns: 1 },
  { region: "09140", county: "09003", towns: 1 },
  { region: "09150", county: "09015", towns: 14 },
  { region: "09150", county: "09011", towns: 1 },
  { region: "09150", county: "09013", towns: 1 },
  { region: "09160", county: "09005", towns: 19 },
  { region: "09160", county: "09003", towns: 2 },
  { region: "09170", county: "09009", towns: 15 },
  { region: "09180", county: "09011", towns: 18 },
  { region: "09180", county: "09015", towns: 1 },
  { region: "09190", county: "09001", towns: 16 },
  { region: "09190", county: "09005", towns: 2 },
];

function group(key: "region" | "county", value: "region" | "county"): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const sorted = [...PAIRS].sort((a, b) => b.towns - a.towns || (a[value] < b[value] ? -1 : 1));
  for (const p of sorted) {
    const list = out[p[key]] ?? [];
    list.push(p[value]);
    out[p[key]] = list;
  }
  return out;
}

export const CT_CROSSWALK = {
  note:
    "g287 keys Connecticut on the Census GEOIDs of the nine planning regions (09110-09190), as in the 2024 " +
    "gazetteer and the Vintage-2023 estimates. The us-atlas@3 map draws the eight pre-2022 counties " +
    "(09001-09015). The two do not nest: six regions span two to four old counties. Pairs are weighted by " +
    "towns, not people. Source: Census Federal Register notice 2022-12063; town membership from the CT Data " +
    "Collaborative town-to-planning-region crosswalk (data/context/ct-towns.csv).",
  keyedOn: "planning_region" as const,
  oldCounties: OLD_COUNTIES,
  pairs: PAIRS,
  /** Planning region → old counties it overlaps, most towns first. */
  regionToCounties: group("region", "county"),
  /** Old county → planning regions it overlaps, most towns first. */
  countyToRegions: group("county", "region"),
  /** Planning region → the old county holding most of its towns (for a one-colour map). */
  primaryCounty: Object.fromEntries(
    Object.entries(group("region", "county")).map(([r, cs]) => [r, cs[0] as string]),
  ) as Record<string, string>,
};
