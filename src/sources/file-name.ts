// Dates a list from its file name when no manifest says when it was published. Every name form
// ICE, the web archives and our own archive have used is one row of FILE_NAME_RULES (pattern,
// real example, rule name); when ICE changes its names again, add a row and its test.
import { isoFromParts } from "../domain/date.js";
import type { ListKind } from "./types.js";

export interface FileNameDate {
  date: string;
  slot: string;
  kindHint: ListKind | null;
  basis: "publication" | "capture";
  /** Rule that repaired the date (a typo in the digits), if any. */
  rule: string | null;
  /** The name form (row of FILE_NAME_RULES) that read the name. */
  form: string;
}

export interface FileNameRule {
  /** Stable name of the form, recorded with each dated file. */
  name: string;
  pattern: RegExp;
  /** Real file names of this form and what each reads as: the table's own test cases. */
  examples: { name: string; date: string; slot: string; kind: ListKind; rule?: string }[];
  basis: "publication" | "capture";
  /** Date and slot from the pattern's groups; null when the digits make no plausible date. */
  date: (m: RegExpExecArray) => { date: string; slot: string; rule: string | null } | null;
}

function kindOf(word: string): ListKind | null {
  const w = word.toLowerCase();
  if (w.startsWith("participating")) return "participating";
  if (w.startsWith("pending")) return "pending";
  return null;
}

const plausible = (iso: string | null): iso is string => iso !== null && iso >= "2017-01-01" && iso <= "2099-12-31";

/** MMDDYYYY digits → ISO date, repairing the typos ICE has made in its file names. */
export function iceDigitsToDate(digits: string): { date: string; rule: string | null } | null {
  const direct = (d: string) =>
    d.length === 8 ? isoFromParts(Number(d.slice(4, 8)), Number(d.slice(0, 2)), Number(d.slice(2, 4))) : null;
  // MMDDYY: ICE's names since June 2026. A two-digit year is always 20YY (no list predates 2017);
  // the pipeline then checks the date against the newest SIGNED date inside the file.
  if (digits.length === 6) {
    const d = isoFromParts(2000 + Number(digits.slice(4, 6)), Number(digits.slice(0, 2)), Number(digits.slice(2, 4)));
    return plausible(d) ? { date: d, rule: null } : null;
  }
  const d = direct(digits);
  if (plausible(d)) return { date: d, rule: null };
  // `11114025am`: year 4025 → 2025 (first digit of the year slipped).
  if (digits.length === 8) {
    const fixed = direct(`${digits.slice(0, 4)}2${digits.slice(5)}`);
    if (plausible(fixed)) return { date: fixed, rule: "filename_year_first_digit" };
  }
  // `090022025am`: one digit too many; drop the one that leaves a valid date (2025-09-02).
  if (digits.length === 9) {
    const found = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const c = direct(digits.slice(0, i) + digits.slice(i + 1));
      if (plausible(c)) found.add(c);
    }
    if (found.size === 1) return { date: [...found][0] as string, rule: "filename_extra_digit" };
  }
  return null;
}

/** am/pm/mid plus ICE's variant suffixes (`amB`, `am_b`, `pm copy`, `pm2`) → `am`, `am_b`, `pm_copy`, `pm_2`. */
function iceSlot(ampm: string | undefined, variant: string | undefined): string {
  return `${(ampm ?? "").toLowerCase()}${variant ? `_${variant.replace(/[-_ ]/g, "").toLowerCase()}` : ""}`;
}

function iceDate(m: RegExpExecArray): { date: string; slot: string; rule: string | null } | null {
  const g = m.groups as Record<string, string | undefined>;
  const d = iceDigitsToDate(g.digits as string);
  return d ? { date: d.date, slot: iceSlot(g.ampm, g.variant), rule: d.rule } : null;
}

// The tail every ICE form shares: am/pm/mid (optional: most names after June 2026 carry none), a
// variant (`B`, `_b`, `2`, ` copy`), a browser's ` (1)` and the extension.
const ICE_TAIL = String.raw`[-_ ]?(?<ampm>am|pm|mid)?(?<variant>[-_ ]?(?:b|2|copy))?(?: ?\(\d+\))?\.(?:xlsx|xls|csv)$`;
const ICE_HEAD = "(?<kind>participating|pending)[a-z]*";
const PREFIXED_HEAD = `287g[-_ ]?${ICE_HEAD}`;
const MMDDYYYY = String.raw`\d{8,9}`; // a ninth digit is a typo iceDigitsToDate repairs
const MMDDYY = String.raw`\d{6}`;

/** One of ICE's own name forms: a head, the date's digits and the shared tail, dated by iceDate. */
function iceForm(name: string, head: string, digits: string, examples: FileNameRule["examples"]): FileNameRule {
  const pattern = new RegExp(`^${head}[-_ ]?(?<digits>${digits})${ICE_TAIL}`, "i");
  return { name, pattern, examples, basis: "publication", date: iceDate };
}

export const FILE_NAME_RULES: readonly FileNameRule[] = [
  {
    name: "g287_archive",
    pattern: /^(?<kind>participating|pending)_(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})(?:_(?<v>\d+))?\.(?:xlsx|xls|csv)$/i,
    examples: [
      { name: "participating_2025-03-27_2.xlsx", date: "2025-03-27", slot: "v2", kind: "participating" },
      { name: "pending_2026-02-27.xlsx", date: "2026-02-27", slot: "", kind: "pending" },
    ],
    basis: "publication",
    date: (m) => {
      const g = m.groups as Record<string, string | undefined>;
      const date = isoFromParts(Number(g.y), Number(g.m), Number(g.d));
      return date ? { date, slot: g.v ? `v${g.v}` : "", rule: null } : null;
    },
  },
  {
    name: "web_archive_capture",
    pattern: /^(?<kind>participating|pending)\w*-(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})(?<time>\d{6})\.(?:xlsx|xls|csv)$/i,
    examples: [
      {
        name: "ParticipatingEntities-20210113002027.xlsx",
        date: "2021-01-13",
        slot: "wayback002027",
        kind: "participating",
      },
      { name: "pendingAgencies-20250221214937.xlsx", date: "2025-02-21", slot: "wayback214937", kind: "pending" },
    ],
    basis: "capture",
    date: (m) => {
      const g = m.groups as Record<string, string | undefined>;
      const date = isoFromParts(Number(g.y), Number(g.m), Number(g.d));
      return date ? { date, slot: `wayback${g.time}`, rule: null } : null;
    },
  },
  // ICE's names to May 2026, and some since: four-digit year, am/pm usually but not always.
  iceForm("ice_mmddyyyy", ICE_HEAD, MMDDYYYY, [
    { name: "participatingAgencies05182026am.xlsx", date: "2026-05-18", slot: "am", kind: "participating" },
    { name: "participatingAgencies04232026.xlsx", date: "2026-04-23", slot: "", kind: "participating" },
    { name: "pendingAgencies11122025.xlsx", date: "2025-11-12", slot: "", kind: "pending" },
    { name: "participatingAgencies10292025pmB.xlsx", date: "2025-10-29", slot: "pm_b", kind: "participating" },
    { name: "participatingAgencies07242025pm_b.xlsx", date: "2025-07-24", slot: "pm_b", kind: "participating" },
    { name: "participatingAgencies12042025pm2.xlsx", date: "2025-12-04", slot: "pm_2", kind: "participating" },
    { name: "participatingAgencies06112025pm copy.xlsx", date: "2025-06-11", slot: "pm_copy", kind: "participating" },
    { name: "participatingAgencies09292025mid.xlsx", date: "2025-09-29", slot: "mid", kind: "participating" },
    {
      name: "participatingAgencies11114025am.xlsx",
      date: "2025-11-11",
      slot: "am",
      kind: "participating",
      rule: "filename_year_first_digit",
    },
    {
      name: "participatingAgencies090022025am.xlsx",
      date: "2025-09-02",
      slot: "am",
      kind: "participating",
      rule: "filename_extra_digit",
    },
  ]),
  // Since June 2026: a `287g` prefix and a two-digit year.
  iceForm("ice_prefixed_mmddyy", PREFIXED_HEAD, MMDDYY, [
    { name: "287gParticipatingAgencies091526pm.xlsx", date: "2026-09-15", slot: "pm", kind: "participating" },
    { name: "287gPendingAgencies091526.xlsx", date: "2026-09-15", slot: "", kind: "pending" },
  ]),
  // Since June 2026: capital P, `Agency` singular, a two-digit year, am/pm or none.
  iceForm("ice_mmddyy", ICE_HEAD, MMDDYY, [
    { name: "ParticipatingAgency091826am.xlsx", date: "2026-09-18", slot: "am", kind: "participating" },
    { name: "ParticipatingAgency100926.xlsx", date: "2026-10-09", slot: "", kind: "participating" },
    { name: "PendingAgency070126pm.xlsx", date: "2026-07-01", slot: "pm", kind: "pending" },
  ]),
  // The prefix with a four-digit year, should ICE combine the two: read, not guessed at.
  iceForm("ice_prefixed_mmddyyyy", PREFIXED_HEAD, MMDDYYYY, [
    { name: "287gParticipatingAgencies09152026.xlsx", date: "2026-09-15", slot: "", kind: "participating" },
  ]),
];

/** The date, slot and kind a file name carries, by the first rule of FILE_NAME_RULES that reads it. */
export function dateFromFileName(name: string): FileNameDate | null {
  const base = name.replace(/^.*[\\/]/, "").trim();
  for (const r of FILE_NAME_RULES) {
    const m = r.pattern.exec(base);
    if (!m) continue;
    const d = r.date(m);
    if (!d) continue;
    return {
      date: d.date,
      slot: d.slot,
      kindHint: kindOf(m.groups?.kind ?? ""),
      basis: r.basis,
      rule: d.rule,
      form: r.name,
    };
  }
  return null;
}

const MAX_NAME = 160;

/**
 * A file name from an untrusted source (a Content-Disposition header, link text): the last path
 * segment only, no control or format characters, no leading dots, at most 160 characters with the
 * extension kept. Null when nothing usable is left.
 */
export function safeFileName(raw: string): string | null {
  let s = raw
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, "")
    .replace(/^.*[\\/]/, "")
    .replace(/[<>:"|?*]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  if (s.length > MAX_NAME) {
    const ext = /\.[a-z0-9]{1,5}$/i.exec(s)?.[0] ?? "";
    s = s.slice(0, MAX_NAME - ext.length) + ext;
  }
  return s && s !== "." && s !== ".." ? s : null;
}

/**
 * The file name in a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first, then plain
 * `filename=` (quoted or not). The header is treated as hostile: see safeFileName.
 */
export function contentDispositionName(value: string | undefined): string | null {
  if (!value || value.length > 2000) return null;
  const star = /(?:^|;)\s*filename\*\s*=\s*"?([\w!#$&+.^`|~-]*)'[\w-]*'([^;"\s]+)"?/i.exec(value);
  if (star) {
    const charset = (star[1] as string).toLowerCase();
    try {
      const decoded =
        charset === "iso-8859-1" || charset === "latin1"
          ? (star[2] as string).replace(/%([0-9a-f]{2})/gi, (_, h: string) =>
              String.fromCharCode(Number.parseInt(h, 16)),
            )
          : decodeURIComponent(star[2] as string);
      const name = safeFileName(decoded);
      if (name) return name;
    } catch {
      /* a malformed escape: fall back to the plain form */
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(value);
  if (!plain) return null;
  const text = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : (plain[2] as string);
  return safeFileName(text);
}

/** A spreadsheet file name written in a link's text (`Download participatingAgencies091526.xlsx (80 KB)`). */
export function fileNameInText(text: string): string | null {
  const m = /([\w][\w .()-]{0,150}?\.(?:xlsx|xls|csv))(?![a-z0-9])/i.exec(text);
  return m ? safeFileName((m[1] as string).replace(/^.*\s(?=\S+\.(?:xlsx|xls|csv)$)/i, "")) : null;
}
