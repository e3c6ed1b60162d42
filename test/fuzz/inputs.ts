// What fuzz cases are made from: the archive and its seed lists, a seeded random source, and odd
// names, values, dates and cell references.
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const ARCHIVE = path.resolve(ROOT, "../shared/data/ice");

/** The real lists mutated: one of each era and shape (HTML-era csv, first xlsx, a pending list). */
export const SMALL_SEEDS = ["participating_2021-01-13.csv", "participating_2025-03-17.xlsx", "pending_2025-03-17.xlsx"];
/** `npm run fuzz` adds the largest lists, which take longer to ingest. */
export const ALL_SEEDS = [...SMALL_SEEDS, "pending_2026-02-13.xlsx", "participating_2026-05-01.xlsx"];
/** The store each case is ingested into holds this one list. */
export const BASE_LIST = "participating_2025-03-17.xlsx";

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

export interface FuzzCase {
  /** The attack class: `mutate:bytes`, `hostile:zip-bomb`, … */
  kind: string;
  /** What was done, for a report line. */
  detail: string;
  /** The file name to ingest it under (its extension matters to nobody: the reader sniffs bytes). */
  file: string;
  bytes: Buffer;
}

/** Names that are also properties of every JavaScript object, and other odd strings. */
export const ODD_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "Constructor Co SO",
  "Object.prototype",
  '=HYPERLINK("http://x")',
  "<script>alert(1)</script>",
  "\u202eevil\u202c",
  "\u0000nul",
  "😀 County Sheriff's Office",
  "",
  " ",
];
export const ODD_VALUES = [
  "1e12",
  "-5",
  "NaN",
  "Infinity",
  "1e308",
  "-0",
  "2958466",
  "0x1F",
  "99999999999999999999999",
  "4.5e+4",
  "",
];
export const ODD_DATES: (string | number)[] = [
  1e12,
  -5,
  1e308,
  2958466,
  73051,
  "2099-01-01",
  "NaN",
  "5025-07-07",
  "13/45/2025",
  "0",
];
export const ODD_REFS = ["XFD1048576", "A0", "ZZZZ1", "A99999999", "B2:XFD1048576", "", "1A", "AAAAAAAA1", "A-1"];
