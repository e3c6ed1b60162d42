// The MOA template families: ICE has rewritten its 287(g) agreement a few times, and where a field
// sits (and which phrases hold it) depends on the edition. Each family has a stable name and the
// phrases that identify it; a document belongs to the family whose distinctive phrases it holds.
// Identified from the three samples in ../shared/data/moa (one per family).

export interface TemplateFamily {
  name: string; // stable: stored in moa_fields and shown to users
  label: string;
  models: readonly string[]; // the models this edition was written for
  /** Phrases found in this edition and not in the others (matched on normalized text). */
  phrases: readonly (string | RegExp)[];
}

export const FAMILIES: readonly TemplateFamily[] = [
  {
    // 287gJEM_FL_DOC_FL_08-21-2020.pdf: "287(g) Jail Enforcement Model" under the title, sections
    // I. PARTIES … VIII. EFFECTIVE DATE, SUSPENSION, AND TERMINATION, three-year review clause.
    name: "jem-2020",
    label: "Jail Enforcement Model MOA, 2020 edition",
    models: ["JEM"],
    phrases: [
      "287(g) jail enforcement model",
      "ice retains sole discretion in determining how it will manage its limited resources",
      "ice reserves the right to conduct an internal review of this moa every three years",
      "viii. effective date, suspension, and termination of this moa",
    ],
  },
  {
    // 287gWSO_FinneyCoKs2020-03-17.pdf: custodial transfer at release, "only delegated the two
    // authorities", termination on 90-day written notice (VIII. EFFECTIVE DATE AND TERMINATION).
    name: "wso-2019",
    label: "Warrant Service Officer MOA, 2019–2020 edition",
    models: ["WSO"],
    phrases: [
      "facilitating the custodial transfer",
      "only delegated the two authorities",
      "viii. effective date and termination of this moa",
      "upon 90-day written notice to the other party",
    ],
  },
  {
    // KansasBureauOfInv_TFM_MOA_02182025.pdf: the 2025 "TF/WSO-Agency" text (page header
    // "Revised 02/12/2025"), the agency called the "Law Enforcement Agency" (LEA), eighteen
    // sections, and "For the LEA: / For ICE:" signature blocks with Date, Signature and Title.
    name: "lea-2025",
    label: "2025 LEA agreement (Task Force / Warrant Service)",
    models: ["TFM", "WSO"],
    phrases: [
      /hereinafter interchangeably referred to as "law enforcement agency" \(lea\)/,
      "the ice and lea points of contact for purposes of this moa are identified in appendix a",
      "xviii. effective date, suspension, and termination of this moa",
      /^revised \d{1,2}\/\d{1,2}\/\d{4}$/m,
      /for the lea:.*for ice:/,
    ],
  },
];

/** Lower case, straight quotes, one space: so a phrase matches across line breaks and OCR quirks. */
export function normalizeText(s: string): string {
  return s
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015]/g, "-")
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .toLowerCase();
}

export interface FamilyMatch {
  name: string; // a family name, or "unknown"
  hits: string[]; // the phrases found
  score: number; // hits / phrases of the winning family
}

/** At least two distinctive phrases, and more than any other family. */
export function identifyFamily(text: string): FamilyMatch {
  const norm = normalizeText(text);
  // Phrases may break across lines; regexes with ^…$ look at lines, plain phrases at the flat text.
  const flat = norm.replace(/\n/g, " ");
  let best: FamilyMatch = { name: "unknown", hits: [], score: 0 };
  let second = 0;
  for (const f of FAMILIES) {
    const hits: string[] = [];
    for (const p of f.phrases) {
      if (typeof p === "string") {
        if (flat.includes(p)) hits.push(p);
      } else {
        const m = p.exec(p.flags.includes("m") ? norm : flat);
        if (m) hits.push(m[0]);
      }
    }
    if (hits.length > best.hits.length) {
      second = best.hits.length;
      best = { name: f.name, hits, score: hits.length / f.phrases.length };
    } else if (hits.length > second) second = hits.length;
  }
  if (best.hits.length < 2 || best.hits.length === second) return { name: "unknown", hits: best.hits, score: 0 };
  return best;
}
