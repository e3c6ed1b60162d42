// Ordering that is the same on every machine. `localeCompare` follows the process locale
// (under lt_LT "NY" sorts before "NJ"), which would make exports differ between machines.

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
