// Answers under /api/v1: state law against the record (conflicts), the claim files checked
// against the ledger (claims), and full-text search of the MOA documents (moa/search).
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { type ConflictContext, loadClaimContext } from "../../analysis/claim-context.js";
import { describeArticle, readClaimFile } from "../../analysis/claim-file.js";
import { checkClaims } from "../../analysis/claims.js";
import { banConflicts, mandateCompliance } from "../../analysis/conflicts.js";
import { searchMoa } from "../../analysis/moa.js";
import { conflictsTable } from "../../analysis/tables.js";
import { InputError } from "../../errors.js";
import { p, z } from "../params.js";
import { type Ctx, itemResource, listResource, type Resource, type Row } from "../resource.js";
import { anyObject } from "./schemas.js";

export const CLAIMS_DIR = fileURLToPath(new URL("../../../data/claims/", import.meta.url));

function claimContext(ctx: Ctx): Promise<ConflictContext> {
  return ctx.memo("claim-context", () => loadClaimContext(ctx.db));
}

const conflictsResource = itemResource({
  path: "/conflicts",
  name: "conflicts",
  tag: "answers",
  summary: "State law against the record",
  description:
    "As `g287 conflicts`: agreements listed in a state while a ban there was in effect (with the days listed under it), and how far each mandate state's counties hold an agreement, with what the data cannot say. The CSV twin is the ban conflicts.",
  schema: anyObject,
  query: { as_of: p.asOf(), state: p.state() },
  async load(ctx, f) {
    const c = await claimContext(ctx);
    const asOf = f.as_of ?? c.facts.lists.at(-1)?.date ?? "9999-12-31";
    const bans = banConflicts(c.facts, c.policiesOf, asOf).filter((x) => !f.state || x.state === f.state);
    const mandates = mandateCompliance(c.facts, c.policiesOf, c.countiesOf, asOf).filter(
      (m) => !f.state || m.state === f.state,
    );
    return {
      data: { as_of: asOf, ban_conflicts: bans, mandates },
      csv: conflictsTable(bans),
    };
  },
});

/** The claim files in data/claims, by name without the extension. */
export function claimFiles(): string[] {
  if (!fs.existsSync(CLAIMS_DIR)) return [];
  return fs
    .readdirSync(CLAIMS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

const VERDICTS = ["supported", "close", "contradicted", "cannot_check"] as const;

const claimsResource = listResource({
  path: "/claims",
  name: "claims",
  tag: "answers",
  summary: "Published claims checked against the record",
  description:
    "Every claim in the claim files (data/claims/*.yaml), as `g287 claims check` gives it: each reading of the claim with the computed value, the verdict (supported, close, contradicted, or cannot_check with the reason), the query, the list it was computed from, and the ids behind the number.",
  schema: anyObject,
  query: {
    file: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "expected a claim file name such as 2026-02-news-article")
      .optional()
      .openapi({ description: "one claim file (its name, with or without .yaml)", example: "2026-02-news-article" }),
    verdict: p.oneOf(VERDICTS),
  },
  async load(ctx, f) {
    const names = claimFiles().filter((n) => !f.file || n === f.file || n.replace(/\.ya?ml$/, "") === f.file);
    if (f.file && !names.length) return null;
    const c = await claimContext(ctx);
    const rows: Row[] = [];
    for (const name of names) {
      let file: ReturnType<typeof readClaimFile>;
      try {
        file = readClaimFile(`${CLAIMS_DIR}${name}`);
      } catch (e) {
        // A broken claim file is a problem of the data, said plainly; the others still answer.
        rows.push({
          file: name,
          id: "",
          verdict: "cannot_check",
          summary: e instanceof InputError ? e.describe() : String(e),
        });
        continue;
      }
      for (const r of checkClaims(file, c)) {
        if (f.verdict && r.verdict !== f.verdict) continue;
        rows.push({
          file: name,
          article: describeArticle(file.article),
          article_url: file.article.url ?? null,
          published: file.article.published,
          ...r,
        });
      }
    }
    return {
      rows,
      columns: [
        "file",
        "article",
        "published",
        "id",
        "made_on",
        "verdict",
        "readings_disagree",
        "depends_on_later_correction",
        "summary",
        "text",
      ],
      key: (r) => `${r.file}|${String(r.id)}`,
    };
  },
});

const moaSearchResource = listResource({
  path: "/moa/search",
  name: "moa_search",
  tag: "answers",
  summary: "Full-text search of the MOA documents",
  description:
    'Words in the memoranda of agreement (and addenda) that `g287 moa` has fetched and read: "quoted phrases" stay phrases, other words must all match, a trailing * matches a prefix, OR between terms is kept. Best first, one hit per document with its best page, a snippet with the words marked «…», and the agreements the document belongs to. Empty until MOAs have been fetched.',
  schema: anyObject,
  query: {
    q: z
      .string()
      .min(1, "give some words to search for")
      .max(200, "at most 200 characters")
      .openapi({ description: "words to search for", example: '"sole discretion" detain*' }),
  },
  async load(ctx, f) {
    const hits = await searchMoa(ctx.db, f.q, { limit: 200 });
    return {
      rows: hits.map((h) => ({ ...h, agreement_ids: h.agreements.map((a) => a.agreement_id).join(" ") })) as Row[],
      columns: [
        "sha256",
        "url",
        "kind",
        "title",
        "page",
        "pages",
        "score",
        "template",
        "model",
        "snippet",
        "agreement_ids",
      ],
      key: (_r, i) => String(i).padStart(6, "0"),
    };
  },
});

export const ANSWER_RESOURCES: Resource[] = [conflictsResource, claimsResource, moaSearchResource];
