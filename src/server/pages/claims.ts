// data/claims.json and .csv: every claim file in data/claims checked against the ledger, each
// reading with its verdict and evidence. A file that fails is named, not fatal.
import fs from "node:fs";
import { loadClaimContext } from "../../analysis/claim-context.js";
import { describeArticle, readClaimFile } from "../../analysis/claim-file.js";
import { checkClaims } from "../../analysis/claims.js";
import type { ClaimItem, ClaimsFile } from "../../domain/files.js";
import type { Db } from "../../store/db.js";
import { CLAIMS_DIR } from "../api/answers.js";
import { dataFile } from "../data-file.js";
import { type Base, baseOf } from "./base.js";

/** Every claim file in data/claims, checked against the ledger. A file that fails is named, not fatal. */
async function claims(db: Db, b: Base): Promise<ClaimsFile> {
  const files = fs.existsSync(CLAIMS_DIR)
    ? fs
        .readdirSync(CLAIMS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const claims: ClaimItem[] = [];
  const missing: string[] = [];
  const ctx = files.length ? await loadClaimContext(db) : null;
  for (const name of files) {
    try {
      const file = readClaimFile(`${CLAIMS_DIR}${name}`);
      for (const c of checkClaims(file, ctx as NonNullable<typeof ctx>)) {
        claims.push({
          id: c.id,
          text: c.text,
          file: name,
          source: describeArticle(file.article),
          source_url: file.article.url ?? null,
          made_on: c.made_on,
          verdict: c.verdict,
          readings_disagree: c.readings_disagree,
          depends_on_later_correction: c.depends_on_later_correction,
          summary: c.summary,
          readings: c.readings.map((r) => ({
            name: r.name,
            name_es: r.name_es,
            value: r.value,
            op: r.compare?.op ?? null,
            claimed: r.compare?.value ?? null,
            unit: r.query?.count === "earliest_signed_year" ? "year" : "count",
            verdict: r.verdict,
            reason: r.reason,
            reason_msg: r.reason_msg ?? null,
            reason_es: r.reason_es ?? null,
            as_of: r.as_of,
            computed_from: r.evidence?.computed_from ?? null,
            notes: r.evidence?.notes ?? [],
            ids: (r.evidence?.ids ?? []).slice(0, 25),
            ids_total: r.evidence?.ids.length ?? 0,
          })),
        });
      }
    } catch (e) {
      missing.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { latest_list: b.latest, claims, files, missing };
}

const CLAIM_CSV = [
  "file",
  "claim_id",
  "claim",
  "claim_verdict",
  "reading",
  "value",
  "op",
  "claimed",
  "verdict",
  "reason",
  "computed_from",
];

export const claimsFile = dataFile({
  path: "claims",
  load: async (ctx) => claims(ctx.db, await baseOf(ctx)),
  csv: (f) => ({
    columns: CLAIM_CSV,
    rows: f.claims.flatMap((c) =>
      c.readings.map((r) => ({
        file: c.file,
        claim_id: c.id,
        claim: c.text,
        claim_verdict: c.verdict,
        reading: r.name,
        value: r.value,
        op: r.op,
        claimed: r.claimed,
        verdict: r.verdict,
        reason: r.reason,
        computed_from: r.computed_from,
      })),
    ),
  }),
});
