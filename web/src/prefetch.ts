// Starts fetching a page's data files (and its map outlines) as soon as the route is known, beside
// the page's own script instead of after it: on a slow phone network that saves a round trip or
// two before anything is drawn. The files go through data.ts's cache, so the page reuses them;
// a file named here that a page no longer reads only costs its bytes.
import countiesUrl from "us-atlas/counties-10m.json?url";
import statesUrl from "us-atlas/states-10m.json?url";
import { load } from "./data.js";

/** The data files each page reads first, by its route. */
function filesFor(parts: string[], query: URLSearchParams): string[] {
  const [name = "", id = ""] = parts;
  switch (name) {
    case "":
      return ["summary.json", "timeline.json"];
    case "map":
      // The latest map needs only the summaries; agreements.json serves another date (MapPage.tsx).
      return [
        "states.json",
        "timeline.json",
        ...(query.get("level") === "county" ? ["counties.json"] : []),
        ...(query.get("date") ? ["agreements.json"] : []),
      ];
    case "agreements":
      return ["agreements.json"];
    case "agency":
      return /^[a-z0-9][a-z0-9-]*$/.test(id) ? [`agency/${id}.json`] : [];
    case "state":
      // counties.json only for Connecticut's crosswalk (State.tsx).
      return /^[A-Z]{2}$/.test(id) ? [`state/${id}.json`, ...(id === "CT" ? ["counties.json"] : [])] : [];
    case "changes": {
      const st = query.get("state") ?? "";
      const m = query.get("month") ?? "";
      return [
        "changes/index.json",
        ...(/^[A-Z]{2}$/.test(st)
          ? [`changes/state/${st}.json`]
          : /^\d{4}-\d{2}$/.test(m)
            ? [`changes/month/${m}.json`]
            : []),
      ];
    }
    case "claims":
      return ["claims.json"];
    case "methodology":
      return ["methodology.json"];
    default:
      return [];
  }
}

/** The map outlines a page draws at once: the states map, or the counties at county level. */
function outlinesFor(parts: string[], query: URLSearchParams): string | null {
  if (parts[0] !== "map") return null;
  return query.get("level") === "county" ? countiesUrl : statesUrl;
}

export function prefetch(parts: string[], query: URLSearchParams): void {
  // The footer's latest-list line reads the summary on every page.
  for (const f of ["summary.json", ...filesFor(parts, query)]) load(f).catch(() => {});
  const topo = outlinesFor(parts, query);
  // The outlines are immutable assets: the HTTP cache hands this response to the map's own fetch.
  if (topo) fetch(topo).catch(() => {});
}
