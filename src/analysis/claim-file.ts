// The claim file format (data/claims/*.yaml): a published article, each numeric claim in its words,
// and for each claim one or more readings, each a small declarative query plus a comparison. The
// queries map onto `g287 stats` filters; there is no free SQL.
import fs from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { agencyType, modelExact } from "../domain/schemas.js";
import { AGREEMENT_STATUSES } from "../domain/status.js";
import { InputError } from "../errors.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
/** A claim's date may be a day or, when the article gives only a month, `YYYY-MM`. */
const claimDate = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "expected YYYY-MM-DD or YYYY-MM");
const state = z.string().regex(/^[A-Z]{2}$/, "expected a two-letter state code");
const model = modelExact;
const policyKind = z.enum(["ban", "restrict", "mandate", "encourage", "cooperation_mandate", "rescission", "none"]);

/** Counting agreements or agencies in the ledger, with the filters `g287 stats` has. */
export const LedgerQuery = z
  .object({
    count: z.enum(["agreements", "agencies"]),
    /** `active`: listed on `as_of`. `ever`: listed at any time up to `as_of`. */
    listed: z.enum(["active", "ever"]).default("ever"),
    /** Defaults to the claim's date (the record as it stood then). `latest` = the whole record now. */
    as_of: z.union([isoDate, z.literal("latest")]).optional(),
    signed_from: isoDate.optional(),
    signed_to: isoDate.optional(),
    ended_from: isoDate.optional(),
    ended_to: isoDate.optional(),
    /** First listed by ICE within these dates: "initiated" read as "appeared on ICE's list". */
    first_listed_from: isoDate.optional(),
    first_listed_to: isoDate.optional(),
    state: z.array(state).optional(),
    exclude_state: z.array(state).optional(),
    model: z.array(model).optional(),
    type: z.array(agencyType).optional(),
    exclude_type: z.array(agencyType).optional(),
    /** Local = not a statewide (state-level) agency. */
    local: z.boolean().optional(),
    status: z.array(z.enum(AGREEMENT_STATUSES)).optional(),
    trifecta: z.array(z.enum(["R", "D", "divided"])).optional(),
    governor: z.array(z.enum(["R", "D"])).optional(),
    battleground: z.boolean().optional(),
    /** Year of the politics table to use; defaults to the year of `as_of`. */
    politics_year: z.number().int().optional(),
    /** States whose policy in effect on `as_of` is one of these (`none` = no policy row). */
    policy: z.array(policyKind).optional(),
    /** An agency whose id contains one of these must be among the results (a named-agency claim). */
    must_include: z.array(z.string()).optional(),
  })
  .strict();

/** How many of the named states have a policy of these kinds. */
export const PolicyQuery = z
  .object({
    count: z.literal("states_with_policy"),
    policy: z.array(policyKind.exclude(["none"])).min(1),
    state: z.array(state).min(1),
    /** `effective`: in effect on `as_of`. `enacted`: enacted (signed) by `as_of`, in effect or not. */
    basis: z.enum(["effective", "enacted"]).default("effective"),
    as_of: isoDate.optional(),
  })
  .strict();

/** A published count from the pre-2021 historical layer, or the earliest signed year on record. */
export const HistoryQuery = z
  .object({
    count: z.enum(["historical_agreements", "earliest_signed_year"]),
    /** For historical_agreements: the published figure nearest this date, within `window_days`. */
    as_of: isoDate.optional(),
    window_days: z.number().int().positive().default(120),
    /** Where the figure comes from: the ledger (lists since 2021) or the historical layer. */
    source: z.enum(["ledger", "history"]).default("history"),
    /** Only published figures whose source or unit contains this text (e.g. `WaPo`). */
    source_match: z.string().optional(),
  })
  .strict();

export const Query = z.union([LedgerQuery, PolicyQuery, HistoryQuery]);
export type Query = z.infer<typeof Query>;

export const Compare = z
  .object({
    op: z.enum(["at_least", "at_most", "about", "equals", "none"]),
    value: z.number().optional(),
    /** For `about`: the share within which the claim holds (default 5%). */
    tolerance: z.number().min(0).max(1).default(0.05),
    /** Beyond the claim but within this share of its figure is `close` (default 10%). */
    close: z.number().min(0).max(1).default(0.1),
  })
  .strict()
  .refine((c) => c.op === "none" || c.value !== undefined, { message: "every op but `none` needs a value" });
export type Compare = z.infer<typeof Compare>;

export const Reading = z
  .object({
    name: z.string().min(1),
    /** `name` in Spanish, for the Spanish pages: our own wording, so we translate it. */
    name_es: z.string().min(1).optional(),
    query: Query.optional(),
    compare: Compare.optional(),
    /** When this reading cannot be answered from the data: why. */
    cannot_check: z.string().optional(),
    /** `cannot_check` in Spanish. */
    cannot_check_es: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.cannot_check !== undefined || (r.query !== undefined && r.compare !== undefined), {
    message: "a reading needs a query and a compare, or a cannot_check reason",
  });
export type Reading = z.infer<typeof Reading>;

export const Claim = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    /** Defaults to the article's date. */
    made_on: claimDate.optional(),
    notes: z.string().optional(),
    /** `notes` in Spanish (the claim's `text` is the article's own words and stays as quoted). */
    notes_es: z.string().min(1).optional(),
    readings: z.array(Reading).min(1),
  })
  .strict();
export type Claim = z.infer<typeof Claim>;

export const ClaimFile = z
  .object({
    article: z
      .object({
        title: z.string().min(1),
        /** Who published it first: the source a figure is attributed to. */
        publisher: z.string().optional(),
        url: z.string().optional(),
        published: claimDate,
        /** Outlets that ran the same piece later, under their own name. */
        republished_by: z.array(z.string().min(1)).optional(),
        notes: z.string().optional(),
        /** `notes` in Spanish. */
        notes_es: z.string().min(1).optional(),
      })
      .strict(),
    claims: z.array(Claim).min(1),
  })
  .strict()
  .refine((f) => new Set(f.claims.map((c) => c.id)).size === f.claims.length, { message: "claim ids must be unique" });
export type ClaimFile = z.infer<typeof ClaimFile>;

/** "Title (Publisher, 2026-02-11; republished by X)": the article as a source line names it. */
export function describeArticle(a: ClaimFile["article"]): string {
  const by = [a.publisher, a.published].filter(Boolean).join(", ");
  const again = a.republished_by?.length ? `; republished by ${a.republished_by.join(", ")}` : "";
  return `${a.title} (${by}${again})`;
}

export function readClaimFile(file: string): ClaimFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 50 });
  } catch (e) {
    throw new InputError(file, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const r = ClaimFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(file, `${i?.path.join(".") || "(top)"}: ${i?.message ?? "invalid"}`);
  }
  return r.data;
}
