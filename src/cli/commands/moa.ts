// `g287 moa fetch|add|search|show|mismatches`: the MOA documents behind the agreements. Fetching
// downloads the PDFs the lists link to, keeps their bytes and text; the rest reads the store.
import { z } from "zod";
import { type MismatchRow, moaDocuments, moaMismatches, searchMoa } from "../../analysis/moa.js";
import { findAgencies } from "../../analysis/queries.js";
import { toCsv } from "../../domain/csv.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { addLocalDocument, type FetchOutcome, fetchDocuments, moaTargets } from "../../moa/collect.js";
import { check, optional, stateCode } from "../args.js";
import type { Ctx } from "../context.js";
import { progress, table } from "../format.js";
import { withStore } from "../store.js";

const count = (flag: string, max: number) =>
  z.coerce.number().int().min(1, `${flag}: expected a whole number from 1`).max(max, `${flag}: at most ${max}`);
const millis = z.coerce.number().int().min(0, "expected milliseconds, 0 or more").max(600_000, "at most 600000");

function printOutcomes(c: Ctx, rows: FetchOutcome[]): void {
  const { g } = c;
  if (g.json) {
    c.out(toJson(listEnvelope(rows)));
    return;
  }
  if (rows.length)
    c.out(
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

export async function fetch(
  c: Ctx,
  o: {
    agency?: string;
    state?: string;
    limit?: string;
    again?: boolean;
    delay: string;
    timeout: string;
  },
): Promise<void> {
  const { g } = c;
  const f = {
    agency: o.agency,
    state: optional("--state", stateCode, o.state),
    limit: optional("--limit", count("--limit", 100_000), o.limit),
    again: o.again,
  };
  const delayMs = check("--delay", millis, o.delay);
  const timeoutMs = check("--timeout", millis, o.timeout);
  await withStore(c, async (store) => {
    const targets = await moaTargets(store, f);
    if (!targets.length) {
      if (!g.quiet && !g.json) c.err("nothing to fetch: every linked MOA URL already has a document\n");
      if (g.json) c.out(toJson(listEnvelope([])));
      return;
    }
    const bar = progress(!g.quiet && !g.json, c.io.stderr);
    try {
      const rows = await fetchDocuments(store, targets, {
        delayMs,
        fetch: { timeoutMs },
        onProgress: (done, total) => bar.update("fetching MOAs ", done, total),
      });
      bar.stop();
      printOutcomes(c, rows);
    } finally {
      bar.stop();
    }
  });
}

export async function add(
  c: Ctx,
  file: string,
  o: { agreement: string; url?: string; addendum?: boolean },
): Promise<void> {
  if (o.url && !/^https?:\/\//i.test(o.url))
    throw new UsageError(`--url ${JSON.stringify(o.url)}: expected an http(s) URL`);
  await withStore(c, async (store) => {
    const r = await addLocalDocument(store, file, {
      agreementId: o.agreement,
      url: o.url,
      kind: o.addendum ? "addendum" : undefined,
    });
    printOutcomes(c, [r]);
  });
}

export async function search(c: Ctx, words: string[], o: { limit: string }): Promise<void> {
  const { g } = c;
  const text = words.join(" ").trim();
  if (!text) throw new UsageError("moa search: give some words to look for");
  const limit = check("--limit", count("--limit", 1000), o.limit);
  await withStore(
    c,
    async (store) => {
      const hits = await searchMoa(store.db, text, { limit });
      if (g.json) return c.out(toJson(listEnvelope(hits, { query: text })));
      for (const h of hits) {
        const a = h.agreements[0];
        c.out(
          `${a ? `${a.state}  ${a.agency ?? a.agency_id}  ${a.model} ${a.signed_on ?? ""}` : "(no agreement links it now)"}${h.agreements.length > 1 ? ` (+${h.agreements.length - 1} more)` : ""}`,
        );
        c.out(
          `  ${h.kind} p.${h.page}${h.pages.length > 1 ? ` (pages ${h.pages.join(", ")})` : ""}  ${h.template ?? ""}  ${h.url ?? h.sha256}`,
        );
        c.out(`  ${h.snippet}\n`);
      }
      c.out(`${hits.length} document(s) match ${JSON.stringify(text)}`);
    },
    { readonly: true },
  );
}

export async function show(c: Ctx, id: string): Promise<void> {
  const { g } = c;
  await withStore(
    c,
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
      if (g.json) return c.out(toJson(listEnvelope(docs, { query: id })));
      if (!docs.length) {
        c.out(`no stored documents for ${f.agreementId ?? f.agencyId}: try \`g287 moa fetch --agency …\``);
        return;
      }
      for (const d of docs) {
        const fl = d.fields;
        c.out(`${d.kind.toUpperCase()}  ${d.url ?? "(local file)"}`);
        c.out(
          `  sha256 ${d.sha256}  ${d.bytes} bytes  ${d.pages} pages  ${d.status}${d.error ? ` (${d.error})` : ""}  retrieved ${d.retrieved_at}`,
        );
        c.out(
          `  template ${fl.template ?? "?"}${fl.template_revision ? ` (revised ${fl.template_revision})` : ""}   model ${fl.model ?? "?"}   effective ${fl.effective_on ?? "?"}   ICE field office ${fl.ice_field_office ?? "?"}`,
        );
        if (d.signatures.length)
          c.out(
            table(
              ["party", "name", "title", "date", "date_raw"],
              d.signatures.map((s) => ({ ...s })),
              { maxWidth: 50 },
            ).replace(/^/gm, "  "),
          );
        for (const a of d.agreements) c.out(`  for ${a.agreement_id} (${a.kind}, ${a.status})`);
        for (const k of d.checks)
          c.out(
            `  check ${k.agreement_id}: model ${k.model}, date ${k.date} (${k.date_basis})${k.reasons.length ? `: ${k.reasons.join("; ")}` : ""}`,
          );
        c.out("");
      }
    },
    { readonly: true },
  );
}

export async function mismatches(c: Ctx, o: { all?: boolean; csv?: boolean }): Promise<void> {
  const { g } = c;
  if (g.json && o.csv) throw new UsageError("give --json or --csv, not both");
  await withStore(
    c,
    async (store) => {
      const r = await moaMismatches(store.db, { all: o.all });
      const flat = (x: MismatchRow) => ({ ...x, moa_dates: x.moa_dates.join(" "), reasons: x.reasons.join("; ") });
      if (g.json) return c.out(toJson({ ...r, count: r.rows.length }));
      if (o.csv) return c.write(toCsv([...MISMATCH_COLUMNS, "reasons"], r.rows.map(flat)));
      if (r.rows.length) c.out(table(MISMATCH_COLUMNS, r.rows.map(flat), { maxWidth: 44 }));
      c.out(
        `${r.checked} agreement MOA(s) checked: ${r.ok} agree, ${r.mismatched} disagree, ${r.unverified} could not be checked`,
      );
    },
    { readonly: true },
  );
}
