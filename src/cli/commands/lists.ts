// `g287 roster`, `agreements`, `events` and `review`: the ledger's lists as aligned tables or --json.
import {
  agreements as agreementRows,
  events as eventRows,
  reviewQueue,
  roster as rosterRows,
} from "../../analysis/queries.js";
import { EVENT_TYPES } from "../../domain/events.js";
import { UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { agreementStatus, isoDate, model, optional, stateCode } from "../args.js";
import { type Ctx, today } from "../context.js";
import { table } from "../format.js";
import { readStore } from "../store.js";

export const ROSTER_HUMAN = ["state", "agency", "model", "signed_on", "first_listed", "listing_state", "agreement_id"];

/** An event's detail as `key=value` words, without the list and row it came from. */
export function summarize(detail: Record<string, unknown>): string {
  const { list: _l, row: _r, ...rest } = detail;
  return Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

/** Rows as --json (the list envelope), else as an aligned table and a count line. */
function printRows(
  c: Ctx,
  rows: Record<string, unknown>[],
  columns: string[],
  count: string,
  human: { rows?: Record<string, unknown>[]; maxWidth?: number } = {},
): void {
  if (c.g.json) {
    c.out(toJson(listEnvelope(rows)));
    return;
  }
  c.out(table(columns, human.rows ?? rows, { maxWidth: human.maxWidth }));
  c.out(count);
}

export async function roster(
  c: Ctx,
  o: { asOf?: string; state?: string; model?: string; includeUnconfirmed?: boolean },
): Promise<void> {
  const asOf = optional("--as-of", isoDate, o.asOf) ?? today();
  const f = {
    asOf,
    state: optional("--state", stateCode, o.state),
    model: optional("--model", model, o.model),
    includeUnconfirmed: o.includeUnconfirmed === true,
  };
  await readStore(c, async (store) => {
    const rows = await rosterRows(store.db, f);
    if (c.g.json) return c.out(toJson(listEnvelope(rows, { as_of: asOf })));
    c.out(table(ROSTER_HUMAN, rows));
    const unconfirmed = rows.filter((r) => r.listing_state === "unconfirmed").length;
    c.out(
      `${rows.length - unconfirmed} agreement(s) listed on ${asOf}${f.state ? ` in ${f.state}` : ""}${f.model ? ` (${f.model})` : ""}` +
        (f.includeUnconfirmed ? `, and ${unconfirmed} missing from that list, removal not yet confirmed` : ""),
    );
  });
}

export async function agreements(c: Ctx, o: { status?: string; state?: string; model?: string }): Promise<void> {
  const f = {
    status: optional("--status", agreementStatus, o.status),
    state: optional("--state", stateCode, o.state),
    model: optional("--model", model, o.model),
  };
  await readStore(c, async (store) => {
    const rows = await agreementRows(store.db, f);
    const columns = ["state", "agency", "model", "signed_on", "first_listed", "last_listed", "status", "ended_on"];
    printRows(c, rows, columns, `${rows.length} agreement(s)`);
  });
}

export async function events(
  c: Ctx,
  o: { type?: string; since?: string; until?: string; state?: string },
): Promise<void> {
  if (o.type && !(EVENT_TYPES as readonly string[]).includes(o.type))
    throw new UsageError(`--type ${JSON.stringify(o.type)}: expected one of ${EVENT_TYPES.join(", ")}`);
  const f = {
    type: o.type,
    since: optional("--since", isoDate, o.since),
    until: optional("--until", isoDate, o.until),
    state: optional("--state", stateCode, o.state),
  };
  await readStore(c, async (store) => {
    const rows = await eventRows(store.db, f);
    printRows(c, rows, ["date", "type", "state", "agency", "list", "detail"], `${rows.length} event(s)`, {
      rows: rows.map((e) => ({ ...e, detail: summarize(e.detail) })),
      maxWidth: 60,
    });
  });
}

export async function review(c: Ctx): Promise<void> {
  await readStore(c, async (store) => {
    const rows = await reviewQueue(store.db);
    if (c.g.json) return c.out(toJson(listEnvelope(rows)));
    c.out(
      table(
        ["date", "reason", "state", "name", "candidate_name", "status", "decision", "list", "row"],
        rows.map((r) => ({ ...r.detail, ...r })),
        { maxWidth: 50 },
      ),
    );
    const open = rows.filter((r) => r.status === "open").length;
    c.out(`${rows.length} item(s): ${open} open, ${rows.length - open} decided`);
  });
}
