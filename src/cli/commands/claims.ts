// `g287 claims check FILE` and `g287 conflicts`: published claims and state law checked against
// the record, each figure with the list it was computed from and the rows behind it.
import { loadClaimContext } from "../../analysis/claim-context.js";
import { describeArticle, readClaimFile } from "../../analysis/claim-file.js";
import { type ClaimResult, checkClaims, type Verdict } from "../../analysis/claims.js";
import { banConflicts, mandateCompliance } from "../../analysis/conflicts.js";
import { conflictsTable } from "../../analysis/tables.js";
import { toCsv } from "../../domain/csv.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { isoDate, optional, stateCode } from "../args.js";
import type { Ctx } from "../context.js";
import { table } from "../format.js";
import { say } from "../say.js";
import { withStore } from "../store.js";

const LABEL: Record<Verdict, string> = {
  supported: "SUPPORTED",
  close: "CLOSE",
  contradicted: "CONTRADICTED",
  cannot_check: "CANNOT BE CHECKED FROM THIS DATA",
};

function describeQuery(q: unknown): string {
  if (!q) return "";
  return Object.entries(q as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(" ");
}

function printClaims(ctx: Ctx, results: ClaimResult[], showIds: boolean): string {
  const lines: string[] = [];
  for (const c of results) {
    lines.push(`(${c.id}) ${c.text}`);
    lines.push(
      `    verdict: ${LABEL[c.verdict]}${c.readings_disagree ? " (readings disagree: the least favourable is shown)" : ""}${c.depends_on_later_correction ? " (depends on a correction ICE published after the claim date)" : ""}  [claim date ${c.made_on}]`,
    );
    for (const r of c.readings) {
      lines.push(`    - ${r.name}`);
      if (r.query) lines.push(`        query: ${describeQuery(r.query)}${r.as_of ? `  as of ${r.as_of}` : ""}`);
      lines.push(`        result: ${r.value ?? "n/a"} → ${LABEL[r.verdict]}: ${say(ctx, r.reason, r.reason_msg)}`);
      if (r.evidence) {
        lines.push(`        computed from: ${say(ctx, r.evidence.computed_from)}`);
        for (const n of r.evidence.notes) lines.push(`        · ${n}`);
        if (r.evidence.ids.length) {
          const ids = showIds ? r.evidence.ids : r.evidence.ids.slice(0, 5);
          const more = r.evidence.ids.length - ids.length;
          lines.push(
            `        rows: ${ids.join(", ")}${more > 0 ? ` … and ${more} more (--ids or --json for all)` : ""}`,
          );
        }
      }
    }
    lines.push("");
  }
  const tally = new Map<Verdict, number>();
  for (const c of results) tally.set(c.verdict, (tally.get(c.verdict) ?? 0) + 1);
  lines.push(`${results.length} claims: ${[...tally].map(([v, n]) => `${n} ${LABEL[v].toLowerCase()}`).join(", ")}`);
  return lines.join("\n");
}

export async function checkClaimFile(c: Ctx, file: string, o: { ids?: boolean }): Promise<void> {
  const { g } = c;
  const claimFile = readClaimFile(file);
  await withStore(
    c,
    async (store) => {
      const ctx = await loadClaimContext(store.db);
      const results = checkClaims(claimFile, ctx);
      if (g.json) c.out(toJson({ article: claimFile.article, file, ...listEnvelope(results) }));
      else c.out(`${describeArticle(claimFile.article)}\n\n${printClaims(c, results, !!o.ids)}`);
    },
    { readonly: true },
  );
}

export async function conflicts(c: Ctx, o: { asOf?: string; state?: string; csv?: boolean }): Promise<void> {
  const { g } = c;
  const asOfArg = optional("--as-of", isoDate, o.asOf);
  const state = optional("--state", stateCode, o.state);
  await withStore(
    c,
    async (store) => {
      const ctx = await loadClaimContext(store.db);
      const asOf = asOfArg ?? ctx.facts.lists.at(-1)?.date ?? "9999-12-31";
      const bans = banConflicts(ctx.facts, ctx.policiesOf, asOf).filter((c) => !state || c.state === state);
      const mandates = mandateCompliance(ctx.facts, ctx.policiesOf, ctx.countiesOf, asOf).filter(
        (m) => !state || m.state === state,
      );
      if (o.csv) {
        const t = conflictsTable(bans);
        c.write(toCsv(t.columns, t.rows));
        return;
      }
      if (g.json) {
        c.out(toJson({ as_of: asOf, ban_conflicts: listEnvelope(bans), mandates }));
        return;
      }
      const lines: string[] = [`State law against the record, as of ${asOf}`, ""];
      lines.push(`Agreements listed while a state ban was in effect: ${bans.length}`);
      if (bans.length) {
        lines.push(
          table(
            ["state", "agency", "model", "signed_on", "ban_effective", "first_listed", "last_listed", "days", "status"],
            bans as unknown as Record<string, unknown>[],
          ),
        );
        for (const s of [...new Set(bans.map((b) => b.state))]) {
          const b = bans.find((x) => x.state === s);
          if (b)
            lines.push(
              `${s} ban: ${b.ban_citation} (${b.ban_confidence} confidence${b.ban_caveat ? `: ${b.ban_caveat}` : ""}) ${b.ban_source_url}`,
            );
        }
      }
      for (const m of mandates) {
        lines.push(
          "",
          `${m.state} mandate: ${m.citation} (effective ${m.effective ?? "?"}; ${m.confidence} confidence${m.caveat ? `: ${m.caveat}` : ""})`,
        );
        lines.push(`  ${say(c, m.summary, m.summary_msg)}`);
        lines.push(`  caveat: ${say(c, m.limits, m.limits_msg)}`);
        if (m.without_agreement.length)
          lines.push(
            `  without one (${m.without_agreement.length}): ${m.without_agreement.map((c) => c.county).join(", ")}`,
          );
      }
      c.out(lines.join("\n"));
    },
    { readonly: true },
  );
}
