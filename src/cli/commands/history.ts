// `g287 history`: counts by year from 2005 to today, each with its source, and the historical
// agencies with their links to the ledger (`--agencies`).
import { historyLinks, historyReport } from "../../analysis/history.js";
import { WAPO_LICENCE } from "../../context/history.js";
import { formatCaveat } from "../../context/sourced.js";
import { UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { type Ctx, today } from "../context.js";
import { table } from "../format.js";
import { HISTORY_SOURCES as SOURCES } from "../registry/history.js";
import { withStore } from "../store.js";

/** Numbered footnotes for repeated caveats: the table shows `[2]`, the text is printed once below. */
function footnotes() {
  const notes: string[] = [];
  return {
    mark(text: string): string {
      if (!text) return "";
      let i = notes.indexOf(text);
      if (i < 0) i = notes.push(text) - 1;
      return `[${i + 1}]`;
    },
    lines: () => notes.map((n, i) => `[${i + 1}] ${n}`),
  };
}

export async function history(c: Ctx, o: { agencies?: boolean; source?: string; unlinked?: boolean }): Promise<void> {
  const { g } = c;
  if (o.source && !(SOURCES as readonly string[]).includes(o.source))
    throw new UsageError(`--source ${JSON.stringify(o.source)}: expected one of ${SOURCES.join(", ")}`);
  if ((o.source || o.unlinked) && !o.agencies) throw new UsageError("--source and --unlinked go with --agencies");
  await withStore(
    c,
    async (store) => {
      if (o.agencies) {
        const l = await historyLinks(store.db);
        const rows = l.links
          .filter((x) => (!o.source || x.historical.source === o.source) && (!o.unlinked || !x.agency_id))
          .map((x) => ({
            id: x.historical.id,
            source: x.historical.source,
            as_of: x.historical.as_of,
            state: x.historical.state,
            name: x.historical.name,
            ori: x.historical.ori,
            fips: x.historical.fips,
            agency_id: x.agency_id,
            method: x.method,
            reason: x.reason,
            candidates: x.candidates,
          }));
        const summary = { linked: l.linked, unlinked: l.unlinked, by_source: l.bySource, by_method: l.byMethod };
        if (g.json) return c.out(toJson(listEnvelope(rows, { ...summary, wapo_licence: WAPO_LICENCE })));
        c.out(table(["id", "state", "name", "agency_id", "method", "reason"], rows, { maxWidth: 60 }));
        c.out(
          `${rows.length} historical row(s); overall ${l.linked} linked, ${l.unlinked} unlinked ` +
            `(ICE lists ${l.bySource.ice_list.linked}/${l.bySource.ice_list.linked + l.bySource.ice_list.unlinked}, ` +
            `OIG ${l.bySource.oig.linked}/${l.bySource.oig.linked + l.bySource.oig.unlinked}, ` +
            `sheriff list ${l.bySource.wapo.linked}/${l.bySource.wapo.linked + l.bySource.wapo.unlinked})`,
        );
        c.out(`sheriff list (wapo#…): ${WAPO_LICENCE}`);
        return;
      }
      const r = await historyReport(store.db, today());
      if (g.json) {
        const years = r.years.map((y) => ({
          ...y,
          figures: y.figures.map((f) => ({ ...f, caveat_text: formatCaveat(f) || null })),
        }));
        return c.out(toJson({ ...r, years }));
      }
      const fn = footnotes();
      const rows = r.years.flatMap((y): Record<string, unknown>[] =>
        y.figures.length
          ? y.figures.map((f) => ({
              year: y.year,
              date: f.date,
              count: f.value,
              agencies: f.agencies ?? "",
              measure: f.measure,
              source: f.source_short,
              note: [fn.mark(formatCaveat(f)), fn.mark(f.licence ? `licence: ${f.licence}` : "")]
                .filter(Boolean)
                .join(""),
            }))
          : [
              {
                year: y.year,
                date: "",
                count: "",
                agencies: "",
                measure: "no figure in these sources",
                source: "",
              },
            ],
      );
      c.out(table(["year", "date", "count", "agencies", "measure", "source", "note"], rows, { maxWidth: 60 }));
      const sources = new Map<string, string>();
      for (const y of r.years) for (const f of y.figures) sources.set(f.source, f.source_url ?? "");
      c.out("\nsources:");
      for (const [s, url] of sources) c.out(`  ${s}${url ? `  ${url}` : ""}`);
      c.out("");
      for (const f of r.facts) c.out(`${f.date}: ${f.fact}${f.value === null ? "" : ` (${f.value})`} (${f.source})`);
      c.out(
        `historical layer before the ledger; ledger from ${r.ledger.first_list ?? "(empty)"} to ${r.ledger.latest_list ?? "(empty)"}`,
      );
      c.out(
        `historical agencies linked to a ledger agency: ${r.links.linked} of ${r.links.linked + r.links.unlinked} rows (see g287 history --agencies)`,
      );
      const notes = fn.lines();
      if (notes.length) c.out(`\nnotes:\n${notes.join("\n")}`);
    },
    { readonly: true },
  );
}
