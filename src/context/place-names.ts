// Which agency names are about a real place of their state: a county of the Census gazetteer or a
// place the FBI agency table names. The identity rules use it so that two real places (Kane and
// Cache counties, Utah) are never merged as one name's typo of the other.
import { countiesOf } from "./census.js";
import { compact, countyBase, placeWords } from "./county-match.js";
import { fbiHasPlace, placePart } from "./fbi.js";

const countyBases = new Map<string, Set<string>>();

function basesOf(state: string): Set<string> {
  let s = countyBases.get(state);
  if (!s) {
    s = new Set(countiesOf(state).map((c) => compact(countyBase(c.name).base)));
    countyBases.set(state, s);
  }
  return s;
}

/** The place an agency name is about, when it is a real one in `state`; else null. */
export function realPlace(state: string, agencyName: string): string | null {
  const w = placeWords(agencyName);
  // `Kane County Sheriff's Office`, `Lafourche Parish …`: the words before County/Parish.
  const county = /^(.+?) (county|parish|borough)\b/.exec(w);
  if (county?.[1] && basesOf(state).has(compact(county[1]))) return `${county[1]} county`;
  const place = placePart(agencyName, state);
  if (place && fbiHasPlace(state, place)) return place;
  return null;
}
