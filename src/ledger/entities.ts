// The ledger's entities (agencies, agreements, applications) and the lookup indexes over them. The
// indexes are derived: they are rebuilt from the entities when a stored ledger is loaded.
import { MODELS, type Model } from "../domain/model.js";
import { addTo } from "../util/multimap.js";
import { looseKey } from "./identity.js";
import type { Agency, Agreement, Application } from "./types.js";

/** An agreement still on the roster: listed, or missing but not yet confirmed as removed. */
export function isOpenAgreement(a: Agreement): boolean {
  return a.status === "active" || a.status === "pending_removal";
}

/** An application still on the pending list, or missing from it but not yet dropped. */
export function isOpenApplication(a: Application): boolean {
  return a.status === "pending" || a.status === "pending_removal";
}

const amKey = (agencyId: string, model: string) => `${agencyId}|${model}`;

/** `base`, else `base-2`, `base-3`…: the first id not taken yet, so a second entity of one key keeps its own. */
export function freshId(base: string, taken: ReadonlyMap<string, unknown>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** An id the replay itself made: its absence is a bug in the ledger, not in the input. */
function known<T>(byId: ReadonlyMap<string, T>, id: string, what: string): T {
  const found = byId.get(id);
  if (!found) throw new Error(`ledger: no ${what} ${id}`);
  return found;
}

export class Entities {
  readonly agencies = new Map<string, Agency>();
  readonly agreements = new Map<string, Agreement>();
  readonly applications = new Map<string, Application>();

  private readonly byKey = new Map<string, string>();
  /** `state|looseKey` → agency: spellings of one body that the exact key keeps apart. */
  private readonly byLoose = new Map<string, string>();
  /** Agreements by `agency|model`; a list stays empty once its last agreement moves away. */
  private readonly agreementsByAM = new Map<string, Agreement[]>();
  /** Agreements by signed date: the same-agreement rules look for one state, model and date. */
  private readonly agreementsBySigned = new Map<string, Agreement[]>();
  private readonly applicationsByAM = new Map<string, Application[]>();

  // ---------------------------------------------------------------- agencies

  agency(id: string): Agency {
    return known(this.agencies, id, "agency");
  }

  addAgency(a: Agency): void {
    this.agencies.set(a.agencyId, a);
    for (const k of a.keys) this.indexKey(a.state, k, a.agencyId);
  }

  addKey(agencyId: string, key: string): void {
    const a = this.agency(agencyId);
    if (!a.keys.includes(key)) a.keys.push(key);
    this.indexKey(a.state, key, agencyId);
  }

  private indexKey(state: string, key: string, agencyId: string): void {
    this.byKey.set(`${state}|${key}`, agencyId);
    // The first agency of a loose spelling keeps it: ids never move between agencies.
    const loose = `${state}|${looseKey(key)}`;
    if (!this.byLoose.has(loose)) this.byLoose.set(loose, agencyId);
  }

  agencyByKey(state: string | null, key: string): string | undefined {
    return this.byKey.get(`${state}|${key}`);
  }

  agencyByLooseKey(state: string | null, key: string): string | undefined {
    return this.byLoose.get(`${state}|${looseKey(key)}`);
  }

  /** Whether the agency has ever held an agreement of any model (it may have moved away since). */
  hasAgreements(agencyId: string): boolean {
    for (const m of MODELS) if (this.agreementsByAM.get(amKey(agencyId, m))?.length) return true;
    return false;
  }

  /** Whether the agency has an agreement or an application of this model. */
  knowsModel(agencyId: string, model: string): boolean {
    const k = amKey(agencyId, model);
    return !!(this.agreementsByAM.get(k)?.length || this.applicationsByAM.get(k)?.length);
  }

  // ---------------------------------------------------------------- agreements

  agreement(id: string): Agreement {
    return known(this.agreements, id, "agreement");
  }

  addAgreement(a: Agreement): void {
    this.agreements.set(a.agreementId, a);
    addTo(this.agreementsByAM, amKey(a.agencyId, a.model), a);
    if (a.signedOn) addTo(this.agreementsBySigned, a.signedOn, a);
  }

  /** The agency's agreements of a model, oldest first (the live list: it grows as agreements are added). */
  agreementsOf(agencyId: string, model: string | null): Agreement[] {
    return this.agreementsByAM.get(amKey(agencyId, `${model}`)) ?? [];
  }

  /** Moves an agreement to another holder or model, keeping the indexes in step. */
  moveAgreement(a: Agreement, to: { agencyId: string; model: Model }): void {
    const old = amKey(a.agencyId, a.model);
    this.agreementsByAM.set(
      old,
      (this.agreementsByAM.get(old) ?? []).filter((x) => x !== a),
    );
    a.agencyId = to.agencyId;
    a.model = to.model;
    addTo(this.agreementsByAM, amKey(a.agencyId, a.model), a);
  }

  /** Gives an agreement another signed date, keeping the index by date in step. */
  setSigned(a: Agreement, to: string): void {
    const was = a.signedOn ? this.agreementsBySigned.get(a.signedOn) : undefined;
    if (was) was.splice(was.indexOf(a), 1);
    a.signedOn = to;
    addTo(this.agreementsBySigned, to, a);
  }

  isOpen(agreementId: string | null): boolean {
    const a = agreementId ? this.agreements.get(agreementId) : undefined;
    return !!a && isOpenAgreement(a);
  }

  hasOpen(agencyId: string, model: Model): boolean {
    return this.agreementsOf(agencyId, model).some(isOpenAgreement);
  }

  /** Active agreements of a state with this model and signed date. */
  activeWithTerms(state: string | null, model: string | null, signedOn: string | null): Agreement[] {
    if (!signedOn) return [];
    return (this.agreementsBySigned.get(signedOn) ?? []).filter(
      (a) => a.status === "active" && a.model === model && this.agencies.get(a.agencyId)?.state === state,
    );
  }

  // ---------------------------------------------------------------- applications

  addApplication(a: Application): void {
    this.applications.set(a.applicationId, a);
    addTo(this.applicationsByAM, amKey(a.agencyId, a.model), a);
  }

  applicationsOf(agencyId: string, model: string | null): Application[] {
    return this.applicationsByAM.get(amKey(agencyId, `${model}`)) ?? [];
  }
}
