// `g287 moa fetch|add|search|show|mismatches`: the MOA documents behind the agreements. Fetching
// downloads the PDFs the lists link to, keeps their bytes and text; the rest reads the store.
import type { Command } from "commander";
import { z } from "zod";
import { type MismatchRow, moaDocuments, moaMismatches, searchMoa } from "../../analysis/moa.js";
import { findAgencies } from "../../analysis/queries.js";
import { toCsv } from "../../domain/csv.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { addLocalDocument, type FetchOutcome, fetchDocuments, moaTargets } from "../../moa/collect.js";
import { check, optional, stateCode } from "../args.js";
import { type Globals, out, type RegisterCommands, withStore } from "../common.js";
import { progress, table } from "../format.js";

const count = (flag: string, max: number) =>
  z.coerce.number().int().min(1, `${flag}: expected a whole number from 1`).max(max, `${flag}: at most ${max}`);
const millis = z.coerce.number().int().min(0, "expected milliseconds, 0 or more").max(600_000, "at most 600000");

function printOutcomes(rows: FetchOutcome[], g: Globals): void {
  if (g.json) {
    out(toJson(listEnvelope(rows)));
    return;
  }
  if (rows.length)
    out(
      table(
        ["result", "kind", "status", "bytes", "extract_ms", "reason", "url"],
        rows.map((r) => ({ ...r, url: r.url.replace(/^https:\/\/www\.ice\.gov\/doclib\//, "…/") })),
        { maxWidth: 70 },
      ),
    );
  const n = (k: FetchOutcome["result"]) => rows.filter((r) => r.result === k).length;
  if (!g.quiet)
    process.stderr.write(
      `${rows.length} URL(s): ${n("new")} new document(s), ${n("linked")} already stored (links added), ${n("rejected")} refused\n`,
    );
}

function registerFetch(moa: Command, globals: () => Globals): void {
  moa
    .command("fetch")
    .description("download the MOA and addendum PDFs the lists link to, read their text and fields, and keep them")
    .option("--agency <id>", "only this agency's agreements (an agency id)")
    .option("--state <XX>", "only agreements in this state")
    .option("--limit <n>", "at most this many URLs")
    .option("--again", "fetch URLs that already have a stored document too")
    .option("--delay <ms>", "wait between requests, to be polite to ICE's server", "1500")
    .option("--timeout <ms>", "give up on one request after this long", "30000")
    .addHelpText(
      "after",
      `
Only URLs with no stored document are fetched, newest agreements first. Each download must be a
whole PDF (%PDF- signature, %%EOF at the end, no HTML error page); a refused one is reported and
stores nothing. Accepted PDFs are stored by sha256 with their URL, date and HTTP status.`,
    )
    .action(
      async (o: {
        agency?: string;
        state?: string;
        limit?: string;
        again?: boolean;
        delay: string;
        timeout: string;
      }) => {
        const g = globals();
        const f = {
          agency: o.agency,
          state: optional("--state", stateCode, o.state),
          limit: optional("--limit", count("--limit", 100_000), o.limit),
          again: o.again,
        };
        const delayMs = check("--delay", millis, o.delay);
        const timeoutMs = check("--timeout", millis, o.timeout);
        await withStore(g, async (store) => {
          const targets = await moaTargets(store, f);
          if (!targets.length) {
            if (!g.quiet && !g.json)
              process.stderr.write("nothing to fetch: every linked MOA URL already has a document\n");
            if (g.json) out(toJson(listEnvelope([])));
            return;
          }
          const bar = progress(!g.quiet && !g.json);
          try {
            const rows = await fetchDocuments(store, targets, {
              delayMs,
              fetch: { timeoutMs },
              onProgress: (done, total) => bar.update("fetching MOAs ", done, total),
            });
            bar.stop();
            printOutcomes(rows, g);
          } finally {
            bar.stop();
          }
        });
      },
    );
}

function registerAdd(moa: Command, globals: () => Globals): void {
  moa
    .command("add")
    .description("add a local PDF as the MOA (or addendum) of one agreement")
    .argument("<file>", "the PDF")
    .requiredOption("--agreement <id>", "the agreement it belongs to, e.g. ks-bureau-of-investigation/tfm/2025-02-18")
    .option("--url <url>", "where the file was published, if known (its file name often carries the date)")
    .option("--addendum", "the file is an addendum, not the MOA itself")
    .action(async (file: string, o: { agreement: string; url?: string; addendum?: boolean }) => {
      const g = globals();
      if (o.url && !/^https?:\/\//i.test(o.url))
        throw new UsageError(`--url ${JSON.stringify(o.url)}: expected an http(s) URL`);
      await withStore(g, async (store) => {
        const r = await addLocalDocument(store, file, {
          agreementId: o.agreement,
          url: o.url,
          kind: o.addendum ? "addendum" : undefined,
        });
        printOutcomes([r], g);
      });
    });
}

function registerSearch(moa: Command, globals: () => Globals): void {
  moa
    .command("search")
    .description('full-text search over every stored MOA page: words, "quoted phrases", prefix*, OR')
    .argument("<words...>", "what to look for")
    .option("--limit <n>", "at most this many documents", "20")
    .action(async (words: string[], o: { limit: string }) => {
      const g = globals();
      const text = words.join(" ").trim();
      if (!text) throw new UsageError("moa search: give some words to look for");
      const limit = check("--limit", count("--limit", 1000), o.limit);
      await withStore(
        g,
        async (store) => {
          const hits = await searchMoa(store.db, text, { limit });
          if (g.json) return out(toJson(listEnvelope(hits, { query: text })));
          for (const h of hits) {
            const a = h.agreements[0];
            out(
              `${a ? `${a.state}  ${a.agency ?? a.agency_id}  ${a.model} ${a.signed_on ?? ""}` : "(no agreement links it now)"}${h.agreements.length > 1 ? ` (+${h.agreements.length - 1} more)` : ""}`,
            );
            out(
              `  ${h.kind} p.${h.page}${h.pages.length > 1 ? ` (pages ${h.pages.join(", ")})` : ""}  ${h.template ?? ""}  ${h.url ?? h.sha256}`,
            );
            out(`  ${h.snippet}\n`);
          }
          out(`${hits.length} document(s) match ${JSON.stringify(text)}`);
        },
        { readonly: true },
      );
    });
}

function registerShow(moa: Command, globals: () => Globals): void {
  moa
    .command("show")
    .description("the stored documents of an agency or agreement, with the fields read from them")
    .argument("<id>", "an agreement id (agency/model/date), an agency id, or words of an agency's name")
    .action(async (id: string) => {
      const g = globals();
      await withStore(
        g,
        async (store) => {
          let f: { agreementId?: string; agencyId?: string };
          const ag = await store.db
            .selectFrom("agreement")
            .select("agreement_id")
            .where("agreement_id", "=", id)
            .executeTakeFirst();
          if (ag) f = { agreementId: id };
          else {
            const found = await findAgencies(store.db, id);
            if (found.length !== 1)
              throw new InputError(
                id,
                found.length
                  ? `${found.length} agencies match; pass an agency_id or an agreement_id`
                  : "no agency or agreement matches",
              );
            f = { agencyId: (found[0] as { agency_id: string }).agency_id };
          }
          const docs = await moaDocuments(store.db, f);
          if (g.json) return out(toJson(listEnvelope(docs, { query: id })));
          if (!docs.length) {
            out(`no stored documents for ${f.agreementId ?? f.agencyId}: try \`g287 moa fetch --agency …\``);
            return;
          }
          for (const d of docs) {
            const fl = d.fields;
            out(`${d.kind.toUpperCase()}  ${d.url ?? "(local file)"}`);
            out(
              `  sha256 ${d.sha256}  ${d.bytes} bytes  ${d.pages} pages  ${d.status}${d.error ? ` (${d.error})` : ""}  retrieved ${d.retrieved_at}`,
            );
            out(
              `  template ${fl.template ?? "?"}${fl.template_revision ? ` (revised ${fl.template_revision})` : ""}   model ${fl.model ?? "?"}   effective ${fl.effective_on ?? "?"}   ICE field office ${fl.ice_field_office ?? "?"}`,
            );
            if (d.signatures.length)
              out(
                table(
                  ["party", "name", "title", "date", "date_raw"],
                  d.signatures.map((s) => ({ ...s })),
                  { maxWidth: 50 },
                ).replace(/^/gm, "  "),
              );
            for (const a of d.agreements) out(`  for ${a.agreement_id} (${a.kind}, ${a.status})`);
            for (const c of d.checks)
              out(
                `  check ${c.agreement_id}: model ${c.model}, date ${c.date} (${c.date_basis})${c.reasons.length ? `: ${c.reasons.join("; ")}` : ""}`,
              );
            out("");
          }
        },
        { readonly: true },
      );
    });
}

const MISMATCH_COLUMNS = [
  "state",
  "agency",
  "agreement_id",
  "model",
  "date",
  "list_model",
  "moa_model",
  "list_signed_on",
  "moa_dates",
  "date_basis",
  "url",
] as const;

function registerMismatches(moa: Command, globals: () => Globals): void {
  moa
    .command("mismatches")
    .description("agreements whose MOA disagrees with ICE's list on the model or the signed date")
    .option("--all", "list every checked agreement, not only the mismatches")
    .option("--csv", "CSV on stdout")
    .addHelpText(
      "after",
      `
Model: the model the MOA names (its title, else its body) must be the list's. Date: the list's
SIGNED date must equal one of the signature dates written in the MOA (no tolerance). When no
signature date can be read (handwriting in a scan), the date in ICE's file name is used instead
(date_basis file_name). Nothing readable to compare: "unverified", not a mismatch.`,
    )
    .action(async (o: { all?: boolean; csv?: boolean }) => {
      const g = globals();
      if (g.json && o.csv) throw new UsageError("give --json or --csv, not both");
      await withStore(
        g,
        async (store) => {
          const r = await moaMismatches(store.db, { all: o.all });
          const flat = (x: MismatchRow) => ({ ...x, moa_dates: x.moa_dates.join(" "), reasons: x.reasons.join("; ") });
          if (g.json) return out(toJson({ ...r, count: r.rows.length }));
          if (o.csv) return process.stdout.write(toCsv([...MISMATCH_COLUMNS, "reasons"], r.rows.map(flat)));
          if (r.rows.length) out(table(MISMATCH_COLUMNS, r.rows.map(flat), { maxWidth: 44 }));
          out(
            `${r.checked} agreement MOA(s) checked: ${r.ok} agree, ${r.mismatched} disagree, ${r.unverified} could not be checked`,
          );
        },
        { readonly: true },
      );
    });
}

export const register: RegisterCommands = (program, globals) => {
  const moa = program
    .command("moa")
    .description("the MOA documents: fetch and keep the PDFs, search their text, check them against the lists");
  registerFetch(moa, globals);
  registerAdd(moa, globals);
  registerSearch(moa, globals);
  registerShow(moa, globals);
  registerMismatches(moa, globals);
};
