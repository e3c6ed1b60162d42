// Per-state holds: a state whose agreements (nearly) all vanish from an otherwise sound list has
// its missing agreements held as unconfirmed while the rest of the list applies. The hold is
// released when the state comes back, and accepted (removals confirmed) when the exit persists.
import { statePolicies } from "../context/policies.js";
import { cmp } from "../util/compare.js";
import { persisted } from "./debounce.js";
import type { ListContext } from "./list-context.js";
import { describeVanished, type LastApplied, rowsByState, vanishedStates } from "./quarantine.js";
import type { StateHold } from "./types.js";

/**
 * Starts, continues, releases or accepts the hold on each state that vanished from the list.
 * Accepting it lets the debounce confirm the removals, dated from the first list without them.
 */
export function updateHolds(ctx: ListContext, last: LastApplied | null): void {
  const { obs, config } = ctx;
  const stream = ctx.streams.participating;
  const now = rowsByState(obs.rows);
  const kept: StateHold[] = [];
  for (const h of stream.holds ?? []) {
    const n = now.get(h.state) ?? 0;
    if (n > Math.floor(h.before * config.stateKeepShare)) {
      ctx.listEvent("state_released", { state: h.state, since: h.since, before: h.before, now: n });
      continue;
    }
    h.count++;
    if (persisted(h.since, h.count, obs.date, config.acceptAfterLists, config.acceptAfterDays)) {
      ctx.listEvent("state_accepted", {
        state: h.state,
        since: h.since,
        lists: h.count,
        before: h.before,
        now: n,
        // Beside the exit, the state's law as the policy layer records it (never as its cause).
        state_policies: statePolicies()
          .filter((p) => p.state === h.state)
          .map((p) => ({ kind: p.kind, proposed: p.proposed, in_effect_from: p.in_effect_from, citation: p.citation })),
      });
      continue;
    }
    kept.push(h);
  }
  for (const v of vanishedStates(obs.rows, last, config)) {
    if (kept.some((h) => h.state === v.state)) continue;
    kept.push({ state: v.state, since: obs.date, before: v.before, count: 1 });
    ctx.listEvent("state_held", {
      state: v.state,
      reason: `${describeVanished([v])}: its missing agreements are held as unconfirmed; the rest of the list applies`,
      before: v.before,
      now: v.now,
      list: obs.label,
    });
  }
  stream.holds = kept.sort((a, b) => cmp(a.state, b.state));
}
