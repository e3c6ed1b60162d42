// The ledger: a pure, deterministic replay of list observations into agencies, agreements,
// pending applications, listings and events. No I/O; its whole state serialises to JSON so that
// a new list can be applied on top of a stored ledger without replaying the archive. This module
// decides what happens to a list (quarantine, holds, a repeat, a full apply); the rules live in
// participating.ts, pending.ts and the modules they call.
import type { ListKind } from "../sheets/types.js";
import { persisted } from "./debounce.js";
import { Entities } from "./entities.js";
import { updateHolds } from "./holds.js";
import { ListContext } from "./list-context.js";
import { applyParticipating, touchParticipating } from "./participating.js";
import { applyPending, touchPending } from "./pending.js";
import { continueStreak, type LastApplied, quarantineReason } from "./quarantine.js";
import {
  type Agency,
  type Agreement,
  type Application,
  DEFAULT_CONFIG,
  type LedgerConfig,
  type Listing,
  type ListObservation,
  type ObservationOutcome,
  type StreamState,
} from "./types.js";

export const LEDGER_VERSION = 3;

export interface LedgerState {
  version: number;
  config: LedgerConfig;
  agencies: Agency[];
  agreements: Agreement[];
  applications: Application[];
  seq: number;
  lastOrder: string;
  listed: string[];
  /** Snapshots whose rows were listed as quarantined (replaced if the snapshot is applied later). */
  quarantineListed: string[];
  streams: Record<ListKind, StreamState>;
}

export class OutOfOrderError extends Error {
  constructor(obs: ListObservation, last: string) {
    super(`observation ${obs.obsId} (${obs.order}) is older than the last one applied (${last})`);
    this.name = "OutOfOrderError";
  }
}

function emptyStream(): StreamState {
  return { snapshotId: null, rowCount: 0, byState: [], present: [] };
}

export class Ledger {
  readonly config: LedgerConfig;
  private entities = new Entities();
  private seq = 0;
  private lastOrder = "";
  private listed = new Set<string>();
  private quarantineListed = new Set<string>();
  private streams: Record<ListKind, StreamState> = { participating: emptyStream(), pending: emptyStream() };

  constructor(config: Partial<LedgerConfig> = {}) {
    this.config = { ...DEFAULT_CONFIG, ...config };
  }

  /** Resumes from a saved state. The ledger takes ownership: it mutates the objects in `s`. */
  static fromState(s: LedgerState): Ledger {
    if (s.version !== LEDGER_VERSION) throw new Error(`ledger state version ${s.version}, expected ${LEDGER_VERSION}`);
    const l = new Ledger(s.config);
    for (const a of s.agencies) l.entities.addAgency(a);
    for (const a of s.agreements) l.entities.addAgreement(a);
    for (const a of s.applications) l.entities.addApplication(a);
    l.seq = s.seq;
    l.lastOrder = s.lastOrder;
    l.listed = new Set(s.listed);
    l.quarantineListed = new Set(s.quarantineListed);
    l.streams = s.streams;
    return l;
  }

  toState(): LedgerState {
    const e = this.entities;
    return {
      version: LEDGER_VERSION,
      config: this.config,
      agencies: [...e.agencies.values()],
      agreements: [...e.agreements.values()],
      applications: [...e.applications.values()],
      seq: this.seq,
      lastOrder: this.lastOrder,
      listed: [...this.listed],
      quarantineListed: [...this.quarantineListed],
      streams: this.streams,
    };
  }

  /** Current entities, sorted by id so that every export is byte-identical across runs. */
  result(): { agencies: Agency[]; agreements: Agreement[]; applications: Application[] } {
    const byId = <T>(m: Map<string, T>) =>
      [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const e = this.entities;
    return { agencies: byId(e.agencies), agreements: byId(e.agreements), applications: byId(e.applications) };
  }

  apply(obs: ListObservation): ObservationOutcome {
    if (obs.order < this.lastOrder) throw new OutOfOrderError(obs, this.lastOrder);
    this.lastOrder = obs.order;
    const ctx = new ListContext(obs, this.entities, this.config, this.streams, this.seq);
    const { status, reason, listings } = this.decide(ctx);
    this.seq = ctx.seq;
    return {
      obsId: obs.obsId,
      snapshotId: obs.snapshotId,
      kind: obs.kind,
      date: obs.date,
      status,
      reason,
      listings,
      events: ctx.events,
      reviews: ctx.reviews,
    };
  }

  private decide(ctx: ListContext): Pick<ObservationOutcome, "status" | "reason" | "listings"> {
    const { obs } = ctx;
    const stream = this.streams[obs.kind];
    // ICE's file names can lie about the kind: on 2025-09-22 pm the two files were swapped.
    // The content decides; the mismatch is recorded.
    if (obs.filenameKind && obs.filenameKind !== obs.kind) {
      ctx.listEvent("list_kind_mismatch", { file_name_says: obs.filenameKind, content_is: obs.kind });
    }

    if (obs.kind === "participating") {
      const last: LastApplied | null = stream.snapshotId
        ? { rowCount: stream.rowCount, byState: new Map(stream.byState) }
        : null;
      const reason = quarantineReason(obs.rows, last, this.config);
      if (reason) return this.quarantine(ctx, stream, reason);
      stream.quarantine = null;
      updateHolds(ctx, last);
    }

    // A repeat observation of the list already applied changes nothing but the dates and the
    // removal debounce; resolving its rows again would give the same answers.
    if (stream.snapshotId === obs.snapshotId) {
      if (obs.kind === "participating") touchParticipating(ctx, stream.present);
      else touchPending(ctx, stream.present);
      return { status: "applied", reason: null, listings: [] };
    }
    const listings = obs.kind === "participating" ? applyParticipating(ctx) : applyPending(ctx);
    return { status: "applied", reason: null, listings: this.firstListing(obs, listings) };
  }

  /**
   * Quarantine is for glitches. A cause that persists over several lists and days (a state law
   * ending every agreement at once, say) is accepted, and what went missing is dated from the
   * first list that showed it.
   */
  private quarantine(
    ctx: ListContext,
    stream: StreamState,
    reason: string,
  ): Pick<ObservationOutcome, "status" | "reason" | "listings"> {
    const { obs, entities } = ctx;
    const streak = continueStreak(stream.quarantine, obs, reason);
    if (persisted(streak.since, streak.count, obs.date, this.config.acceptAfterLists, this.config.acceptAfterDays)) {
      stream.quarantine = null;
      ctx.listEvent("list_accepted", { reason, quarantined_since: streak.since, lists: streak.count });
      // Back-dated only for agreements that none of the quarantined lists carried; the others
      // were still listed then, and start an ordinary debounce now.
      const seen = new Set(streak.seen);
      const listings = applyParticipating(ctx, {
        date: streak.since,
        lists: streak.count,
        unless: (agr) => {
          const ag = entities.agencies.get(agr.agencyId);
          return !!ag && ag.keys.some((k) => seen.has(`${ag.state}|${k}|${agr.model}`));
        },
      });
      return {
        status: "applied",
        reason: `accepted after ${streak.count} lists since ${streak.since}: ${reason}`,
        listings: this.firstListing(obs, listings),
      };
    }
    stream.quarantine = streak;
    ctx.listEvent("list_quarantined", { reason, list: obs.label, rows: obs.rows.length });
    // Its rows are listed once, as quarantined; if the same file is applied later, those
    // listings are replaced by resolved ones.
    const fresh = !this.listed.has(obs.snapshotId) && !this.quarantineListed.has(obs.snapshotId);
    this.quarantineListed.add(obs.snapshotId);
    const listings = fresh ? obs.rows.map((r) => ctx.listing(r.row, {}, "quarantined", reason)) : [];
    return { status: "quarantined", reason, listings };
  }

  /** Listings are produced once per snapshot, at its first application. */
  private firstListing(obs: ListObservation, listings: Listing[]): Listing[] {
    const first = !this.listed.has(obs.snapshotId);
    this.listed.add(obs.snapshotId);
    return first ? listings : [];
  }
}
