// GET /api/v1/lookup: "Am I covered?" for a ZIP code, a town, a county (`q`) or a point (`lat`,
// `lon`): the county-wide, town and statewide agencies whose agreements cover it, and the state's
// law. Answered from the same per-state indexes as the web page's data/lookup/ files.
import { type LookupAnswer, lookupPoint, lookupQuery } from "../../analysis/lookup.js";
import { ApiError } from "../http.js";
import { lookupData, serverCountyShapes } from "../pages/lookup-data.js";
import { badParameter, z } from "../params.js";
import { itemResource, type Row } from "../resource.js";
import { anyObject } from "./schemas.js";

const coordinate = (name: "lat" | "lon", min: number, max: number, example: string) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,8})?$/, `${name}: expected a number in decimal degrees`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name}: expected a number from ${min} to ${max}`)
    .optional()
    .openapi({ description: `${name === "lat" ? "latitude" : "longitude"} in decimal degrees`, example });

const CSV_COLUMNS = [
  "group",
  "agency_id",
  "agency",
  "agency_type",
  "listed",
  "agreement_id",
  "model",
  "signed_on",
  "first_listed",
  "last_listed",
  "standing",
  "ended_on",
] as const;

function csvRows(a: LookupAnswer): Row[] {
  const groups: [string, LookupAnswer["county_agencies"]][] = [
    ["county", a.county_agencies],
    ["city", a.city_agencies],
    ["statewide", a.statewide_agencies],
    ["other_in_county", a.other_in_county],
  ];
  return groups.flatMap(([group, list]) =>
    list.flatMap((ag) =>
      ag.agreements.map((g) => ({
        group,
        agency_id: ag.id,
        agency: ag.name,
        agency_type: ag.type,
        listed: ag.listed ? 1 : 0,
        agreement_id: g.id,
        model: g.model,
        signed_on: g.signed_on,
        first_listed: g.first_listed,
        last_listed: g.last_listed,
        standing: g.standing,
        ended_on: g.ended_on,
      })),
    ),
  );
}

export const lookupResource = itemResource({
  path: "/lookup",
  name: "lookup",
  tag: "answers",
  summary: "Am I covered? The agreements that cover a ZIP code, town, county or point",
  description:
    "Give `q` (a ZIP code, a town or city, or a county, optionally followed by a state: `33602`, `Tampa, FL`, `Harris County, TX`) or both `lat` and `lon`. The answer names the county (Census GEOID; Connecticut's planning regions), the town, and every agency whose agreements cover it: county-wide agencies (sheriff, jail, corrections), the town's own police (matched by name, conservatively: same town and county), statewide agencies, and, apart, other agencies placed in the county that cover only part of it. Each agreement has its model, dates and standing on the list in force (`listed`, `unconfirmed`, `ended`). `covered` is true when a county, town or statewide agency has an agreement on that list. `laws` are the state's 287(g) laws in effect. Points come from an offline ZIP table (data/context/zips.csv); no geocoding service is asked. A query that matches nothing is a 404; other places it may mean are in `alternatives`.",
  schema: anyObject,
  query: {
    q: z.string().min(1, "give a ZIP code, a town or a county").max(100, "at most 100 characters").optional().openapi({
      description: "a ZIP code, a town or city, or a county (with an optional state)",
      example: "Tampa, FL",
    }),
    lat: coordinate("lat", -90, 90, "27.95"),
    lon: coordinate("lon", -180, 180, "-82.46"),
  },
  async load(ctx, f) {
    const hasPoint = f.lat !== undefined || f.lon !== undefined;
    if (f.q !== undefined && hasPoint) throw badParameter("q", "give either q or lat and lon, not both");
    if (hasPoint && (f.lat === undefined || f.lon === undefined)) {
      const missing = f.lat === undefined ? "lat" : "lon";
      throw badParameter(missing, `required with ${missing === "lat" ? "lon" : "lat"}`);
    }
    if (f.q === undefined && !hasPoint) throw badParameter("q", "required (or lat and lon)");
    const d = await lookupData(ctx.db, ctx.version);
    const load = (s: string) => d.states.get(s) ?? null;
    const r =
      f.q !== undefined
        ? await lookupQuery(d.directory, load, f.q)
        : await lookupPoint(d.directory, serverCountyShapes(), load, f.lat as number, f.lon as number);
    if (!r.answer) {
      const what = f.q !== undefined ? `"${f.q}"` : `${f.lat},${f.lon}`;
      throw new ApiError(
        404,
        "not_found",
        `no ZIP code, town or county of the 50 states, DC or Puerto Rico matches ${what}`,
      );
    }
    return {
      data: { ...r.answer, alternatives: r.alternatives },
      csv: { columns: CSV_COLUMNS, rows: csvRows(r.answer) },
    };
  },
});
