// Does an agreement's MOA agree with ICE's list? Model: the model the document names (title, else
// body) must be the list's model. Date: the list's SIGNED date must be one of the signature dates
// written in the MOA, exactly (no tolerance in days: in every sample the list carries the date of
// a signature, usually ICE's, the last one). When no signature date is readable (handwriting in a
// scan), the date in ICE's file name stands in, and the result says so. Pure.

export type Check = "ok" | "mismatch" | "unverified";

/** What the store holds about one MOA document (kind moa; addenda are not compared). */
export interface MoaFacts {
  sha256: string;
  model: string | null;
  signatureDates: string[]; // ISO, every readable signature date
  fileDate: string | null;
}

export interface ListFacts {
  agreement_id: string;
  model: string;
  signed_on: string | null;
  signed_history: { date: string | null }[]; // earlier SIGNED values of the same agreement
}

export interface MismatchResult {
  agreement_id: string;
  sha256: string;
  model: Check;
  date: Check;
  date_basis: "signature" | "file_name" | "none";
  list_model: string;
  moa_model: string | null;
  list_signed_on: string | null;
  moa_dates: string[];
  /** A mismatch where an earlier SIGNED value of the same agreement did match (ICE fixed a date). */
  matched_earlier: string | null;
  reasons: string[];
}

export function compareMoa(list: ListFacts, moa: MoaFacts): MismatchResult {
  const reasons: string[] = [];
  let model: Check = "unverified";
  if (moa.model) {
    model = moa.model === list.model ? "ok" : "mismatch";
    if (model === "mismatch") reasons.push(`the MOA is a ${moa.model} agreement; the list says ${list.model}`);
  }
  const signed = [...new Set(moa.signatureDates)].sort();
  const basis: MismatchResult["date_basis"] = signed.length ? "signature" : moa.fileDate ? "file_name" : "none";
  const dates = basis === "signature" ? signed : basis === "file_name" ? [moa.fileDate as string] : [];
  let date: Check = "unverified";
  let matchedEarlier: string | null = null;
  if (dates.length && list.signed_on) {
    date = dates.includes(list.signed_on) ? "ok" : "mismatch";
    if (date === "mismatch") {
      matchedEarlier = list.signed_history.map((h) => h.date).find((d) => d && dates.includes(d)) ?? null;
      reasons.push(
        `the list's SIGNED date ${list.signed_on} is not ${basis === "signature" ? "a signature date in the MOA" : "the date in the MOA's file name"} (${dates.join(", ")})` +
          (matchedEarlier ? `; an earlier list gave ${matchedEarlier}, which matches` : ""),
      );
    }
  }
  return {
    agreement_id: list.agreement_id,
    sha256: moa.sha256,
    model,
    date,
    date_basis: basis,
    list_model: list.model,
    moa_model: moa.model,
    list_signed_on: list.signed_on,
    moa_dates: dates,
    matched_earlier: matchedEarlier,
    reasons,
  };
}

export function isMismatch(r: MismatchResult): boolean {
  return r.model === "mismatch" || r.date === "mismatch";
}
