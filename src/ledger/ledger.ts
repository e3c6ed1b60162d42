// The ledger: a pure, deterministic replay of list observations into agencies, agreements,
// pending applications, listings and events. No I/O; its whole state serialises to JSON so that
// a new list can be applied on top of a stored ledger without replaying the archive.
import { distance } from "fastest-levenshtein";
import { realPlace } from "../context/place-names.js";
import { statePolicies } from "../context/policies.js";
import { digitsOf, slug } from "../normalize/agency-key.js";
import { classifyAgency } from "../normalize/agency-type.js";
import type { Model } from "../normalize/model.js";
import type { NormalizedRow } from "../normalize/row.js";
import type { ListKind } from "../sheets/types.js";
import { cmp } from "../util/compare.js";
import { addTo } from "../util/multimap.js";
import {
  distinctive,
  looseKey,
  matchRelabels,
  matchTypo,
  moaFile,
  type NearMiss,
  type Resolution,
  type RowGroup,
  sameCounty,
  typoLimit,
  type VanishedAgency,
} from "./identity.js";
import { describeVanished, type LastApplied, quarantineReason, vanishedStates } from "./quarantine.js";
import {
  type Agency,
  type Agreement,
  type Application,
  DEFAULT_CONFIG,
  type EventType,
  type LedgerConfig,
  type LedgerEvent,
  type Listing,
  type ListObservation,
  type ObservationOutcome,
  type ReviewItem,
  type Tier,
} from "./types.js";

export const LEDGER_VERSION = 3;

interface StreamState {
  snapshotId: string | null;
  /**
   * Consecutive quarantines with the same cause: a cause that persists is accepted as real. `seen`
   * holds `state|agency key|model` of every row those lists did carry.
   */
  quarantine?: { since: string; count: number; cause: string; seen: string[] } | null;
  rowCount: number;
  byState: [string, number][];
  /** Agreements (or applications) on the current list, for the fast path of a repeat observation. */
  present: string[];
  /**
   * States whose agreements (nearly) all vanished at once: their missing agreements are held as
   * unconfirmed, never removed, until the exit persists (`acceptAfterLists`, `acceptAfterDays`).
   */
  holds?: StateHold[];
}

interface StateHold {
  state: string;
  /** The first list without them, its agreements before, and the lists seen since. */
  since: string;
  before: number;
  count: number;
}

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

const OPEN = new Set(["active", "pending_removal"]);
const MODELS = ["JEM", "TFM", "WSO"] as const;

export class OutOfOrderError extends Error {
  constructor(obs: ListObservation, last: string) {
    super(`observation ${obs.obsId} (${obs.order}) is older than the last one applied (${last})`);
    this.name = "OutOfOrderError";
  }
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function emptyStream(): StreamState {
  return { snapshotId: null, rowCount: 0, byState: [], present: [] };
}

export class Ledger {
  readonly config: LedgerConfig;
  private agencies = new Map<string, Agency>();
  private agreements = new Map<string, Agreement>();
  private applications = new Map<string, Application>();
  private seq = 0;
  private lastOrder = "";
  private listed = new Set<string>();
  private quarantineListed = new Set<string>();
  private streams: Record<ListKind, StreamState> = { participating: emptyStream(), pending: emptyStream() };

  // Indexes, rebuilt from the state on load.
  private agencyByKey = new Map<string, string>();
  /** `state|looseKey` → agency: spellings of one body that the exact key keeps apart. */
  private agencyByLoose = new Map<string, string>();
  private agreementsByAM = new Map<string, string[]>();
  /** Agreements by signed date: the same-agreement rules look for one state, model and date. */
  private agreementsBySigned = new Map<string, Agreement[]>();
  private applicationsByAM = new Map<string, string[]>();

  // Per-observation scratch.
  private events: LedgerEvent[] = [];
  private reviews: ReviewItem[] = [];
  private obs: ListObservation | null = null;
  /** Rows of the current list that moved an agreement to a new holder (row number → evidence). */
  private holderRows = new Map<number, string>();
  /** Indexes built at most once per list, on first use. */
  private memo = new Map<string, unknown>();

  constructor(config: Partial<LedgerConfig> = {}) {
    this.config = { ...DEFAULT_CONFIG, ...config };
  }

  /** Resumes from a saved state. The ledger takes ownership: it mutates the objects in `s`. */
  static fromState(s: LedgerState): Ledger {
    if (s.version !== LEDGER_VERSION) throw new Error(`ledger state version ${s.version}, expected ${LEDGER_VERSION}`);
    const l = new Ledger(s.config);
    for (const a of s.agencies) l.addAgency(a);
    for (const a of s.agreements) l.addAgreement(a);
    for (const a of s.applications) l.addApplication(a);
    l.seq = s.seq;
    l.lastOrder = s.lastOrder;
    l.listed = new Set(s.listed);
    l.quarantineListed = new Set(s.quarantineListed);
    l.streams = s.streams;
    return l;
  }

  toState(): LedgerState {
    return {
      version: LEDGER_VERSION,
      config: this.config,
      agencies: [...this.agencies.values()],
      agreements: [...this.agreements.values()],
      applications: [...this.applications.values()],
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
    return { agencies: byId(this.agencies), agreements: byId(this.agreements), applications: byId(this.applications) };
  }

  // ---------------------------------------------------------------- apply

  apply(obs: ListObservation): ObservationOutcome {
    if (obs.order < this.lastOrder) throw new OutOfOrderError(obs, this.lastOrder);
    this.lastOrder = obs.order;
    this.obs = obs;
    this.events = [];
    this.reviews = [];
    this.holderRows = new Map();
    this.memo = new Map();
    const stream = this.streams[obs.kind];
    const outcome = (status: ObservationOutcome["status"], reason: string | null, listings: Listing[] = []) => {
      const o: ObservationOutcome = {
        obsId: obs.obsId,
        snapshotId: obs.snapshotId,
        kind: obs.kind,
        date: obs.date,
        status,
        reason,
        listings,
        events: this.events,
        reviews: this.reviews,
      };
      this.obs = null;
      return o;
    };

    // ICE's file names can lie about the kind: on 2025-09-22 pm the two files were swapped.
    // The content decides; the mismatch is recorded.
    if (obs.filenameKind && obs.filenameKind !== obs.kind) {
      this.event(
        "list_kind_mismatch",
        obs.date,
        { agencyId: null },
        {
          file_name_says: obs.filenameKind,
          content_is: obs.kind,
        },
      );
    }

    if (obs.kind === "participating") {
      const last: LastApplied | null = stream.snapshotId
        ? { rowCount: stream.rowCount, byState: new Map(stream.byState) }
        : null;
      const reason = quarantineReason(obs.rows, last, this.config);
      if (reason) {
        // Quarantine is for glitches. A cause that persists over several lists and days (a state
        // law ending every agreement at once, say) is accepted, and what went missing is dated
        // from the first list that showed it.
        const cause = reason.replace(/[\d.]+/g, "#");
        const prev = stream.quarantine;
        const keys = obs.rows.filter((r) => r.problems.length === 0).map((r) => `${r.state}|${r.agencyKey}|${r.model}`);
        const streak =
          prev && prev.cause === cause
            ? { ...prev, count: prev.count + 1, seen: [...new Set([...prev.seen, ...keys])].sort(cmp) }
            : { since: obs.date, count: 1, cause, seen: [...new Set(keys)].sort(cmp) };
        if (
          streak.count >= this.config.acceptAfterLists &&
          daysBetween(streak.since, obs.date) >= this.config.acceptAfterDays
        ) {
          stream.quarantine = null;
          this.event(
            "list_accepted",
            obs.date,
            { agencyId: null },
            { reason, quarantined_since: streak.since, lists: streak.count },
          );
          // Back-dated only for agreements that none of the quarantined lists carried; the others
          // were still listed then, and start an ordinary debounce now.
          const seen = new Set(streak.seen);
          const listings = this.applyParticipating(obs, {
            date: streak.since,
            lists: streak.count,
            unless: (agr) => this.carriedBy(agr, seen),
          });
          const first = !this.listed.has(obs.snapshotId);
          this.listed.add(obs.snapshotId);
          return outcome(
            "applied",
            `accepted after ${streak.count} lists since ${streak.since}: ${reason}`,
            first ? listings : [],
          );
        }
        stream.quarantine = streak;
        this.event(
          "list_quarantined",
          obs.date,
          { agencyId: null },
          { reason, list: obs.label, rows: obs.rows.length },
        );
        // Its rows are listed once, as quarantined; if the same file is applied later, those
        // listings are replaced by resolved ones.
        const fresh = !this.listed.has(obs.snapshotId) && !this.quarantineListed.has(obs.snapshotId);
        this.quarantineListed.add(obs.snapshotId);
        const listings = fresh ? obs.rows.map((r) => this.listing(r.row, null, null, null, "quarantined", reason)) : [];
        return outcome("quarantined", reason, listings);
      }
      stream.quarantine = null;
      this.updateHolds(obs, last);
    }

    // A repeat observation of the list already applied changes nothing but the dates and the
    // removal debounce; resolving its rows again would give the same answers.
    if (stream.snapshotId === obs.snapshotId) {
      if (obs.kind === "participating") this.touchParticipating(stream.present);
      else this.touchPending(stream.present);
      return outcome("applied", null);
    }

    const listings = obs.kind === "participating" ? this.applyParticipating(obs) : this.applyPending(obs);
    const first = !this.listed.has(obs.snapshotId);
    this.listed.add(obs.snapshotId);
    return outcome("applied", null, first ? listings : []);
  }

  // ---------------------------------------------------------------- state holds

  /**
   * Starts, continues, releases or accepts the hold on each state that vanished from the list.
   * Accepting it lets the debounce confirm the removals, dated from the first list without them.
   */
  private updateHolds(obs: ListObservation, last: LastApplied | null): void {
    const stream = this.streams.participating;
    const holds = stream.holds ?? [];
    const now = new Map<string, number>();
    for (const r of obs.rows) if (r.state && r.problems.length === 0) now.set(r.state, (now.get(r.state) ?? 0) + 1);
    const kept: StateHold[] = [];
    for (const h of holds) {
      const n = now.get(h.state) ?? 0;
      if (n > Math.floor(h.before * this.config.stateKeepShare)) {
        this.event(
          "state_released",
          obs.date,
          { agencyId: null },
          { state: h.state, since: h.since, before: h.before, now: n },
        );
        continue;
      }
      h.count++;
      if (h.count >= this.config.acceptAfterLists && daysBetween(h.since, obs.date) >= this.config.acceptAfterDays) {
        this.event(
          "state_accepted",
          obs.date,
          { agencyId: null },
          {
            state: h.state,
            since: h.since,
            lists: h.count,
            before: h.before,
            now: n,
            // Beside the exit, the state's law as the policy layer records it (never as its cause).
            state_policies: statePolicies()
              .filter((p) => p.state === h.state)
              .map((p) => ({
                kind: p.kind,
                proposed: p.proposed,
                in_effect_from: p.in_effect_from,
                citation: p.citation,
              })),
          },
        );
        continue;
      }
      kept.push(h);
    }
    for (const v of vanishedStates(obs.rows, last, this.config)) {
      if (kept.some((h) => h.state === v.state)) continue;
      kept.push({ state: v.state, since: obs.date, before: v.before, count: 1 });
      this.event(
        "state_held",
        obs.date,
        { agencyId: null },
        {
          state: v.state,
          reason: `${describeVanished([v])}: its missing agreements are held as unconfirmed; the rest of the list applies`,
          before: v.before,
          now: v.now,
          list: obs.label,
        },
      );
    }
    stream.holds = kept.sort((a, b) => cmp(a.state, b.state));
  }

  private isHeld(a: Agreement): boolean {
    const holds = this.streams.participating.holds;
    if (!holds?.length) return false;
    const st = this.agencies.get(a.agencyId)?.state;
    return holds.some((h) => h.state === st);
  }

  // ---------------------------------------------------------------- participating

  private applyParticipating(
    obs: ListObservation,
    missingFrom?: { date: string; lists: number; unless: (a: Agreement) => boolean },
  ): Listing[] {
    const rows = obs.rows;
    const listings: (Listing | null)[] = rows.map(() => null);
    const usable: number[] = [];
    rows.forEach((r, i) => {
      if (r.problems.length) {
        listings[i] = this.listing(r.row, null, null, null, "unresolved", r.problems.join("; "));
        this.review(r.row, "unresolved_row", { problems: r.problems, agency: r.agency, state: r.state });
      } else usable.push(i);
    });

    const agencyOf = this.resolveAgencies(rows, usable, "participating");

    // Agreements: exact (agency, model, signed date) matches first, so that a row with a new date
    // cannot take the agreement another row of the same list still carries.
    const matched = new Map<string, number>();
    const rowAgreement = new Map<number, string>();
    /** Row `i` repeats agreement `id`, which another row of this list carries: listed once, logged. */
    const repeat = (i: number, id: string) => {
      const r = rows[i] as NormalizedRow;
      rowAgreement.set(i, id);
      const partner = rows[matched.get(id) as number]?.row;
      listings[i] = this.listing(
        r.row,
        id,
        null,
        agencyOf.get(i)?.agencyId ?? null,
        "duplicate",
        `same as row ${partner}`,
      );
    };
    for (const i of usable) {
      const r = rows[i] as NormalizedRow;
      const ag = agencyOf.get(i) as Resolution;
      if (ag.tier === "duplicate") continue; // after the row it repeats
      const ids = this.agreementsByAM.get(`${ag.agencyId}|${r.model}`) ?? [];
      const hit = ids.find((id) => {
        const a = this.agreements.get(id) as Agreement;
        return OPEN.has(a.status) && a.signedOn === r.signedOn && !matched.has(id);
      });
      if (hit) {
        matched.set(hit, i);
        rowAgreement.set(i, hit);
      } else {
        // A second row with the same agency, model and date is an exact duplicate (2025-08 lists).
        const dup = ids.find((id) => matched.has(id) && this.agreements.get(id)?.signedOn === r.signedOn);
        if (dup) repeat(i, dup);
      }
    }
    // The rows left (a few per list) in row order, rows that repeat another row last.
    const left = usable.filter((i) => !rowAgreement.has(i));
    const isDup = (i: number) => (agencyOf.get(i)?.tier === "duplicate" ? 1 : 0);
    for (const i of left.sort((a, b) => isDup(a) - isDup(b) || a - b)) {
      if (rowAgreement.has(i)) continue;
      const r = rows[i] as NormalizedRow;
      const ag = agencyOf.get(i) as Resolution;
      // A row repeating an agreement that an earlier row of this list started or resolved.
      const twin = r.signedOn
        ? (this.agreementsByAM.get(`${ag.agencyId}|${r.model}`) ?? []).find(
            (id) => matched.has(id) && this.agreements.get(id)?.signedOn === r.signedOn,
          )
        : undefined;
      if (twin ?? (r.signedOn && !this.hasOpen(ag.agencyId, r.model as Model))) {
        // An agency the row resolved to on its own (often one known from the pending list) that
        // repeats another agency's row of this list: the same MOA file, or the same kind of body
        // with the same place words (`Arkansas State Police` beside `Arkansas State Police
        // Department`, 2025-08-08, one MOA file).
        const other = twin ?? this.repeatedAgreement(i, rows, usable, rowAgreement);
        if (other) {
          repeat(i, other);
          continue;
        }
      }
      const id = this.resolveAgreement(r, ag.agencyId, matched, rows, usable, agencyOf);
      matched.set(id, i);
      rowAgreement.set(i, id);
    }

    // Update every matched agreement and agency from its row.
    const byState = new Map<string, number>();
    for (const i of usable) {
      const r = rows[i] as NormalizedRow;
      const ag = agencyOf.get(i) as Resolution;
      const id = rowAgreement.get(i) as string;
      byState.set(r.state as string, (byState.get(r.state as string) ?? 0) + 1);
      const moved = this.holderRows.get(r.row);
      if (!listings[i])
        listings[i] = moved
          ? this.listing(r.row, id, null, ag.agencyId, "holder_change", moved)
          : this.listing(r.row, id, null, ag.agencyId, ag.tier, ag.note);
      if (matched.get(id) !== i) continue; // duplicate row
      this.seeAgreement(this.agreements.get(id) as Agreement, r);
    }
    const duplicates = new Set(usable.filter((i) => listings[i]?.tier === "duplicate"));
    this.updateAgencies(rows, usable, agencyOf, "participating", duplicates);

    // Open agreements that this list does not carry start (or continue) their removal debounce.
    for (const a of this.agreements.values()) {
      if (OPEN.has(a.status) && !matched.has(a.agreementId)) {
        this.miss(a, missingFrom && !missingFrom.unless(a) ? missingFrom : undefined);
      }
    }

    const stream = this.streams.participating;
    stream.snapshotId = obs.snapshotId;
    stream.rowCount = usable.length;
    stream.byState = [...byState].sort(([a], [b]) => cmp(a, b));
    stream.present = [...matched.keys()].sort();
    return listings as Listing[];
  }

  private touchParticipating(present: string[]): void {
    const obs = this.obs as ListObservation;
    const here = new Set(present);
    for (const id of present) {
      const a = this.agreements.get(id);
      if (a && OPEN.has(a.status)) {
        a.lastListed = obs.date;
        const ag = this.agencies.get(a.agencyId);
        if (ag) ag.lastSeen = obs.date;
      }
    }
    for (const a of this.agreements.values()) if (OPEN.has(a.status) && !here.has(a.agreementId)) this.miss(a);
  }

  /** Decides which agreement a row belongs to, once its agency is known and no exact match exists. */
  private resolveAgreement(
    r: NormalizedRow,
    agencyId: string,
    matched: Map<string, number>,
    rows: NormalizedRow[],
    usable: number[],
    agencyOf: Map<number, Resolution>,
  ): string {
    const obs = this.obs as ListObservation;
    const model = r.model as Model;
    const ids = this.agreementsByAM.get(`${agencyId}|${model}`) ?? [];
    const open = ids
      .map((id) => this.agreements.get(id) as Agreement)
      .filter((a) => OPEN.has(a.status) && !matched.has(a.agreementId))
      .sort((a, b) => cmp(b.signedOn ?? "", a.signedOn ?? ""));
    const prev = open[0];
    if (prev) {
      if (r.signedOn === null) return prev.agreementId; // blank SIGNED: keep the date we know
      // Rule 5: a later date counts as a re-signing only if it falls after the old term was
      // first listed (ICE cannot list a term before it is signed) and the MOA link changed.
      // Otherwise it is ICE correcting the date (Etowah County, AL: 2016-06-08 → 2020-06-09).
      const resigned =
        prev.signedOn !== null &&
        r.signedOn > prev.signedOn &&
        r.signedOn > prev.firstListed &&
        // A first posting of the MOA is not a new MOA (Northwest Florida State College, 2025-06-27).
        prev.moaUrl !== null &&
        (r.moaUrl ?? null) !== prev.moaUrl;
      if (!resigned) {
        this.redate(prev, r.signedOn, r);
        return prev.agreementId;
      }
      const next = this.newAgreement(agencyId, model, r, { predecessor: prev });
      this.end(prev, "superseded", obs.date, { successor: next.agreementId, row: r.row });
      return next.agreementId;
    }
    // A closed agreement with the same date is coming back.
    const closed = ids
      .map((id) => this.agreements.get(id) as Agreement)
      .find((a) => !OPEN.has(a.status) && a.signedOn === r.signedOn && !matched.has(a.agreementId));
    if (closed) {
      this.reopen(closed, r);
      return closed.agreementId;
    }
    // Model relabel: the agency's open agreement with the same date under another model vanished,
    // and no row of this list carries that model for the agency.
    if (r.signedOn) {
      const otherModels = new Set(
        usable.filter((j) => agencyOf.get(j)?.agencyId === agencyId).map((j) => rows[j]?.model),
      );
      for (const m of ["JEM", "TFM", "WSO"] as Model[]) {
        if (m === model || otherModels.has(m)) continue;
        const cand = (this.agreementsByAM.get(`${agencyId}|${m}`) ?? [])
          .map((id) => this.agreements.get(id) as Agreement)
          .find((a) => OPEN.has(a.status) && !matched.has(a.agreementId) && a.signedOn === r.signedOn);
        if (cand) {
          this.changeModel(cand, model, r);
          return cand.agreementId;
        }
      }
    }
    const carriers = this.once(
      "carriers",
      () => new Set(usable.map((j) => `${agencyOf.get(j)?.agencyId}|${rows[j]?.model}`)),
    );
    const moved = this.holderChange(r, agencyId, matched, carriers);
    if (moved) return moved.agreementId;
    // A later agreement of the same agency and model that is still listed is its predecessor.
    const older = ids
      .map((id) => this.agreements.get(id) as Agreement)
      .filter((a) => OPEN.has(a.status) && (a.signedOn ?? "") < (r.signedOn ?? ""))
      .sort((a, b) => cmp(b.signedOn ?? "", a.signedOn ?? ""))[0];
    return this.newAgreement(agencyId, model, r, { predecessor: older }).agreementId;
  }

  /**
   * One agreement, a new holder. ICE relists an agreement from one body of a county to another:
   * Franklin County Sheriff's Office → County of Franklin / Franklin County Jail (PA, WSO signed
   * 2025-03-07, the same MOA file, 2025-08-11); Gulf County BOCC → Gulf County Sheriff's Office
   * (FL, TFM signed 2025-02-26, 2025-03-06). Same state, model and signed date; the old holder's
   * agreement was on the last list and is not on this one; the same MOA file, or (where the files
   * do not disagree) two bodies of the same county. Only a single candidate is taken.
   */
  private holderChange(
    r: NormalizedRow,
    agencyId: string,
    matched: Map<string, number>,
    carriers: Set<string>,
  ): Agreement | null {
    if (!r.signedOn) return null;
    const obs = this.obs as ListObservation;
    const mine = moaFile(r.moaUrl);
    const found: { a: Agreement; why: string }[] = [];
    for (const a of this.activeWithTerms(r.state, r.model, r.signedOn)) {
      if (a.status !== "active" || matched.has(a.agreementId) || a.agencyId === agencyId) continue;
      if (a.model !== r.model || a.signedOn !== r.signedOn) continue;
      // The old holder must have let go: no row of this list gives it this model.
      if (carriers.has(`${a.agencyId}|${a.model}`)) continue;
      const holder = this.agencies.get(a.agencyId);
      if (!holder || holder.state !== r.state) continue;
      const county = holder.keys.map((k) => sameCounty(k, r.agencyKey)).find((c) => c !== null);
      if (!county) continue;
      const theirs = moaFile(a.moaUrl);
      if (mine && theirs === mine) found.push({ a, why: `same MOA file ${mine}, both bodies of ${county} county` });
      else if (!(mine && theirs))
        found.push({ a, why: `bodies of ${county} county with the same model and signed date` });
    }
    const only = found.length === 1 ? found[0] : undefined;
    if (!only) return null;
    const a = only.a;
    const from = this.agencies.get(a.agencyId) as Agency;
    this.event(
      "holder_changed",
      obs.date,
      { agencyId, agreementId: a.agreementId },
      { from: a.agencyId, from_name: from.name, to: agencyId, to_name: r.agency, evidence: only.why, row: r.row },
    );
    const oldKey = `${a.agencyId}|${a.model}`;
    this.agreementsByAM.set(
      oldKey,
      (this.agreementsByAM.get(oldKey) ?? []).filter((id) => id !== a.agreementId),
    );
    a.agencyId = agencyId;
    addTo(this.agreementsByAM, `${agencyId}|${a.model}`, a.agreementId);
    this.holderRows.set(r.row, `${only.why}; held by ${from.agencyId} until ${a.lastListed}`);
    return a;
  }

  // ---------------------------------------------------------------- pending

  private applyPending(obs: ListObservation): Listing[] {
    const rows = obs.rows;
    const listings: (Listing | null)[] = rows.map(() => null);
    const usable: number[] = [];
    rows.forEach((r, i) => {
      if (r.problems.length) listings[i] = this.listing(r.row, null, null, null, "unresolved", r.problems.join("; "));
      else usable.push(i);
    });
    const agencyOf = this.resolveAgencies(rows, usable, "pending");
    const matched = new Set<string>();
    for (const i of usable) {
      const r = rows[i] as NormalizedRow;
      const ag = agencyOf.get(i) as Resolution;
      const key = `${ag.agencyId}|${r.model}`;
      const ids = this.applicationsByAM.get(key) ?? [];
      let app = ids
        .map((id) => this.applications.get(id) as Application)
        .find((a) => (a.status === "pending" || a.status === "pending_removal") && !matched.has(a.applicationId));
      if (!app) {
        const dup = ids.find((id) => matched.has(id));
        if (dup) {
          listings[i] = this.listing(r.row, null, dup, ag.agencyId, "duplicate", null);
          continue;
        }
        // ICE often leaves an agency on the pending list for a while after it signs: that is the
        // signed application still listed, not a new one.
        const signed = ids
          .map((id) => this.applications.get(id) as Application)
          .find((a) => a.status === "signed" && !matched.has(a.applicationId) && this.isOpen(a.agreementId));
        if (signed) {
          matched.add(signed.applicationId);
          listings[i] = this.listing(
            r.row,
            null,
            signed.applicationId,
            ag.agencyId,
            ag.tier,
            "signed, still on the pending list",
          );
          continue;
        }
        app = this.newApplication(ag.agencyId, r.model as Model, r);
      } else if (app.status === "pending_removal") {
        app.status = "pending";
        app.missingSince = null;
        app.missingLists = 0;
      }
      app.lastListed = obs.date;
      matched.add(app.applicationId);
      listings[i] = this.listing(r.row, null, app.applicationId, ag.agencyId, ag.tier, ag.note);
    }
    this.updateAgencies(rows, usable, agencyOf, "pending");
    for (const a of this.applications.values()) {
      if ((a.status === "pending" || a.status === "pending_removal") && !matched.has(a.applicationId)) this.missApp(a);
    }
    const stream = this.streams.pending;
    stream.snapshotId = obs.snapshotId;
    stream.rowCount = usable.length;
    stream.byState = [];
    stream.present = [...matched].sort();
    return listings as Listing[];
  }

  private touchPending(present: string[]): void {
    const obs = this.obs as ListObservation;
    const here = new Set(present);
    for (const id of present) {
      const a = this.applications.get(id);
      if (a && (a.status === "pending" || a.status === "pending_removal")) a.lastListed = obs.date;
    }
    for (const a of this.applications.values()) {
      if ((a.status === "pending" || a.status === "pending_removal") && !here.has(a.applicationId)) this.missApp(a);
    }
  }

  // ---------------------------------------------------------------- agencies

  /** Runs the identity tiers over a list's usable rows; returns each row's agency. */
  private resolveAgencies(rows: NormalizedRow[], usable: number[], kind: ListKind): Map<number, Resolution> {
    const out = new Map<number, Resolution>();
    const groups = new Map<string, RowGroup>();
    const seenAgencies = new Set<string>();
    for (const i of usable) {
      const r = rows[i] as NormalizedRow;
      const k = `${r.state}|${r.agencyKey}`;
      const id = this.agencyByKey.get(k);
      if (id && kind === "participating" && !this.withAgreements().has(id)) {
        // Known only from the pending list: another agency's agreement with the same terms that
        // vanished from this list may be this row under its signed name (`Arkansas State Police`
        // for `Arkansas State Police Department`, 2025-08-08). Failing that, the pending agency.
        const g = groups.get(k) ?? { state: r.state as string, key: r.agencyKey, rows: [], fallback: id };
        g.rows.push(i);
        groups.set(k, g);
        continue;
      }
      if (id) {
        const alias = r.corrections.some((c) => c.rule === "agency_alias");
        out.set(i, { agencyId: id, tier: alias ? "alias" : "exact", note: null });
        seenAgencies.add(id);
        continue;
      }
      // One body under another spelling (`City of …`, `… Borough …`, `Sheriff's Department`):
      // the same agency, whatever else the list carries.
      const loose = this.agencyByLoose.get(`${r.state}|${looseKey(r.agencyKey)}`);
      if (loose) {
        this.addKey(loose, r.agencyKey);
        out.set(i, {
          agencyId: loose,
          tier: "relabel",
          note: "name variant (City of / Town of / Borough / Sheriff's Department)",
        });
        seenAgencies.add(loose);
        continue;
      }
      const g = groups.get(k) ?? { state: r.state as string, key: r.agencyKey, rows: [] };
      g.rows.push(i);
      groups.set(k, g);
    }
    if (groups.size === 0) return out;

    // Agencies with an open agreement (or application) that no row of this list resolved to.
    const vanished: VanishedAgency[] = [];
    const byAgency = new Map<string, VanishedAgency>();
    const addTerm = (agencyId: string, model: string, signedOn: string | null) => {
      if (seenAgencies.has(agencyId)) return;
      const ag = this.agencies.get(agencyId) as Agency;
      let v = byAgency.get(agencyId);
      if (!v) {
        v = { agencyId, state: ag.state, keys: ag.keys, terms: new Set(), models: new Set() };
        byAgency.set(agencyId, v);
        vanished.push(v);
      }
      v.models.add(model);
      if (signedOn) v.terms.add(`${model}|${signedOn}`);
    };
    const open = (a: Application) => a.status === "pending" || a.status === "pending_removal";
    if (kind === "participating") {
      for (const a of this.agreements.values()) if (OPEN.has(a.status)) addTerm(a.agencyId, a.model, a.signedOn);
      // An agency known only from the pending list is a candidate too: ICE spells it one way there
      // and fixes it when it signs ("New Port Richey Polce Department" → "…Police Department").
      for (const a of this.applications.values()) {
        if (open(a) && !this.hasAgreements(a.agencyId)) addTerm(a.agencyId, a.model, null);
      }
    } else {
      for (const a of this.applications.values()) if (open(a)) addTerm(a.agencyId, a.model, null);
    }
    vanished.sort((a, b) => cmp(a.agencyId, b.agencyId));
    // Dormant agencies (nothing open) are typo candidates too: `Alachua Police Departent`
    // (2025-07-03) is the `Alachua Police Department` of an earlier, dropped pending entry.
    const dormantIn = (state: string, keyLength: number): VanishedAgency[] =>
      this.once(`dormant|${state}|${keyLength}`, () => {
        const found: VanishedAgency[] = [];
        for (const ag of this.agenciesIn(state)) {
          if (byAgency.has(ag.agencyId) || seenAgencies.has(ag.agencyId)) continue;
          // Only a one-letter slip reaches a dormant agency, so its key is within one letter's length.
          if (!ag.keys.some((k) => Math.abs(k.length - keyLength) <= 1)) continue;
          const models = new Set<string>();
          for (const m of ["JEM", "TFM", "WSO"]) {
            const k = `${ag.agencyId}|${m}`;
            if (this.agreementsByAM.get(k)?.length || this.applicationsByAM.get(k)?.length) models.add(m);
          }
          if (models.size)
            found.push({ agencyId: ag.agencyId, state: ag.state, keys: ag.keys, terms: new Set(), models });
        }
        return found.sort((a, b) => cmp(a.agencyId, b.agencyId));
      });

    const rest: RowGroup[] = [];
    const claimed = new Set<string>();
    // Near misses are recorded only for groups that no later rule resolves.
    const pendingMisses: NearMiss[] = [];
    // A dormant agency can be long gone, so only a one-letter slip reaches it.
    const strict = { ...this.config, typoMaxDistance: 1 };
    for (const g of groups.values()) {
      if (g.fallback) {
        rest.push(g);
        continue;
      }
      const models = new Set(g.rows.map((i) => rows[i]?.model as string));
      const refuse = (v: VanishedAgency) => this.refuseTypo(g, rows, v);
      const free = vanished.filter((v) => !claimed.has(v.agencyId));
      let { match, nearMiss } = matchTypo(g, models, free, this.config, refuse);
      if (!match && !nearMiss) {
        const asleep = matchTypo(
          g,
          models,
          dormantIn(g.state, g.key.length).filter((v) => !claimed.has(v.agencyId)),
          strict,
          refuse,
        );
        match = asleep.match;
      }
      if (match) {
        claimed.add(match.agencyId);
        for (const i of g.rows) out.set(i, match);
        this.addKey(match.agencyId, g.key);
        continue;
      }
      if (nearMiss) pendingMisses.push(nearMiss);
      rest.push(g);
    }

    if (kind === "participating" && rest.length) {
      const free = vanished.filter((v) => !claimed.has(v.agencyId) && !rest.some((g) => g.fallback === v.agencyId));
      const { matches, ambiguous } = matchRelabels(rest, rows, free);
      pendingMisses.push(...ambiguous);
      for (const g of rest) {
        const m = matches.get(g);
        if (m) {
          for (const i of g.rows) out.set(i, m);
          this.addKey(m.agencyId, g.key);
        }
      }
    }

    for (const g of rest) {
      if (out.has(g.rows[0] as number)) continue;
      const first = rows[g.rows[0] as number] as NormalizedRow;
      const same =
        kind === "participating"
          ? (this.duplicateOf(g, rows, usable, out) ?? this.renamedAgreement(g, rows, out))
          : null;
      if (same) {
        for (const i of g.rows) out.set(i, same);
        if (same.tier !== "duplicate") this.addKey(same.agencyId, g.key);
        continue;
      }
      if (g.fallback) {
        const alias = first.corrections.some((c) => c.rule === "agency_alias");
        for (const i of g.rows) out.set(i, { agencyId: g.fallback, tier: alias ? "alias" : "exact", note: null });
        continue;
      }
      const agency = this.newAgency(first);
      for (const i of g.rows) out.set(i, { agencyId: agency.agencyId, tier: "new", note: null });
    }
    for (const m of pendingMisses) {
      const res = out.get(m.group.rows[0] as number);
      if (
        !res ||
        res.tier === "new" ||
        (m.reason === "ambiguous_relabel" && !m.group.fallback && res.tier !== "relabel") ||
        m.reason === "refused_typo"
      )
        this.nearMiss(m, rows);
    }
    return out;
  }

  /**
   * A row group that repeats, under another spelling, an agreement another row of the same list
   * carries: same model and signed date, and the same MOA file, or the same kind of body with the
   * same place words (`Hopewell Sheriff's Office` beside `Hopewell County Sheriff's Office`,
   * 2025-09-02; `Wyoming Highway State Patrol` beside `Wyoming State Highway Patrol`).
   */
  private duplicateOf(
    g: RowGroup,
    rows: NormalizedRow[],
    usable: number[],
    out: Map<number, Resolution>,
  ): Resolution | null {
    let found: { agencyId: string; row: number } | null = null;
    for (const i of g.rows) {
      const r = rows[i] as NormalizedRow;
      if (!r.signedOn) return null;
      const mine = moaFile(r.moaUrl);
      const type = classifyAgency(r.agency, r.jurisdiction, r.state as string);
      const place = distinctive(r.agencyKey);
      const partner = (this.rowsByTerms(rows, usable).get(`${r.state}|${r.model}|${r.signedOn}`) ?? []).find((j) => {
        const o = rows[j] as NormalizedRow;
        const res = out.get(j);
        if (!res || res.tier === "duplicate" || g.rows.includes(j)) return false;
        if (o.state !== r.state || o.model !== r.model || o.signedOn !== r.signedOn) return false;
        if (mine && moaFile(o.moaUrl) === mine) return true;
        return (
          place !== "" &&
          distinctive(o.agencyKey) === place &&
          classifyAgency(o.agency, o.jurisdiction, o.state as string) === type
        );
      });
      if (partner === undefined) return null;
      const agencyId = (out.get(partner) as Resolution).agencyId;
      if (found && found.agencyId !== agencyId) return null;
      found = { agencyId, row: (rows[partner] as NormalizedRow).row };
    }
    return found ? { agencyId: found.agencyId, tier: "duplicate", note: `same agreement as row ${found.row}` } : null;
  }

  private once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** Active agreements of a state with this model and signed date. */
  private activeWithTerms(state: string | null, model: string | null, signedOn: string | null): Agreement[] {
    if (!signedOn) return [];
    return (this.agreementsBySigned.get(signedOn) ?? []).filter(
      (a) => a.status === "active" && a.model === model && this.agencies.get(a.agencyId)?.state === state,
    );
  }

  /** Agencies that hold any agreement, as they stood when first asked on this list. */
  private withAgreements(): Set<string> {
    return this.once("withAgreements", () => {
      const s = new Set<string>();
      for (const a of this.agreements.values()) s.add(a.agencyId);
      return s;
    });
  }

  /** This list's usable rows by `state|model|signed date`, grouped once per list. */
  private rowsByTerms(rows: NormalizedRow[], usable: number[]): Map<string, number[]> {
    return this.once("rowsByTerms", () => {
      const m = new Map<string, number[]>();
      for (const j of usable) {
        const o = rows[j] as NormalizedRow;
        if (o.signedOn) addTo(m, `${o.state}|${o.model}|${o.signedOn}`, j);
      }
      return m;
    });
  }

  /** The agencies of a state, grouped once per list. */
  private agenciesIn(state: string): Agency[] {
    return (
      this.once("agenciesByState", () => {
        const m = new Map<string, Agency[]>();
        for (const ag of this.agencies.values()) addTo(m, ag.state, ag);
        return m;
      }).get(state) ?? []
    );
  }

  private hasOpen(agencyId: string, model: Model): boolean {
    return (this.agreementsByAM.get(`${agencyId}|${model}`) ?? []).some((id) => this.isOpen(id));
  }

  /** The agreement of another row of this list that row `i` repeats (see `duplicateOf`). */
  private repeatedAgreement(
    i: number,
    rows: NormalizedRow[],
    usable: number[],
    rowAgreement: Map<number, string>,
  ): string | null {
    const r = rows[i] as NormalizedRow;
    const mine = moaFile(r.moaUrl);
    const type = classifyAgency(r.agency, r.jurisdiction, r.state as string);
    const place = distinctive(r.agencyKey);
    for (const j of this.rowsByTerms(rows, usable).get(`${r.state}|${r.model}|${r.signedOn}`) ?? []) {
      const id = rowAgreement.get(j);
      const o = rows[j] as NormalizedRow;
      if (!id || j === i || o.state !== r.state || o.model !== r.model || o.signedOn !== r.signedOn) continue;
      if (mine && moaFile(o.moaUrl) === mine) return id;
      if (
        place &&
        distinctive(o.agencyKey) === place &&
        classifyAgency(o.agency, o.jurisdiction, o.state as string) === type
      )
        return id;
    }
    return null;
  }

  /**
   * Same-agreement evidence for an agency that did not vanish: one of its agreements is missing
   * from this list while a row with another spelling carries the same state, model and signed
   * date (`Hopewell Sheriff's Office` for `Hopewell County Sheriff's Office`, JEM signed
   * 2025-07-02, 2025-09-02, while its WSO and TFM rows kept the old name). The names must agree:
   * the same loose key, a typo, or the same place words for the same kind of body.
   */
  private renamedAgreement(g: RowGroup, rows: NormalizedRow[], out: Map<number, Resolution>): Resolution | null {
    const carried = this.once("carried", () => {
      const c = new Set<string>();
      for (const [i, res] of out) {
        const r = rows[i] as NormalizedRow;
        c.add(`${res.agencyId}|${r.model}|${r.signedOn}`);
      }
      return c;
    });
    const first = rows[g.rows[0] as number] as NormalizedRow;
    const type = classifyAgency(first.agency, first.jurisdiction, g.state);
    const limit = typoLimit(g.key.length, this.config);
    const agrees = (ag: Agency) =>
      ag.keys.some(
        (k) =>
          looseKey(k) === looseKey(g.key) ||
          (digitsOf(k) === digitsOf(g.key) && distance(k, g.key) <= limit) ||
          (distinctive(k) !== "" && distinctive(k) === distinctive(g.key) && ag.type === type),
      );
    let found: string | null = null;
    for (const i of g.rows) {
      const r = rows[i] as NormalizedRow;
      if (!r.signedOn || !r.model) return null;
      const cands = new Set<string>();
      for (const a of this.activeWithTerms(g.state, r.model, r.signedOn)) {
        if (a.status !== "active" || a.model !== r.model || a.signedOn !== r.signedOn) continue;
        if (carried.has(`${a.agencyId}|${a.model}|${a.signedOn}`)) continue;
        const ag = this.agencies.get(a.agencyId) as Agency;
        if (ag.state === g.state && agrees(ag)) cands.add(a.agencyId);
      }
      if (cands.size !== 1) return null;
      const [id] = cands as unknown as [string];
      if (found && found !== id) return null;
      found = id;
    }
    return found ? { agencyId: found, tier: "relabel", note: "same agreement under another spelling" } : null;
  }

  /**
   * The typo tier never merges two real places of one state (`Kane County Sheriff's Office` is
   * not a typo of `Cache County Sheriff's Office`, Utah, 2025-07-24), nor names whose signed dates
   * differ.
   */
  private refuseTypo(g: RowGroup, rows: NormalizedRow[], v: VanishedAgency): string | null {
    const first = rows[g.rows[0] as number] as NormalizedRow;
    const mine = realPlace(g.state, first.agency);
    if (mine) {
      const theirs = v.keys.map((k) => realPlace(v.state, k)).find((p) => p !== null);
      if (theirs && theirs !== mine) return `both are real places of ${g.state}: ${mine}, ${theirs}`;
    }
    const dated = g.rows.map((i) => rows[i] as NormalizedRow).filter((r) => r.signedOn && r.model);
    const theirDates = [...v.terms];
    if (dated.length && theirDates.length && !dated.some((r) => v.terms.has(`${r.model}|${r.signedOn}`))) {
      return "the signed dates differ";
    }
    return null;
  }

  private updateAgencies(
    rows: NormalizedRow[],
    usable: number[],
    agencyOf: Map<number, Resolution>,
    kind: ListKind,
    skip?: Set<number>,
  ): void {
    const obs = this.obs as ListObservation;
    const spellings = new Map<string, { names: Set<string>; rows: NormalizedRow[]; tier: Tier }>();
    for (const i of usable) {
      const res = agencyOf.get(i) as Resolution;
      // A duplicate row's spelling names nothing: the row it repeats does.
      if (res.tier === "duplicate" || skip?.has(i)) continue;
      const r = rows[i] as NormalizedRow;
      const s = spellings.get(res.agencyId) ?? { names: new Set<string>(), rows: [], tier: res.tier };
      s.names.add(r.agency);
      s.rows.push(r);
      spellings.set(res.agencyId, s);
    }
    for (const [id, s] of spellings) {
      const ag = this.agencies.get(id) as Agency;
      // Rule 6: the display name is the most recent spelling; ties broken alphabetically. The
      // participating list names an agency once it has an agreement; the pending list's spelling
      // only names agencies that have none, so the two lists cannot rename it back and forth.
      const authoritative = kind === "participating" || !this.hasAgreements(id);
      // Spellings on the authoritative list are current (lastSeen null: "as of the agency's
      // lastSeen"), so a repeat of the same list changes no variant; a spelling that stops
      // appearing is closed at the last date it was seen.
      for (const v of ag.names) {
        if (authoritative && v.lastSeen === null && !s.names.has(v.name)) v.lastSeen = ag.lastSeen;
      }
      for (const name of s.names) {
        const v = ag.names.find((n) => n.name === name);
        if (!v) ag.names.push({ name, firstSeen: obs.date, lastSeen: authoritative ? null : obs.date });
        else if (authoritative) v.lastSeen = null;
        else if (v.lastSeen !== null) v.lastSeen = obs.date;
      }
      ag.lastSeen = obs.date;
      const display = [...s.names].sort()[0] as string;
      const first = s.rows[0] as NormalizedRow;
      if (authoritative && display !== ag.name) {
        this.event("renamed", obs.date, { agencyId: id }, { from: ag.name, to: display, tier: s.tier, row: first.row });
        ag.name = display;
      }
      if (authoritative && first.state && first.state !== ag.state) {
        this.event("relisted_state", obs.date, { agencyId: id }, { from: ag.state, to: first.state, row: first.row });
        ag.state = first.state;
        ag.stateFips = first.stateFips as string;
      }
      const county = s.rows.find((r) => r.county)?.county;
      if (county) ag.county = county;
      const j = s.rows.find((r) => r.jurisdiction)?.jurisdiction;
      if (j) ag.jurisdiction = j;
      ag.type = classifyAgency(ag.name, ag.jurisdiction, ag.state);
    }
  }

  private isOpen(agreementId: string | null): boolean {
    const a = agreementId ? this.agreements.get(agreementId) : undefined;
    return !!a && OPEN.has(a.status);
  }

  /** Whether any row key in `seen` (`state|agency key|model`) is this agreement's. */
  private carriedBy(a: Agreement, seen: Set<string>): boolean {
    const ag = this.agencies.get(a.agencyId);
    return !!ag && ag.keys.some((k) => seen.has(`${ag.state}|${k}|${a.model}`));
  }

  private hasAgreements(agencyId: string): boolean {
    for (const m of MODELS) if (this.agreementsByAM.get(`${agencyId}|${m}`)?.length) return true;
    return false;
  }

  private newAgency(r: NormalizedRow): Agency {
    const base = `${(r.state as string).toLowerCase()}-${slug(r.agencyKey)}`;
    let id = base;
    for (let n = 2; this.agencies.has(id); n++) id = `${base}-${n}`;
    const obs = this.obs as ListObservation;
    const ag: Agency = {
      agencyId: id,
      state: r.state as string,
      stateFips: r.stateFips as string,
      name: r.agency,
      names: [],
      keys: [],
      jurisdiction: r.jurisdiction,
      type: classifyAgency(r.agency, r.jurisdiction, r.state as string),
      county: r.county,
      firstSeen: obs.date,
      lastSeen: obs.date,
    };
    this.addAgency(ag);
    this.addKey(id, r.agencyKey);
    return ag;
  }

  private addAgency(a: Agency): void {
    this.agencies.set(a.agencyId, a);
    for (const k of a.keys) this.indexKey(a.state, k, a.agencyId);
  }

  private addKey(agencyId: string, key: string): void {
    const a = this.agencies.get(agencyId) as Agency;
    if (!a.keys.includes(key)) a.keys.push(key);
    this.indexKey(a.state, key, agencyId);
  }

  private indexKey(state: string, key: string, agencyId: string): void {
    this.agencyByKey.set(`${state}|${key}`, agencyId);
    // The first agency of a loose spelling keeps it: ids never move between agencies.
    const loose = `${state}|${looseKey(key)}`;
    if (!this.agencyByLoose.has(loose)) this.agencyByLoose.set(loose, agencyId);
  }

  // ---------------------------------------------------------------- agreements

  private addAgreement(a: Agreement): void {
    this.agreements.set(a.agreementId, a);
    const k = `${a.agencyId}|${a.model}`;
    addTo(this.agreementsByAM, k, a.agreementId);
    if (a.signedOn) addTo(this.agreementsBySigned, a.signedOn, a);
  }

  private newAgreement(agencyId: string, model: Model, r: NormalizedRow, link: { predecessor?: Agreement }): Agreement {
    const obs = this.obs as ListObservation;
    const base = `${agencyId}/${model.toLowerCase()}/${r.signedOn ?? "undated"}`;
    let id = base;
    for (let n = 2; this.agreements.has(id); n++) id = `${base}-${n}`;
    const a: Agreement = {
      agreementId: id,
      agencyId,
      model,
      signedOn: r.signedOn,
      signedHistory: [{ date: r.signedOn, seen: obs.date, obsId: obs.obsId }],
      firstListed: obs.date,
      lastListed: obs.date,
      status: "active",
      endedOn: null,
      moaUrl: r.moaUrl,
      addendumUrl: r.addendumUrl,
      predecessorId: link.predecessor?.agreementId ?? null,
      successorId: null,
      periods: [{ start: obs.date, end: null }],
      gaps: [],
      missingSince: null,
      missingLists: 0,
    };
    if (link.predecessor) link.predecessor.successorId = id;
    this.addAgreement(a);
    this.event(
      "appeared",
      obs.date,
      { agencyId, agreementId: id },
      {
        row: r.row,
        agency: r.agency,
        model,
        signed_on: r.signedOn,
        ...(link.predecessor ? { predecessor: link.predecessor.agreementId } : {}),
      },
    );
    this.linkApplication(a);
    return a;
  }

  /** Marks an agreement as seen on the current list, and records what changed on it. */
  private seeAgreement(a: Agreement, r: NormalizedRow): void {
    const obs = this.obs as ListObservation;
    a.lastListed = obs.date;
    if (a.status === "pending_removal") {
      a.gaps.push({ from: a.missingSince as string, to: obs.date, lists: a.missingLists });
      this.event(
        "gap",
        obs.date,
        { agencyId: a.agencyId, agreementId: a.agreementId },
        {
          missing_from: a.missingSince,
          lists_missed: a.missingLists,
          row: r.row,
        },
      );
      a.status = "active";
      a.missingSince = null;
      a.missingLists = 0;
      a.periods.push({ start: obs.date, end: null });
    }
    if (r.moaUrl && r.moaUrl !== a.moaUrl) {
      this.event(
        "moa_posted",
        obs.date,
        { agencyId: a.agencyId, agreementId: a.agreementId },
        {
          url: r.moaUrl,
          previous: a.moaUrl,
          row: r.row,
        },
      );
      a.moaUrl = r.moaUrl;
    }
    if (r.addendumUrl && r.addendumUrl !== a.addendumUrl) a.addendumUrl = r.addendumUrl;
  }

  private redate(a: Agreement, to: string, r: NormalizedRow): void {
    const obs = this.obs as ListObservation;
    this.event(
      "redated",
      obs.date,
      { agencyId: a.agencyId, agreementId: a.agreementId },
      {
        from: a.signedOn,
        to,
        row: r.row,
        moa_changed: (r.moaUrl ?? null) !== (a.moaUrl ?? null),
      },
    );
    const was = a.signedOn ? this.agreementsBySigned.get(a.signedOn) : undefined;
    if (was) was.splice(was.indexOf(a), 1);
    a.signedOn = to;
    addTo(this.agreementsBySigned, to, a);
    a.signedHistory.push({ date: to, seen: obs.date, obsId: obs.obsId });
  }

  private changeModel(a: Agreement, to: Model, r: NormalizedRow): void {
    const obs = this.obs as ListObservation;
    this.event(
      "model_changed",
      obs.date,
      { agencyId: a.agencyId, agreementId: a.agreementId },
      {
        from: a.model,
        to,
        row: r.row,
      },
    );
    const oldKey = `${a.agencyId}|${a.model}`;
    this.agreementsByAM.set(
      oldKey,
      (this.agreementsByAM.get(oldKey) ?? []).filter((id) => id !== a.agreementId),
    );
    a.model = to;
    const k = `${a.agencyId}|${to}`;
    addTo(this.agreementsByAM, k, a.agreementId);
  }

  private reopen(a: Agreement, r: NormalizedRow): void {
    const obs = this.obs as ListObservation;
    this.event(
      "reappeared",
      obs.date,
      { agencyId: a.agencyId, agreementId: a.agreementId },
      {
        ended_on: a.endedOn,
        previous_status: a.status,
        row: r.row,
      },
    );
    a.status = "active";
    a.endedOn = null;
    a.missingSince = null;
    a.missingLists = 0;
    a.periods.push({ start: obs.date, end: null });
  }

  private end(a: Agreement, status: "removed" | "superseded", on: string, detail: Record<string, unknown>): void {
    a.status = status;
    a.endedOn = on;
    const p = a.periods[a.periods.length - 1];
    if (p && p.end === null) p.end = on;
    a.missingSince = null;
    a.missingLists = 0;
    this.event(status, on, { agencyId: a.agencyId, agreementId: a.agreementId }, detail);
  }

  /** Rule 4: removal is confirmed after N consecutive applied lists spanning at least D days. */
  private miss(a: Agreement, from?: { date: string; lists: number }): void {
    const obs = this.obs as ListObservation;
    if (a.status === "active") {
      a.status = "pending_removal";
      a.missingSince = from?.date ?? obs.date;
      a.missingLists = from?.lists ?? 1;
      // "Listed on D" is exactly the list in force on D: the period ends with the first list
      // without the agreement, whether or not its removal is ever confirmed.
      const p = a.periods[a.periods.length - 1];
      if (p && p.end === null) p.end = a.missingSince;
    } else {
      a.missingLists++;
    }
    const since = a.missingSince as string;
    if (
      a.missingLists >= this.config.removalLists &&
      daysBetween(since, obs.date) >= this.config.removalDays &&
      !this.isHeld(a)
    ) {
      const succ = a.successorId ? this.agreements.get(a.successorId) : undefined;
      const detail = {
        confirmed_by: obs.obsId,
        confirmed_on: obs.date,
        lists_missed: a.missingLists,
        last_listed: a.lastListed,
      };
      if (succ && OPEN.has(succ.status)) this.end(a, "superseded", since, { ...detail, successor: succ.agreementId });
      else this.end(a, "removed", since, detail);
    }
  }

  // ---------------------------------------------------------------- applications

  private addApplication(a: Application): void {
    this.applications.set(a.applicationId, a);
    const k = `${a.agencyId}|${a.model}`;
    addTo(this.applicationsByAM, k, a.applicationId);
  }

  private newApplication(agencyId: string, model: Model, r: NormalizedRow): Application {
    const obs = this.obs as ListObservation;
    const base = `${agencyId}/${model.toLowerCase()}/pending-${obs.date}`;
    let id = base;
    for (let n = 2; this.applications.has(id); n++) id = `${base}-${n}`;
    const a: Application = {
      applicationId: id,
      agencyId,
      model,
      firstListed: obs.date,
      lastListed: obs.date,
      status: "pending",
      missingSince: null,
      missingLists: 0,
      agreementId: null,
      signedOn: null,
      endedOn: null,
    };
    this.addApplication(a);
    this.event("pending_added", obs.date, { agencyId, applicationId: id }, { row: r.row, agency: r.agency, model });
    return a;
  }

  /** When an agreement appears, an open application of the same agency and model has been signed. */
  private linkApplication(agr: Agreement): void {
    const ids = this.applicationsByAM.get(`${agr.agencyId}|${agr.model}`) ?? [];
    for (const id of ids) {
      const app = this.applications.get(id) as Application;
      if (app.status !== "pending" && app.status !== "pending_removal") continue;
      this.signApplication(app, agr);
    }
  }

  private signApplication(app: Application, agr: Agreement): void {
    const obs = this.obs as ListObservation;
    app.status = "signed";
    app.agreementId = agr.agreementId;
    app.signedOn = agr.signedOn;
    app.endedOn = agr.firstListed;
    app.missingSince = null;
    app.missingLists = 0;
    this.event(
      "pending_signed",
      agr.firstListed,
      { agencyId: app.agencyId, agreementId: agr.agreementId, applicationId: app.applicationId },
      {
        pending_since: app.firstListed,
        signed_on: agr.signedOn,
        days_pending: daysBetween(app.firstListed, agr.firstListed),
        observed_on: obs.date,
      },
    );
  }

  private missApp(app: Application): void {
    const obs = this.obs as ListObservation;
    // Signed already? An agreement of the same agency and model listed since the application was.
    const signed = (this.agreementsByAM.get(`${app.agencyId}|${app.model}`) ?? [])
      .map((id) => this.agreements.get(id) as Agreement)
      .filter((a) => OPEN.has(a.status) && a.firstListed >= app.firstListed)
      .sort((a, b) => cmp(a.firstListed, b.firstListed))[0];
    if (signed) {
      this.signApplication(app, signed);
      return;
    }
    if (app.status === "pending") {
      app.status = "pending_removal";
      app.missingSince = obs.date;
      app.missingLists = 1;
    } else app.missingLists++;
    const since = app.missingSince as string;
    if (app.missingLists >= this.config.removalLists && daysBetween(since, obs.date) >= this.config.removalDays) {
      app.status = "dropped";
      app.endedOn = since;
      app.missingSince = null;
      app.missingLists = 0;
      this.event(
        "pending_dropped",
        since,
        { agencyId: app.agencyId, applicationId: app.applicationId },
        {
          confirmed_by: obs.obsId,
          last_listed: app.lastListed,
        },
      );
    }
  }

  // ---------------------------------------------------------------- records

  private event(
    type: EventType,
    date: string,
    ids: { agencyId: string | null; agreementId?: string; applicationId?: string },
    detail: Record<string, unknown>,
  ): void {
    const obs = this.obs as ListObservation;
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

  private listing(
    row: number,
    agreementId: string | null,
    applicationId: string | null,
    agencyId: string | null,
    tier: Tier,
    note: string | null,
  ): Listing {
    const obs = this.obs as ListObservation;
    return { snapshotId: obs.snapshotId, obsId: obs.obsId, row, agreementId, applicationId, agencyId, tier, note };
  }

  private review(row: number | null, reason: ReviewItem["reason"], detail: Record<string, unknown>): void {
    const obs = this.obs as ListObservation;
    this.reviews.push({
      obsId: obs.obsId,
      snapshotId: obs.snapshotId,
      date: obs.date,
      row,
      reason,
      detail: { list: obs.label, ...detail },
    });
  }

  private nearMiss(m: NearMiss, rows: NormalizedRow[]): void {
    const first = rows[m.group.rows[0] as number];
    const cand = this.agencies.get(m.agencyId);
    this.review(first?.row ?? null, m.reason, {
      name: first?.agency,
      state: m.group.state,
      candidate: m.agencyId,
      candidate_name: cand?.name,
      ...(m.distance >= 0 ? { distance: m.distance } : {}),
      // A refusal is the rule's decision; any other near miss waits for a curated one (an alias in
      // data/corrections/agencies.csv, or a row in review-decisions.csv that keeps them apart).
      ...(m.reason === "refused_typo"
        ? { decision: `kept apart: ${m.why}`, decided_by: "rule:typo_guard" }
        : { decision: null }),
    });
  }
}
