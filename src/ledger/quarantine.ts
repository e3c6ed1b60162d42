// Decides whether a participating list is safe to apply. A quarantined list is recorded and
// explained but changes nothing: ICE has published lists that drop hundreds of agencies for a few
// days, an old list re-posted under a new name (2025-04-21 am re-posted the 2025-03-06 list), and
// lists where a whole state vanished behind a typo (`PENNSLYVANIA`, 2026-02-27, fixed by a
// correction so that list applies cleanly).
import type { NormalizedRow } from "../normalize/row.js";
import { cmp } from "../util/compare.js";
import type { LedgerConfig } from "./types.js";

export interface LastApplied {
  rowCount: number;
  /** Agreements listed on the last applied list, by state. */
  byState: Map<string, number>;
}

export function quarantineReason(rows: NormalizedRow[], last: LastApplied | null, cfg: LedgerConfig): string | null {
  if (rows.length === 0) return "empty list: the header is there but no rows";
  const resolvable = rows.filter((r) => r.problems.length === 0);
  if (resolvable.length === 0) {
    return `no row could be read: ${rows[0]?.problems.join("; ") ?? "unknown problem"}`;
  }
  if (!last || last.rowCount === 0) return null;
  const share = resolvable.length / last.rowCount;
  if (share < cfg.minRowShare) {
    return `mass drop: ${resolvable.length} usable rows against ${last.rowCount} on the last applied list (${(share * 100).toFixed(1)}%, threshold ${(cfg.minRowShare * 100).toFixed(0)}%)`;
  }
  const now = new Map<string, number>();
  for (const r of resolvable) if (r.state) now.set(r.state, (now.get(r.state) ?? 0) + 1);
  // A state that keeps (almost) none of its rows: one right spelling among 68 `PENNSLYVANIA` rows
  // must not hide the other 68.
  const vanished = [...last.byState]
    .filter(([st, n]) => n >= cfg.stateVanishMin && (now.get(st) ?? 0) <= Math.floor(n * cfg.stateKeepShare))
    .sort(([a], [b]) => cmp(a, b));
  if (vanished.length) {
    const unread = rows.filter((r) => r.problems.length).length;
    const tail = unread ? `; ${unread} row(s) could not be read` : "";
    if (vanished.every(([st]) => !now.has(st))) {
      return `every row of ${vanished.map(([st, n]) => `${st} (${n})`).join(", ")} is missing${tail}`;
    }
    return `nearly every row of ${vanished.map(([st, n]) => `${st} (${n} → ${now.get(st) ?? 0})`).join(", ")} is missing${tail}`;
  }
  return null;
}
