// Which changes a subscription receives. Pure. The place filters (state, county, agency) are
// alternatives: `--state TX --county 06037` means Texas and also Los Angeles County. Model and
// kind narrow what the place filters let through. A suspicious-list notice goes to everyone.
import { stateByUsps } from "../domain/state.js";
import type { Change } from "./changes.js";
import type { Filters } from "./subscriptions.js";

export function matches(filters: Filters, c: Change): boolean {
  if (c.kind === "suspicious_list") return true;
  if (filters.kind.length && !filters.kind.includes(c.kind)) return false;
  if (filters.model.length && !c.models.some((m) => (filters.model as string[]).includes(m))) return false;
  const placed = filters.state.length + filters.county_fips.length + filters.agency.length > 0;
  return !placed || inPlace(filters, c);
}

function inPlace(f: Filters, c: Change): boolean {
  const a = c.agency;
  if (!a) return false;
  if (f.agency.includes(a.id)) return true;
  if (f.state.includes(a.state)) return true;
  if (a.county_fips && f.county_fips.includes(a.county_fips)) return true;
  // A state agency (highway patrol, department of corrections) works in every county of its
  // state, so a county subscription hears about it: 48201 (Harris County) gets the Texas DPS.
  if (a.statewide) {
    const fips = stateByUsps(a.state)?.fips;
    if (fips && f.county_fips.some((c) => c.startsWith(fips))) return true;
  }
  return false;
}

/** The subscriptions (active ones, in order) that receive a change. */
export function recipients<S extends { filters: Filters; active: boolean }>(subs: readonly S[], c: Change): S[] {
  return subs.filter((s) => s.active && matches(s.filters, c));
}
