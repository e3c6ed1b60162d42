// /api/v1/events: the change log (appeared, removed, renamed, redated, quarantined…) with the list
// each event came from. Also the source of the Atom feed.
import { eventsWithAgency } from "../../analysis/queries.js";
import { EVENT_TYPES, p, z } from "../params.js";
import { type Ctx, listResource, type Row } from "../resource.js";
import { modelsById } from "./lookups.js";
import { eventRow } from "./schemas.js";

export const EVENT_LIST_COLUMNS = [
  "seq",
  "date",
  "type",
  "state",
  "agency_id",
  "agency",
  "model",
  "agreement_id",
  "application_id",
  "list",
  "obs_id",
  "snapshot_id",
  "detail",
] as const;

export interface EventRow {
  seq: number;
  date: string;
  type: string;
  state: string | null;
  agency_id: string | null;
  agency: string | null;
  model: string | null;
  agreement_id: string | null;
  application_id: string | null;
  list: string | null;
  obs_id: string;
  snapshot_id: string;
  detail: Record<string, unknown>;
}

/** Every event in ledger order, with its agency, model and list; memoised per ledger version. */
export function allEvents(ctx: Ctx): Promise<EventRow[]> {
  return ctx.memo("events", async () => {
    const models = await modelsById(ctx);
    const rows = await eventsWithAgency(ctx.db).select("e.snapshot_id").orderBy("e.seq").execute();
    return rows.map((r) => {
      const { list, ...detail } = JSON.parse(r.detail) as Record<string, unknown>;
      const id = r.agreement_id ?? r.application_id;
      return {
        seq: Number(r.seq),
        date: r.date,
        type: r.type,
        state: r.state,
        agency_id: r.agency_id,
        agency: r.agency,
        model: (id && models.get(id)) || null,
        agreement_id: r.agreement_id,
        application_id: r.application_id,
        list: typeof list === "string" ? list : null,
        obs_id: r.obs_id,
        snapshot_id: r.snapshot_id,
        detail,
      };
    });
  });
}

export interface EventFilter {
  type?: string;
  state?: string;
  agency?: string;
  model?: string;
  agreement?: string;
  snapshot?: string;
  since?: string;
  until?: string;
}

export function filterEvents(rows: readonly EventRow[], f: EventFilter): EventRow[] {
  return rows.filter(
    (e) =>
      (!f.type || e.type === f.type) &&
      (!f.state || e.state === f.state) &&
      (!f.agency || e.agency_id === f.agency) &&
      (!f.model || e.model === f.model) &&
      (!f.agreement || e.agreement_id === f.agreement) &&
      (!f.snapshot || e.snapshot_id === f.snapshot) &&
      (!f.since || e.date >= f.since) &&
      (!f.until || e.date <= f.until),
  );
}

export const eventsResource = listResource({
  path: "/events",
  name: "events",
  tag: "ledger",
  summary: "The change log",
  description:
    "Every event the replay recorded, in ledger order (seq): appeared, removed (confirmed), reappeared, gap, superseded, renamed, redated, relisted_state, model_changed, moa_posted, pending_added, pending_signed, pending_dropped, list_quarantined, list_accepted, list_kind_mismatch. Each names the list (file) it came from.",
  schema: eventRow,
  query: {
    type: p.oneOf(EVENT_TYPES),
    state: p.state(),
    agency: p.agency(),
    model: p.model(),
    agreement: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "agreement id", example: "al-etowah-county-sheriffs-office/jem/2016-06-08" }),
    snapshot: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "expected a snapshot id (64 hex digits)")
      .optional()
      .openapi({ description: "events caused by one list file (its sha256)" }),
    since: p.date("on or after this date"),
    until: p.date("on or before this date"),
  },
  async load(ctx, f) {
    const rows = filterEvents(await allEvents(ctx), f);
    return {
      rows: rows as unknown as Row[],
      columns: EVENT_LIST_COLUMNS,
      key: (r) => String(r.seq).padStart(10, "0"),
    };
  },
});
