// One list being applied: its observation, where its events, listings and review items go, and
// the indexes over the ledger and the list that its rules ask for, each built at most once.
import type { ListKind } from "../sheets/types.js";
import { addTo } from "../util/multimap.js";
import type { Entities } from "./entities.js";
import {
  type Agency,
  type Agreement,
  type EventType,
  isUsable,
  type LedgerConfig,
  type LedgerEvent,
  type Listing,
  type ListObservation,
  type ReviewItem,
  type StreamState,
  type Tier,
  type UsableRow,
} from "./types.js";

export interface EventIds {
  agencyId: string | null;
  agreementId?: string;
  applicationId?: string;
}

export class ListContext {
  readonly events: LedgerEvent[] = [];
  readonly reviews: ReviewItem[] = [];
  /** Rows of the list that moved an agreement to a new holder (row number → evidence). */
  readonly holderRows = new Map<number, string>();
  /** Indexes of the rows that can be resolved (no problems), in row order. */
  readonly usable: number[] = [];
  private readonly usableRows: (UsableRow | null)[];

  private holders: Set<string> | undefined;
  private byState: Map<string, Agency[]> | undefined;
  private byTerms: Map<string, number[]> | undefined;

  constructor(
    readonly obs: ListObservation,
    readonly entities: Entities,
    readonly config: LedgerConfig,
    readonly streams: Record<ListKind, StreamState>,
    /** The last event number given out: events are numbered across the whole ledger. */
    public seq: number,
  ) {
    this.usableRows = obs.rows.map((r, i) => {
      if (!isUsable(r)) return null;
      this.usable.push(i);
      return r;
    });
  }

  /** Usable row `i` of the list. */
  row(i: number): UsableRow {
    const r = this.usableRows[i];
    if (!r) throw new Error(`ledger: row index ${i} of ${this.obs.label} is not a usable row`);
    return r;
  }

  event(type: EventType, date: string, ids: EventIds, detail: Record<string, unknown>): void {
    const obs = this.obs;
    this.events.push({
      seq: ++this.seq,
      type,
      date,
      obsId: obs.obsId,
      snapshotId: obs.snapshotId,
      agencyId: ids.agencyId,
      agreementId: ids.agreementId ?? null,
      applicationId: ids.applicationId ?? null,
      detail: { list: obs.label, ...detail },
    });
  }

  /** A list-wide event (quarantine, state holds, a file name that lies). */
  listEvent(type: EventType, detail: Record<string, unknown>): void {
    this.event(type, this.obs.date, { agencyId: null }, detail);
  }

  listing(
    row: number,
    ids: { agreementId?: string | null; applicationId?: string | null; agencyId?: string | null },
    tier: Tier,
    note: string | null,
  ): Listing {
    const obs = this.obs;
    return {
      snapshotId: obs.snapshotId,
      obsId: obs.obsId,
      row,
      agreementId: ids.agreementId ?? null,
      applicationId: ids.applicationId ?? null,
      agencyId: ids.agencyId ?? null,
      tier,
      note,
    };
  }

  /** Listings for the rows that cannot be resolved (reviewed when `review`); usable rows' slots are null. */
  unresolvedListings(review: boolean): (Listing | null)[] {
    return this.obs.rows.map((r) => {
      if (r.problems.length === 0) return null;
      if (review) this.review(r.row, "unresolved_row", { problems: r.problems, agency: r.agency, state: r.state });
      return this.listing(r.row, {}, "unresolved", r.problems.join("; "));
    });
  }

  /** The listings once every row has one. */
  settled(listings: (Listing | null)[]): Listing[] {
    return listings.map((l, i) => {
      if (!l) throw new Error(`ledger: row ${this.obs.rows[i]?.row} of ${this.obs.label} was not listed`);
      return l;
    });
  }

  review(row: number | null, reason: ReviewItem["reason"], detail: Record<string, unknown>): void {
    const obs = this.obs;
    this.reviews.push({
      obsId: obs.obsId,
      snapshotId: obs.snapshotId,
      date: obs.date,
      row,
      reason,
      detail: { list: obs.label, ...detail },
    });
  }

  /** Whether the agreement's state is held (see holds.ts): its removal waits. */
  isHeld(a: Agreement): boolean {
    const holds = this.streams.participating.holds;
    if (!holds?.length) return false;
    const st = this.entities.agencies.get(a.agencyId)?.state;
    return holds.some((h) => h.state === st);
  }

  /** Agencies that hold any agreement, as they stood when first asked on this list. */
  withAgreements(): Set<string> {
    if (!this.holders) {
      this.holders = new Set();
      for (const a of this.entities.agreements.values()) this.holders.add(a.agencyId);
    }
    return this.holders;
  }

  /** The agencies of a state, as they stood when first asked on this list. */
  agenciesIn(state: string): Agency[] {
    if (!this.byState) {
      this.byState = new Map();
      for (const ag of this.entities.agencies.values()) addTo(this.byState, ag.state, ag);
    }
    return this.byState.get(state) ?? [];
  }

  /** The list's usable rows by `state|model|signed date`. */
  rowsByTerms(): Map<string, number[]> {
    if (!this.byTerms) {
      this.byTerms = new Map();
      for (const j of this.usable) {
        const o = this.row(j);
        if (o.signedOn) addTo(this.byTerms, `${o.state}|${o.model}|${o.signedOn}`, j);
      }
    }
    return this.byTerms;
  }
}
