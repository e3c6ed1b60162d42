// An agency's record: created from its first row, then kept up to date from each list that names
// it (spellings, display name, state, county, jurisdiction, type).

import type { AgencyType, Jurisdiction } from "../domain/agency-type.js";
import { slug } from "../normalize/agency-key.js";
import { classifyAgency } from "../normalize/agency-type.js";
import type { ListKind } from "../sheets/types.js";
import { freshId } from "./entities.js";
import type { Resolution } from "./identity.js";
import type { ListContext } from "./list-context.js";
import type { Agency, Tier, UsableRow } from "./types.js";

const types = new Map<string, AgencyType>();

/**
 * `classifyAgency`, remembered: the replay asks it again for every agency of every list (about
 * 400,000 times over the archive) for a few thousand distinct names.
 */
export function typeOf(name: string, jurisdiction: Jurisdiction | null, state: string): AgencyType {
  const k = `${state}|${jurisdiction}|${name}`;
  let t = types.get(k);
  if (t === undefined) {
    t = classifyAgency(name, jurisdiction, state);
    types.set(k, t);
  }
  return t;
}

export function newAgency(ctx: ListContext, r: UsableRow): Agency {
  const { entities, obs } = ctx;
  const id = freshId(`${r.state.toLowerCase()}-${slug(r.agencyKey)}`, entities.agencies);
  const ag: Agency = {
    agencyId: id,
    state: r.state,
    stateFips: r.stateFips ?? "",
    name: r.agency,
    names: [],
    keys: [],
    jurisdiction: r.jurisdiction,
    type: typeOf(r.agency, r.jurisdiction, r.state),
    county: r.county,
    firstSeen: obs.date,
    lastSeen: obs.date,
  };
  entities.addAgency(ag);
  entities.addKey(id, r.agencyKey);
  return ag;
}

/** The spellings one list gives an agency, and the rows that carry them. */
interface Spellings {
  names: Set<string>;
  rows: UsableRow[];
  tier: Tier;
}

export function updateAgencies(
  ctx: ListContext,
  agencyOf: Map<number, Resolution>,
  kind: ListKind,
  skip?: Set<number>,
): void {
  const { entities, obs } = ctx;
  const spellings = new Map<string, Spellings>();
  for (const i of ctx.usable) {
    const res = agencyOf.get(i);
    // A duplicate row's spelling names nothing: the row it repeats does.
    if (!res || res.tier === "duplicate" || skip?.has(i)) continue;
    const r = ctx.row(i);
    const s = spellings.get(res.agencyId) ?? { names: new Set<string>(), rows: [], tier: res.tier };
    s.names.add(r.agency);
    s.rows.push(r);
    spellings.set(res.agencyId, s);
  }
  for (const [id, s] of spellings) {
    const ag = entities.agency(id);
    // Rule 6: the display name is the most recent spelling; ties broken alphabetically. The
    // participating list names an agency once it has an agreement; the pending list's spelling
    // only names agencies that have none, so the two lists cannot rename it back and forth.
    const authoritative = kind === "participating" || !entities.hasAgreements(id);
    // Spellings on the authoritative list are current (lastSeen null: "as of the agency's
    // lastSeen"), so a repeat of the same list changes no variant; a spelling that stops
    // appearing is closed at the last date it was seen.
    for (const v of ag.names) {
      if (authoritative && v.lastSeen === null && !s.names.has(v.name)) v.lastSeen = ag.lastSeen;
    }
    for (const name of s.names) {
      const v = ag.names.find((n) => n.name === name);
      if (!v) ag.names.push({ name, firstSeen: obs.date, lastSeen: authoritative ? null : obs.date });
      else if (authoritative) v.lastSeen = null;
      else if (v.lastSeen !== null) v.lastSeen = obs.date;
    }
    ag.lastSeen = obs.date;
    const display = [...s.names].sort()[0];
    const first = s.rows[0];
    if (!display || !first) continue;
    if (authoritative && display !== ag.name) {
      ctx.event("renamed", obs.date, { agencyId: id }, { from: ag.name, to: display, tier: s.tier, row: first.row });
      ag.name = display;
    }
    if (authoritative && first.state !== ag.state) {
      ctx.event("relisted_state", obs.date, { agencyId: id }, { from: ag.state, to: first.state, row: first.row });
      ag.state = first.state;
      ag.stateFips = first.stateFips ?? "";
    }
    const county = s.rows.find((r) => r.county)?.county;
    if (county) ag.county = county;
    const j = s.rows.find((r) => r.jurisdiction)?.jurisdiction;
    if (j) ag.jurisdiction = j;
    ag.type = typeOf(ag.name, ag.jurisdiction, ag.state);
  }
}
