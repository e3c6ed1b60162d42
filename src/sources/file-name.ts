// Dates a list from its file name when no manifest says when it was published. ICE names files
// `participatingAgencies05182026am.xlsx`; archives name captures `ParticipatingEntities-20210113002027.xlsx`;
// our own archive uses `participating_2025-03-27_2.xlsx`. ICE's names carry typos, fixed here by
// named rules and later checked against the newest SIGNED date inside the file.
import { isoFromParts } from "../normalize/dates.js";
import type { ListKind } from "../sheets/types.js";

export interface FileNameDate {
  date: string;
  slot: string;
  kindHint: ListKind | null;
  basis: "publication" | "capture";
  /** Rule that repaired the date, if any. */
  rule: string | null;
}

function kindOf(word: string): ListKind | null {
  const w = word.toLowerCase();
  if (w.startsWith("participating")) return "participating";
  if (w.startsWith("pending")) return "pending";
  return null;
}

/** MMDDYYYY digits → ISO date, repairing the typos ICE has made in its file names. */
export function iceDigitsToDate(digits: string): { date: string; rule: string | null } | null {
  const direct = (d: string) =>
    d.length === 8 ? isoFromParts(Number(d.slice(4, 8)), Number(d.slice(0, 2)), Number(d.slice(2, 4))) : null;
  const plausible = (iso: string | null) => iso !== null && iso >= "2017-01-01" && iso <= "2099-12-31";
  const d = direct(digits);
  if (d && plausible(d)) return { date: d, rule: null };
  // `11114025am`: year 4025 → 2025 (first digit of the year slipped).
  if (digits.length === 8) {
    const fixed = direct(`${digits.slice(0, 4)}2${digits.slice(5)}`);
    if (plausible(fixed)) return { date: fixed as string, rule: "filename_year_first_digit" };
  }
  // `090022025am`: one digit too many; drop the one that leaves a valid date (2025-09-02).
  if (digits.length === 9) {
    const found = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const c = direct(digits.slice(0, i) + digits.slice(i + 1));
      if (plausible(c)) found.add(c as string);
    }
    if (found.size === 1) return { date: [...found][0] as string, rule: "filename_extra_digit" };
  }
  return null;
}

export function dateFromFileName(name: string): FileNameDate | null {
  const base = name.replace(/^.*[\\/]/, "");
  // Our archive: participating_2025-03-27_2.xlsx
  let m = /^(participating|pending)_(\d{4})-(\d{2})-(\d{2})(?:_(\d+))?\.(xlsx|xls|csv)$/i.exec(base);
  if (m) {
    const date = isoFromParts(Number(m[2]), Number(m[3]), Number(m[4]));
    if (date) {
      return { date, slot: m[5] ? `v${m[5]}` : "", kindHint: kindOf(m[1] as string), basis: "publication", rule: null };
    }
  }
  // Web-archive capture: ParticipatingEntities-20210113002027.xlsx
  m = /^(participating|pending)\w*-(\d{4})(\d{2})(\d{2})(\d{6})\.(xlsx|xls|csv)$/i.exec(base);
  if (m) {
    const date = isoFromParts(Number(m[2]), Number(m[3]), Number(m[4]));
    if (date) return { date, slot: `wayback${m[5]}`, kindHint: kindOf(m[1] as string), basis: "capture", rule: null };
  }
  // ICE: participatingAgencies05182026am.xlsx, pendingAgencies06112025pm copy.xlsx, …amB.xlsx
  m =
    /^(participating|pending)[a-z]*[-_ ]?(\d{8,9})[-_ ]?(am|pm|mid)?([-_ ]?(?:b|2|copy))?(?: ?\(\d+\))?\.(xlsx|xls|csv)$/i.exec(
      base,
    );
  if (m) {
    const d = iceDigitsToDate(m[2] as string);
    if (d) {
      const slot = `${(m[3] ?? "").toLowerCase()}${m[4] ? `_${m[4].replace(/[-_ ]/g, "").toLowerCase()}` : ""}`;
      return { date: d.date, slot, kindHint: kindOf(m[1] as string), basis: "publication", rule: d.rule };
    }
  }
  return null;
}
