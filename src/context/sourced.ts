// Provenance shared by every reference layer: where a row came from, how sure we are, and the
// caveat that must travel with any medium- or low-confidence row wherever it is shown.

export type Confidence = "high" | "medium" | "low";
export const CONFIDENCES = ["high", "medium", "low"] as const satisfies readonly Confidence[];

export interface Sourced {
  /** Who published or compiled the row, in words. */
  source: string;
  source_url: string | null;
  confidence: Confidence;
  /** Required when confidence is medium or low; optional (a plain note) when high. */
  caveat: string | null;
}

/** Where a row came from and how sure we are, as a table's last columns (the caveat follows, raw or displayed). */
export const SOURCE_COLUMNS = ["source", "source_url", "confidence"] as const;

/** Medium and low rows may never be shown without their caveat. */
export function needsCaveat(c: Confidence): boolean {
  return c !== "high";
}

/**
 * The caveat as it is displayed: `medium confidence: detail unconfirmed`. A high-confidence row
 * with a note shows the note alone; one without shows nothing.
 */
export function formatCaveat(r: Pick<Sourced, "confidence" | "caveat">): string {
  const text = r.caveat?.trim() ?? "";
  if (!needsCaveat(r.confidence)) return text;
  return `${r.confidence} confidence: ${text || "no caveat recorded"}`;
}

/** Throws when a medium- or low-confidence row has no caveat: a layer must not load without one. */
export function assertCaveats(rows: readonly (Pick<Sourced, "confidence" | "caveat"> & object)[], layer: string): void {
  rows.forEach((r, i) => {
    if (needsCaveat(r.confidence) && !r.caveat?.trim())
      throw new Error(`${layer} row ${i + 1}: ${r.confidence}-confidence row has no caveat`);
  });
}
