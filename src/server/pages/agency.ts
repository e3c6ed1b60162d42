// data/agency/<id>.json and .csv: an agency page: its names, agreements with their listings and
// sources, pending applications, events and the MOA documents kept.
import { moaDocumentLinks } from "../../analysis/moa.js";
import { agencyDetail } from "../../analysis/queries.js";
import type { AgencyFile } from "../../domain/files.js";
import type { Db } from "../../store/db.js";
import { dataFile } from "../data-file.js";
import { agreementTable, type Base, baseOf, itemOf, publicEvent } from "./base.js";

async function agencyPage(db: Db, b: Base, id: string): Promise<AgencyFile | null> {
  const d = await agencyDetail(db, id);
  if (!d) return null;
  const facts = new Map(b.facts.filter((f) => f.agency_id === id).map((f) => [f.agreement_id, f]));
  const a = d.agency;
  const src = (s: (typeof d.agreements)[number]["first_source"]) =>
    s
      ? {
          list: s.original_filename,
          published_at: s.published_at,
          row: Number(s.row),
          snapshot_id: s.snapshot_id,
          tier: s.tier,
          name_as_listed: s.name_as_listed,
          signed_on: s.signed_on,
        }
      : null;
  return {
    latest_list: b.latest,
    agency: {
      agency_id: a.agency_id,
      state: a.state,
      state_fips: a.state_fips,
      name: a.name,
      jurisdiction: a.jurisdiction,
      type: a.type,
      county: a.county,
      county_fips: a.county_fips,
      county_name: a.county_name,
      statewide: Number(a.statewide) === 1,
      ori: a.ori,
      place_basis: a.place_basis,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      names: a.names.map((n) => ({ name: n.name, firstSeen: n.firstSeen, lastSeen: n.lastSeen })),
    },
    documents: await moaDocumentLinks(db, id),
    agreements: d.agreements.flatMap((g) => {
      const f = facts.get(g.agreement_id as string);
      if (!f) return [];
      return [
        {
          ...itemOf(b, f),
          signed_history: g.signed_history,
          gaps: g.gaps,
          first_source: src(g.first_source),
          latest_source: src(g.latest_source),
          listings: g.listings,
        },
      ];
    }),
    applications: d.applications.map((p) => ({
      application_id: p.application_id,
      model: p.model,
      first_listed: p.first_listed,
      last_listed: p.last_listed,
      status: p.status,
      agreement_id: p.agreement_id,
      signed_on: p.signed_on,
    })),
    events: b.events.filter((e) => e.agency_id === id).map(publicEvent),
  };
}

export const agencyFile = dataFile({
  path: "agency/{id}",
  ids: async (ctx) => (await baseOf(ctx)).agencies.map((a) => a.agency_id),
  load: async (ctx, id) => agencyPage(ctx.db, await baseOf(ctx), id),
  csv: (f) => agreementTable(f.agreements),
});
