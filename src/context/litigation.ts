// Lawsuits, court decisions, settlements and attorney-general opinions on 287(g), with their dates,
// status and sources (data/context/layers/litigation.csv).
import { z } from "zod";
import { readLayer } from "./layer-files.js";
import { CONFIDENCES, type Sourced } from "./sourced.js";

export type LitigationStatus = "pending" | "resolved" | "unverified" | "not_filed";

export interface LitigationEvent {
  /** ISO at the precision written (`2025-01-29`, `2023-01`, `2022`), or null for an undated step. */
  date: string | null;
  text: string;
}

export interface LitigationRow extends Sourced {
  row: number;
  state: string;
  /** The source's `case_or_action`. */
  case: string;
  type: string;
  court_or_issuer: string;
  case_number: string | null;
  plaintiffs_or_requester: string | null;
  defendants: string | null;
  /** The filing (or request) date, ISO at the precision known; null when nothing was filed. */
  filed: string | null;
  /** The table's own words for the filing date (`2025-12-18 (served) / 2025-12-19 (filed per ACLU-MN)`). */
  filed_note: string;
  key_dates: string;
  /** The key dates split into steps, each with the first date written in it. */
  events: LitigationEvent[];
  /** The latest date among the filing and the steps. */
  last_date: string | null;
  status_kind: LitigationStatus;
  /** The outcome in the table's words (the source's `status_outcome`). */
  status: string;
  summary: string;
}

const iso = z.string().regex(/^(\d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})?$/);
const Events = z.array(z.object({ date: iso.nullable(), text: z.string() }));
const blank = (s: string) => (s === "" ? null : s);

const Row = z
  .object({
    row: z.coerce.number().int(),
    state: z.string().length(2),
    case: z.string().min(1),
    type: z.string(),
    court_or_issuer: z.string(),
    case_number: z.string(),
    plaintiffs_or_requester: z.string(),
    defendants: z.string(),
    filed: iso,
    filed_note: z.string(),
    key_dates: z.string(),
    events: z.string().transform((s, ctx) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s || "[]");
      } catch {
        parsed = null;
      }
      const r = Events.safeParse(parsed);
      if (!r.success) {
        ctx.addIssue({ code: "custom", message: "events is not a list of {date, text}" });
        return z.NEVER;
      }
      return r.data;
    }),
    last_date: iso,
    status_kind: z.enum(["pending", "resolved", "unverified", "not_filed"]),
    status: z.string(),
    summary: z.string(),
    source: z.string(),
    source_url: z.string(),
    confidence: z.enum(CONFIDENCES),
    caveat: z.string(),
  })
  .transform(
    (r): LitigationRow => ({
      ...r,
      case_number: blank(r.case_number),
      plaintiffs_or_requester: blank(r.plaintiffs_or_requester),
      defendants: blank(r.defendants),
      filed: blank(r.filed),
      last_date: blank(r.last_date),
      source_url: blank(r.source_url),
      caveat: blank(r.caveat),
    }),
  );

/** Every row of the table, in its order. */
export function litigation(): LitigationRow[] {
  return readLayer("litigation.csv", Row);
}
