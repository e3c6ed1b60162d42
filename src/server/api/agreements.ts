// /api/v1/agreements: every agreement ever listed, or the roster on a date (`as_of`), with the
// CLI's filters. Filters on the agency and the signed date run on the loaded rows (at most a few
// thousand), and the result is cached per ledger version.
import { agreements, roster } from "../../analysis/queries.js";
import { AGREEMENT_COLUMNS } from "../../domain/columns.js";
import { p } from "../params.js";
import { listResource, type Row } from "../resource.js";
import { agencyText, matcher } from "./lookups.js";
import { agreementRow } from "./schemas.js";

export const agreementsResource = listResource({
  path: "/agreements",
  name: "agreements",
  tag: "ledger",
  summary: "Agreements, or the roster on a date",
  description:
    "Without `as_of`: every agreement ever listed, with its status and `listing_state` (listed on the latest list, unconfirmed: missing from it but its removal not yet confirmed, or ended). With `as_of`: exactly the agreements on the list in force on that date; `include_unconfirmed=true` adds those missing from it whose removal was not yet confirmed. Sorted by agreement_id.",
  schema: agreementRow,
  query: {
    as_of: p.asOf(),
    include_unconfirmed: p.flag(
      "with as_of: also the agreements missing from the list in force on that date whose removal was not yet confirmed (listing_state unconfirmed)",
    ),
    state: p.state(),
    model: p.model(),
    status: p.status(),
    agency: p.agency(),
    signed_from: p.date("signed on or after this date"),
    signed_to: p.date("signed on or before this date"),
    q: p.q(),
  },
  async load(ctx, f) {
    const base = f.as_of
      ? await roster(ctx.db, {
          asOf: f.as_of,
          state: f.state,
          model: f.model,
          includeUnconfirmed: f.include_unconfirmed,
        })
      : await agreements(ctx.db, { status: f.status, state: f.state, model: f.model });
    const match = matcher(await agencyText(ctx), f.q);
    const rows = base.filter(
      (r) =>
        (!f.as_of || !f.status || r.status === f.status) &&
        (!f.agency || r.agency_id === f.agency) &&
        (!f.signed_from || (r.signed_on !== null && r.signed_on >= f.signed_from)) &&
        (!f.signed_to || (r.signed_on !== null && r.signed_on <= f.signed_to)) &&
        (!match || match(r.agency_id as string)),
    );
    return {
      rows: rows as Row[],
      columns: AGREEMENT_COLUMNS,
      key: (r) => r.agreement_id as string,
      extra: f.as_of ? { as_of: f.as_of } : {},
    };
  },
});
