// `g287 places` (how many agencies carry a county, by rule and by state, and which do not) and
// `g287 types` (agencies by type, and the ones left as "other").
import { z } from "zod";
import { placeAgency, placementReport } from "../../context/geography.js";
import { AGENCY_TYPES, type AgencyType, type Jurisdiction } from "../../domain/agency-type.js";
import { PLACE_COLUMNS } from "../../domain/columns.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { typeOverride } from "../../normalize/agency-type.js";
import type { Store } from "../../store/db.js";
import { optional, stateCode } from "../args.js";
import type { Ctx } from "../context.js";
import { table } from "../format.js";
import { withStore } from "../store.js";

const agencyType = z.enum(AGENCY_TYPES, {
  message: `expected one of ${AGENCY_TYPES.join(", ")}`,
});

async function agencyRows(store: Store, state?: string) {
  let q = store.db
    .selectFrom("agency")
    .select(["agency_id", "state", "name", "type", ...PLACE_COLUMNS])
    .orderBy("agency_id");
  if (state) q = q.where("state", "=", state);
  return q.execute();
}

type Row = Awaited<ReturnType<typeof agencyRows>>[number];

/** Why an agency is placed as it is, recomputed from the same inputs the ledger writer used. */
function noteOf(r: Row): string | null {
  return placeAgency({
    agencyId: r.agency_id,
    state: r.state,
    name: r.name,
    county: r.county,
    jurisdiction: r.jurisdiction as Jurisdiction | null,
    type: r.type as AgencyType,
  }).note;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export async function places(c: Ctx, o: { state?: string; unplaced?: boolean }): Promise<void> {
  const { g } = c;
  const state = optional("--state", stateCode, o.state);
  await withStore(
    c,
    async (store) => {
      const rows = await agencyRows(store, state);
      const rep = placementReport(rows);
      const byId = new Map(rows.map((r) => [r.agency_id, r]));
      const unplaced = rep.unplaced.map((u) => ({ ...u, note: noteOf(byId.get(u.agency_id) as Row) }));
      if (g.json) {
        if (o.unplaced) return c.out(toJson(listEnvelope(unplaced, { share: rep.share })));
        return c.out(toJson({ ...rep, unplaced }));
      }
      if (o.unplaced) {
        c.out(table(["agency_id", "state", "type", "county", "note"], unplaced, { maxWidth: 70 }));
        return c.out(`${unplaced.length} agencies without a county${state ? ` in ${state}` : ""}`);
      }
      const others = rep.total - rep.statewide;
      c.out(
        `${rep.total} agencies${state ? ` in ${state}` : ""}: ${rep.statewide} statewide; ` +
          `${rep.placed} of the other ${others} carry a county FIPS (${pct(rep.share)}), ${others - rep.placed} do not`,
      );
      c.out("");
      c.out(
        table(
          ["basis", "agencies"],
          Object.entries(rep.byBasis).map(([basis, agencies]) => ({ basis, agencies })),
        ),
      );
      c.out("");
      c.out(
        table(
          ["state", "total", "statewide", "placed", "unplaced", "share"],
          rep.byState.map((s) => ({ ...s, share: pct(s.share) })),
        ),
      );
      if (rep.crossState.length) {
        c.out("");
        c.out("placed in another state's county (ICE listed them under the wrong state):");
        c.out(table(["agency_id", "state", "county_fips"], rep.crossState));
      }
      if (unplaced.length) c.out(`\n${unplaced.length} without a county: see \`g287 places --unplaced\``);
    },
    { readonly: true },
  );
}

export async function types(c: Ctx, o: { type?: string; state?: string }): Promise<void> {
  const { g } = c;
  const type = optional("--type", agencyType, o.type);
  const state = optional("--state", stateCode, o.state);
  await withStore(
    c,
    async (store) => {
      const rows = await agencyRows(store, state);
      if (type) {
        const list = rows
          .filter((r) => r.type === type)
          .map((r) => ({
            agency_id: r.agency_id,
            state: r.state,
            name: r.name,
            jurisdiction: r.jurisdiction,
            county: r.county_name,
            override: typeOverride(r.name, r.state)?.evidence ?? null,
          }));
        if (g.json) return c.out(toJson(listEnvelope(list, { type })));
        c.out(table(["agency_id", "state", "name", "jurisdiction", "county", "override"], list, { maxWidth: 60 }));
        return c.out(`${list.length} agencies of type ${type}${state ? ` in ${state}` : ""}`);
      }
      const counts = AGENCY_TYPES.map((t) => {
        const of = rows.filter((r) => r.type === t);
        return {
          type: t,
          agencies: of.length,
          curated: of.filter((r) => typeOverride(r.name, r.state)).length,
          share: rows.length ? of.length / rows.length : 0,
        };
      });
      if (g.json) return c.out(toJson(listEnvelope(counts, { total: rows.length })));
      c.out(
        table(
          ["type", "agencies", "curated", "share"],
          counts.map((c) => ({ ...c, share: pct(c.share) })),
        ),
      );
      c.out(
        `${rows.length} agencies${state ? ` in ${state}` : ""}; "curated" = set by data/corrections/agency-types.csv`,
      );
    },
    { readonly: true },
  );
}
