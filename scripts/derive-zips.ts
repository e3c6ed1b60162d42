// Derives data/context/zips.csv, the offline ZIP and place table behind "Am I covered?", from the
// `zipcodes` npm package (a dev dependency: nothing is fetched here or at install time). Each ZIP
// keeps its point and its USPS city, and gets the county whose outline holds the point (us-atlas
// counties-10m, the shapes the map draws), re-keyed to the Census GEOIDs g287 uses:
//   npx tsx scripts/derive-zips.ts
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Topology } from "topojson-specification";
import { countyShapes, placeKey, shapeAt } from "../src/analysis/lookup.js";
import { GEO_DIR } from "../src/context/census.js";
import { readCsv } from "../src/context/csv-read.js";
import { CT_CROSSWALK } from "../src/context/ct.js";
import { allCounties, countiesOf, stateInfo } from "../src/context/geography.js";

const require = createRequire(import.meta.url);
const outDir = fileURLToPath(GEO_DIR);

interface ZipRow {
  zip: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
}

function fail(msg: string): never {
  process.stderr.write(`derive-zips: ${msg}\n`);
  process.exit(1);
}

let codes: Record<string, ZipRow>;
try {
  codes = (require("zipcodes/lib/codes.js") as { codes: Record<string, ZipRow> }).codes;
} catch {
  fail("the zipcodes package is not installed: run `npm ci` first");
}
const topo = JSON.parse(fs.readFileSync(require.resolve("us-atlas/counties-10m.json"), "utf8")) as Topology;
const shapes = countyShapes(topo);
const known = new Set(allCounties().map((c) => c.geoid));
const ctTowns = new Map(
  readCsv(fs.readFileSync(path.join(outDir, "ct-towns.csv"), "utf8")).map((r) => [
    placeKey(r.town as string),
    r.region_geoid_2022 as string,
  ]),
);

/** The county of a ZIP point: its outline; else the nearest county centre of the ZIP's state. */
function countyOf(z: ZipRow): { geoid: string; how: string } {
  const hit = shapeAt(shapes, z.latitude, z.longitude);
  if (hit && z.state === "CT" && /^090(0[1-9]|1[0-5])$/.test(hit)) {
    // Connecticut: the town of the ZIP's city names its planning region; else the region holding
    // most of the old county's towns.
    const town = ctTowns.get(placeKey(z.city));
    if (town) return { geoid: town, how: "ct_town" };
    return { geoid: CT_CROSSWALK.countyToRegions[hit]?.[0] as string, how: "ct_county" };
  }
  if (hit && known.has(hit) && hit.slice(0, 2) === stateInfo(z.state)?.fips) return { geoid: hit, how: "shape" };
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  const k = Math.cos((z.latitude * Math.PI) / 180);
  for (const c of countiesOf(z.state)) {
    const d = (c.lat - z.latitude) ** 2 + ((c.lon - z.longitude) * k) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c.geoid;
    }
  }
  if (!best) fail(`ZIP ${z.zip}: no county in ${z.state}`);
  return { geoid: best, how: "nearest" };
}

const rows: string[] = ["zip,state,city,county,lat,lon"];
const how: Record<string, number> = {};
let skipped = 0;
for (const z of Object.values(codes).sort((a, b) => (a.zip < b.zip ? -1 : 1))) {
  // Military mail (AA, AE, AP) and places g287 has no counties for are left out; so are rows
  // without a usable point.
  if (!/^\d{5}$/.test(z.zip) || !stateInfo(z.state) || !countiesOf(z.state).length) {
    skipped++;
    continue;
  }
  if (!Number.isFinite(z.latitude) || !Number.isFinite(z.longitude) || (z.latitude === 0 && z.longitude === 0)) {
    skipped++;
    continue;
  }
  const c = countyOf(z);
  how[c.how] = (how[c.how] ?? 0) + 1;
  const city = z.city.includes(",") || z.city.includes('"') ? `"${z.city.replace(/"/g, '""')}"` : z.city;
  rows.push(`${z.zip},${z.state},${city},${c.geoid},${z.latitude.toFixed(3)},${z.longitude.toFixed(3)}`);
}
const dest = path.join(outDir, "zips.csv");
const tmp = `${dest}.tmp-${process.pid}`;
fs.writeFileSync(tmp, `${rows.join("\n")}\n`);
fs.renameSync(tmp, dest);
process.stderr.write(
  `derived ${rows.length - 1} ZIP codes into ${dest} (${skipped} left out); county by ${JSON.stringify(how)}\n`,
);
