// Near misses the ledger sent to review, each with the decision recorded for it, if any.
import type { ReviewItem } from "../ledger/types.js";
import { type Corrections, reviewDecision } from "../normalize/corrections.js";

/**
 * Attaches the recorded decision (data/corrections/review-decisions.csv) to each near miss it
 * settles. Items the ledger's own rules decided (a refused typo) carry their rule already.
 */
export function decideReviews(items: ReviewItem[], fixes: Corrections): ReviewItem[] {
  return items.map((it) => {
    const d = it.detail;
    if (typeof d.name !== "string" || typeof d.candidate_name !== "string" || typeof d.state !== "string") return it;
    const fix = reviewDecision(fixes, d.state, d.name, d.candidate_name);
    if (!fix) return it;
    return {
      ...it,
      detail: { ...d, decision: `kept apart: ${fix.evidence}`, decided_by: "data/corrections/review-decisions.csv" },
    };
  });
}
