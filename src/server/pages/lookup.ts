// data/lookup/index.json (the directory of states and place names), data/lookup/places-<letter>.json,
// data/lookup/<ST>.json (one state's index) and data/search.json: "Am I covered?" and the header
// search, from the same objects the API's /lookup answers from (lookup-data.ts).
import { placeLetter } from "../../analysis/lookup.js";
import { dataFile, STATE_CODE } from "../data-file.js";
import type { Ctx } from "../resource.js";
import { lookupData } from "./lookup-data.js";

const data = (ctx: Ctx) => lookupData(ctx.db, ctx.version);

// The directory's 30,000 place names go in one file per first letter, fetched for the query typed.
export const lookupIndexFile = dataFile({
  path: "lookup/index",
  load: async (ctx) => ({ ...(await data(ctx)).directory, places: [] }),
});

export const searchFile = dataFile({
  path: "search",
  load: async (ctx) => (await data(ctx)).search,
});

export const lookupPlacesFile = dataFile({
  path: "lookup/places-{id}",
  id: /[a-z0-9]/,
  async ids(ctx) {
    const letters = new Set((await data(ctx)).directory.places.map(([, n]) => placeLetter(n)));
    return [...letters].filter((l) => l !== null).sort();
  },
  load: async (ctx, letter) => (await data(ctx)).directory.places.filter(([, n]) => placeLetter(n) === letter),
});

export const lookupStateFile = dataFile({
  path: "lookup/{id}",
  id: STATE_CODE,
  ids: async (ctx) => [...(await data(ctx)).states.keys()],
  load: async (ctx, state) => (await data(ctx)).states.get(state) ?? null,
});
