// `g287 policies`, `g287 litigation`, `g287 politics`: the state layers as tables, each row with
// its source URL and confidence, and the caveat of every medium- or low-confidence row.
import { z } from "zod";
import { litigation as litigationRows } from "../../context/litigation.js";
import { inEffect, POLICY_KINDS, type StatePolicy, statePolicies } from "../../context/policies.js";
import { allPolitics, POLITICS_SHOWN, politicsYears } from "../../context/politics.js";
import { formatCaveat, type Sourced } from "../../context/sourced.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { check, isoDate, optional, stateCode } from "../args.js";
import { type Ctx, today } from "../context.js";
import { table } from "../format.js";

const kindArg = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(POLICY_KINDS, { message: `expected one of ${POLICY_KINDS.join(", ")}` }));
const yearArg = z
  .string()
  .regex(/^\d{4}$/, "expected a year such as 2024")
  .transform(Number);

/** Where a policy stood on a date, in words. */
export function policyStatus(p: StatePolicy, date: string): string {
  if (p.proposed) return "proposed";
  if (inEffect(p, date)) return "in effect";
  if (!p.in_effect_from) return "effective date unknown";
  if (date < p.in_effect_from) return "not yet in effect";
  return `ended ${p.until}`;
}

/** Every row's source URL, and its caveat when it has one, under the table: `[3] https://…`. */
function sourceLines(rows: (Sourced & { label: string })[]): string {
  return rows
    .flatMap((r, i) => {
      const lines = [`[${i + 1}] ${r.label}: ${r.source_url ?? r.source} (${r.confidence} confidence)`];
      const c = formatCaveat(r);
      if (c) lines.push(`    ${c}`);
      return lines;
    })
    .join("\n");
}

const withCaveatText = <T extends Sourced>(r: T) => ({ ...r, caveat_text: formatCaveat(r) || null });

export function policies(c: Ctx, o: { state?: string; kind?: string; asOf?: string }) {
  const { g } = c;
  const state = optional("--state", stateCode, o.state);
  const kind = optional("--kind", kindArg, o.kind);
  const asOf = optional("--as-of", isoDate, o.asOf);
  const on = asOf ?? today();
  const rows = statePolicies()
    .filter((p) => (!state || p.state === state) && (!kind || p.kind === kind) && (!asOf || inEffect(p, asOf)))
    .map((p) => ({ ...withCaveatText(p), status: policyStatus(p, on) }));
  if (g.json) return c.out(toJson(listEnvelope(rows, { as_of: on, filtered_to_in_effect: !!asOf })));
  c.out(
    table(
      ["#", "state", "kind", "scope", "status", "enacted", "effective", "instrument", "confidence"],
      rows.map((r, i) => ({ ...r, "#": i + 1 })),
      { maxWidth: 36 },
    ),
  );
  c.out(
    `${rows.length} polic${rows.length === 1 ? "y" : "ies"}${asOf ? ` in effect on ${asOf}` : `; status as of ${on}`}` +
      "; a date known only to the month or year counts from its last day",
  );
  if (rows.length)
    c.out(`\nsources:\n${sourceLines(rows.map((r) => ({ ...r, label: `${r.state} ${r.kind}: ${r.citation}` })))}`);
}

export function litigation(c: Ctx, o: { state?: string }) {
  const { g } = c;
  const state = optional("--state", stateCode, o.state);
  const rows = litigationRows()
    .filter((r) => !state || r.state === state)
    .map(withCaveatText);
  if (g.json) return c.out(toJson(listEnvelope(rows)));
  c.out(
    table(
      ["#", "state", "case", "type", "filed", "last_date", "status_kind", "confidence"],
      rows.map((r, i) => ({ ...r, "#": i + 1 })),
      { maxWidth: 48 },
    ),
  );
  c.out(`${rows.length} case(s) or action(s)`);
  if (rows.length) c.out(`\nsources:\n${sourceLines(rows.map((r) => ({ ...r, label: `${r.state} ${r.case}` })))}`);
}

export function politics(c: Ctx, o: { state?: string; year?: string }) {
  const { g } = c;
  if (!o.state && !o.year) throw new UsageError("politics: give --state XX, --year YYYY, or both");
  const state = optional("--state", stateCode, o.state);
  const year = o.year === undefined ? undefined : check("--year", yearArg, o.year);
  const span = politicsYears();
  if (year !== undefined && (year < span.first || year > span.last))
    throw new InputError(
      "politics",
      `no row for ${year}: the table covers ${span.first}-${span.last}, and later years are not guessed`,
    );
  const rows = allPolitics()
    .filter((p) => (!state || p.state === state) && (year === undefined || p.year === year))
    .map(withCaveatText);
  const totals =
    year === undefined
      ? undefined
      : {
          trifecta: {
            R: rows.filter((r) => r.trifecta === "R").length,
            D: rows.filter((r) => r.trifecta === "D").length,
            divided: rows.filter((r) => r.trifecta === "divided").length,
          },
          battleground_2024: rows.filter((r) => r.battleground2024).map((r) => r.state),
        };
  if (g.json) return c.out(toJson(listEnvelope(rows, totals ? { year, totals } : {})));
  // Caveats are long and repeat across years: numbered once below the table, never cut short.
  const notes: string[] = [];
  const mark = (text: string | null) => {
    if (!text) return "";
    const i = notes.indexOf(text);
    return `[${i < 0 ? notes.push(text) : i + 1}]`;
  };
  c.out(
    table(
      [...POLITICS_SHOWN, "confidence", "caveat"],
      rows.map((r) => ({ ...r, caveat: mark(r.caveat_text) })),
    ),
  );
  if (notes.length) c.out(notes.map((n, i) => `[${i + 1}] ${n}`).join("\n"));
  if (totals && !state)
    c.out(
      `${year}: trifectas ${totals.trifecta.R} R / ${totals.trifecta.D} D / ${totals.trifecta.divided} divided; 2024 battleground: ${totals.battleground_2024.join(", ")}`,
    );
  c.out(`source: ${rows[0]?.source ?? "state_politics.csv"} (no per-row URL); status as of about February 1`);
}
