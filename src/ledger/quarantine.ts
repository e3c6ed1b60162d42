// Decides whether a participating list is safe to apply. A quarantined list is recorded and
// explained but changes nothing: ICE has published lists that drop hundreds of agencies for a few
// days, and an old list re-posted under a new name (2025-04-21 am re-posted the 2025-03-06 list).
// A state that vanishes from an otherwise sound list (`PENNSLYVANIA`, 2026-02-27, is fixed by a
// correction; New York's 2026 exit was real) holds only that state's missing agreements.
import type { NormalizedRow } from "../normalize/row.js";
import { cmp } from "../util/compare.js";
import type { LedgerConfig, ListObservation, QuarantineStreak } from "./types.js";

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
  return null;
}

/** The list's usable rows by state. */
export function rowsByState(rows: NormalizedRow[]): Map<string, number> {
  const now = new Map<string, number>();
  for (const r of rows) if (r.state && r.problems.length === 0) now.set(r.state, (now.get(r.state) ?? 0) + 1);
  return now;
}

export interface VanishedState {
  state: string;
  /** Its agreements on the last applied list, and on this one. */
  before: number;
  now: number;
}

/**
 * States that keep (almost) none of their rows: one right spelling among 68 `PENNSLYVANIA` rows
 * must not hide the other 68. Such a state's missing agreements are held as unconfirmed while the
 * rest of the list applies: New York fell from 14 rows to 1 between June and September 2026, and
 * a whole-list quarantine would have held back every other state's changes for a week.
 */
export function vanishedStates(rows: NormalizedRow[], last: LastApplied | null, cfg: LedgerConfig): VanishedState[] {
  if (!last) return [];
  const now = rowsByState(rows);
  return [...last.byState]
    .filter(([st, n]) => n >= cfg.stateVanishMin && (now.get(st) ?? 0) <= Math.floor(n * cfg.stateKeepShare))
    .sort(([a], [b]) => cmp(a, b))
    .map(([state, before]) => ({ state, before, now: now.get(state) ?? 0 }));
}

export function describeVanished(v: VanishedState[]): string {
  if (v.every((x) => x.now === 0))
    return `every row of ${v.map((x) => `${x.state} (${x.before})`).join(", ")} is missing`;
  return `nearly every row of ${v.map((x) => `${x.state} (${x.before} → ${x.now})`).join(", ")} is missing`;
}

/**
 * The quarantine streak once this list is quarantined for `reason`: the same cause (numbers aside)
 * continues it, another starts a new one. It gathers every row key the quarantined lists carried.
 */
export function continueStreak(
  prev: QuarantineStreak | null | undefined,
  obs: ListObservation,
  reason: string,
): QuarantineStreak {
  const cause = reason.replace(/[\d.]+/g, "#");
  const keys = obs.rows.filter((r) => r.problems.length === 0).map((r) => `${r.state}|${r.agencyKey}|${r.model}`);
  return prev && prev.cause === cause
    ? { ...prev, count: prev.count + 1, seen: [...new Set([...prev.seen, ...keys])].sort(cmp) }
    : { since: obs.date, count: 1, cause, seen: [...new Set(keys)].sort(cmp) };
}
