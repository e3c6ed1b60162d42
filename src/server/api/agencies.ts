// /api/v1/agencies, /agencies/{id} and /agencies/{id}/listings: the agencies, one agency with its
// agreements, events and name variants, and the provenance of each fact (the list rows behind it).
import { dataset } from "../../analysis/datasets.js";
import { moaDocumentLinks } from "../../analysis/moa.js";
import { agencyDetail, roster } from "../../analysis/queries.js";
import { AGENCY_COLUMNS, AGREEMENT_COLUMNS } from "../../domain/columns.js";
import { AGENCY_TYPES, p, z } from "../params.js";
import { type Ctx, itemResource, listResource, type Row } from "../resource.js";
import { agencyText, matcher } from "./lookups.js";
import { agencyRow, anyObject } from "./schemas.js";

/** Every agency in its public shape: the export's (src/analysis/datasets.ts), placement included. */
function allAgencies(ctx: Ctx): Promise<Row[]> {
  return ctx.memo("agencies", async () => (await dataset(ctx.db, "agencies")).rows);
}

export const agenciesResource = listResource({
  path: "/agencies",
  name: "agencies",
  tag: "ledger",
  summary: "Agencies",
  description:
    "Every agency that has been listed, with its placement (county FIPS or statewide) and agreement counts. With `as_of`: only agencies with an agreement listed on that date. Sorted by agency_id.",
  schema: agencyRow,
  query: {
    q: p.q(),
    state: p.state(),
    type: p.oneOf(AGENCY_TYPES),
    county_fips: z
      .string()
      .regex(/^\d{5}$/, "expected a five-digit county FIPS code such as 48201")
      .optional()
      .openapi({ example: "48201" }),
    as_of: p.asOf(),
  },
  async load(ctx, f) {
    const match = matcher(await agencyText(ctx), f.q);
    const listed = f.as_of ? new Set((await roster(ctx.db, { asOf: f.as_of })).map((r) => r.agency_id)) : null;
    const rows = (await allAgencies(ctx)).filter(
      (a) =>
        (!f.state || a.state === f.state) &&
        (!f.type || a.agency_type === f.type) &&
        (!f.county_fips || a.county_fips === f.county_fips) &&
        (!listed || listed.has(a.agency_id as string)) &&
        (!match || match(a.agency_id as string)),
    );
    return {
      rows,
      columns: AGENCY_COLUMNS,
      key: (r) => r.agency_id as string,
      extra: f.as_of ? { as_of: f.as_of } : {},
    };
  },
});

interface ListingRow {
  snapshot_id: string;
  file: string;
  kind: string;
  published_at: string;
  first_seen: string;
  last_seen: string;
  row: number;
  agreement_id: string | null;
  application_id: string | null;
  name_as_listed: string;
  state: string | null;
  model: string | null;
  signed_on: string | null;
  tier: string;
  note: string | null;
}

const LISTING_COLUMNS = [
  "published_at",
  "file",
  "kind",
  "row",
  "agreement_id",
  "application_id",
  "name_as_listed",
  "state",
  "model",
  "signed_on",
  "tier",
  "note",
  "snapshot_id",
  "first_seen",
  "last_seen",
] as const;

function listingQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom("listing as l")
    .innerJoin("snapshot as s", "s.snapshot_id", "l.snapshot_id")
    .select([
      "l.snapshot_id",
      "s.original_filename as file",
      "s.kind",
      "s.published_at",
      "s.first_seen",
      "s.last_seen",
      "l.row",
      "l.agreement_id",
      "l.application_id",
      "l.agency as name_as_listed",
      "l.state",
      "l.model",
      "l.signed_on",
      "l.tier",
      "l.note",
    ]);
}

/**
 * Rows of pending lists, by agency. listing has no index on application_id, so one scan of the
 * pending rows (a few thousand) per ledger version serves every agency page.
 */
function pendingListings(ctx: Ctx): Promise<Map<string, ListingRow[]>> {
  return ctx.memo("pending-listings", async () => {
    const rows = (await listingQuery(ctx).where("l.agreement_id", "is", null).execute()) as ListingRow[];
    const apps = await ctx.db.selectFrom("application").select(["application_id", "agency_id"]).execute();
    const agencyOf = new Map(apps.map((a) => [a.application_id, a.agency_id]));
    const m = new Map<string, ListingRow[]>();
    for (const r of rows) {
      const a = r.application_id ? agencyOf.get(r.application_id) : undefined;
      if (!a) continue;
      const list = m.get(a) ?? [];
      list.push(r);
      m.set(a, list);
    }
    return m;
  });
}

/** Every list row that named this agency, oldest list first. */
async function listingsOf(ctx: Ctx, agencyId: string): Promise<ListingRow[]> {
  const ids = (
    await ctx.db.selectFrom("agreement").select("agreement_id").where("agency_id", "=", agencyId).execute()
  ).map((r) => r.agreement_id);
  const own = ids.length
    ? ((await listingQuery(ctx).where("l.agreement_id", "in", ids).execute()) as ListingRow[])
    : [];
  const rows = [...own, ...((await pendingListings(ctx)).get(agencyId) ?? [])];
  return rows.sort((a, b) => cmp(a.published_at, b.published_at) || cmp(a.snapshot_id, b.snapshot_id) || a.row - b.row);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Provenance in runs: consecutive lists that carried the same agreement (or application) under the
 * same name. Each run names its first and last list and row, so every fact on the agency page can
 * be traced to a published file; /agencies/{id}/listings has every row.
 */
export function provenanceRuns(rows: readonly ListingRow[]) {
  const runs: {
    agreement_id: string | null;
    application_id: string | null;
    kind: string;
    name_as_listed: string;
    lists: number;
    first: { file: string; published_at: string; row: number; snapshot_id: string; tier: string };
    last: { file: string; published_at: string; row: number; snapshot_id: string };
  }[] = [];
  const open = new Map<string, (typeof runs)[number]>();
  for (const r of rows) {
    const id = r.agreement_id ?? `app:${r.application_id}`;
    const cur = open.get(id);
    const at = { file: r.file, published_at: r.published_at, row: r.row, snapshot_id: r.snapshot_id };
    if (cur && cur.name_as_listed === r.name_as_listed) {
      cur.lists++;
      cur.last = at;
      continue;
    }
    const run = {
      agreement_id: r.agreement_id,
      application_id: r.application_id,
      kind: r.kind,
      name_as_listed: r.name_as_listed,
      lists: 1,
      first: { ...at, tier: r.tier },
      last: at,
    };
    runs.push(run);
    open.set(id, run);
  }
  return runs;
}

export const agencyResource = itemResource({
  path: "/agencies/{id}",
  name: "agency",
  tag: "ledger",
  summary: "One agency",
  description:
    "The agency, its name variants (first and last seen), its agreements (periods, signed-date history, MOA links, first and latest source row), its pending-list entries, its events, its provenance (runs of consecutive lists that carried each agreement under one name), and the MOA documents kept for it (`documents`, each with a `copy` path under /data/moa/). The CSV twin is the agency's agreements.",
  schema: z
    .object({
      agency: anyObject,
      agreements: z.array(anyObject),
      applications: z.array(anyObject),
      events: z.array(anyObject),
      provenance: z.array(anyObject),
      documents: z.array(anyObject),
    })
    .openapi("AgencyDetail"),
  params: {
    id: z.string().openapi({ param: { name: "id", in: "path" }, example: "al-etowah-county-sheriffs-office" }),
  },
  query: {},
  async load(ctx, _q, { id }) {
    const d = await agencyDetail(ctx.db, id);
    if (!d) return null;
    const provenance = provenanceRuns(await listingsOf(ctx, id));
    const { names, keys: _keys, ...agency } = d.agency;
    return {
      data: {
        agency: { ...agency, names },
        agreements: d.agreements,
        applications: d.applications,
        events: d.events,
        provenance,
        // The MOA documents `g287 moa` has kept for this agency, each with its stored copy.
        documents: await moaDocumentLinks(ctx.db, id),
      },
      csv: { columns: AGREEMENT_COLUMNS, rows: d.agreements as Row[] },
    };
  },
});

export const agencyListingsResource = listResource({
  path: "/agencies/{id}/listings",
  name: "agency_listings",
  tag: "ledger",
  summary: "Every list row that named one agency",
  description:
    "The provenance of an agency in full: each row of each published list that was resolved to one of its agreements or pending-list entries, with the file, its date, the row number, the name as listed and the identity rule (tier) that matched it.",
  params: {
    id: z.string().openapi({ param: { name: "id", in: "path" }, example: "al-etowah-county-sheriffs-office" }),
  },
  query: {},
  async load(ctx, _q, { id }) {
    const exists = await ctx.db.selectFrom("agency").select("agency_id").where("agency_id", "=", id).executeTakeFirst();
    if (!exists) return null;
    const rows = await listingsOf(ctx, id);
    return {
      rows: rows as unknown as Row[],
      columns: LISTING_COLUMNS,
      key: (r) => `${r.published_at}|${r.snapshot_id}|${String(r.row).padStart(7, "0")}`,
    };
  },
});
