// Writes what one replay produced: the new files, each snapshot's row and raw rows, the
// observations, listings, corrections, events and review items, the entities and the ledger
// state. Runs inside the ingest's transaction. A full replay rewrites the replay tables with
// their secondary indexes set aside, and writes each list's rows as it goes, freeing them after.
import type { LedgerState } from "../ledger/ledger.js";
import type { ObservationOutcome } from "../ledger/types.js";
import type { Corrections } from "../normalize/corrections.js";
import type { NormalizedRow } from "../normalize/row.js";
import type { Db } from "../store/db.js";
import type { Database } from "../store/schema.js";
import {
  correctionRows,
  ENTITY_TABLES,
  type EntityRows,
  eventRow,
  insertMany,
  listingRow,
  REPLAY_TABLES,
  refreshSnapshotStatus,
  reviewRows,
  setMeta,
  withBulkLoad,
  writeEntities,
  writeEntityChanges,
  writeLedgerState,
} from "../store/write.js";
import { addTo } from "../util/multimap.js";
import { type ObsEntry, PARSER_VERSION, type ParsedSnapshot } from "./parse.js";
import { decideReviews } from "./reviews.js";

export interface ReplayResult {
  full: boolean;
  replay: ObsEntry[];
  outcomes: ObservationOutcome[];
  /** Snapshots not yet in the store. */
  newSnaps: ParsedSnapshot[];
  knownSnaps: ReadonlySet<string>;
  /** Entity rows before the replay (incremental), or null when every entity is rewritten. */
  before: EntityRows | null;
  /** Taken once the rows are written and let go, so the two never sit in memory together. */
  after: () => EntityRows;
  state: () => LedgerState;
  fingerprint: string;
}

export const WRITE_STEPS = 6;

const NO_BYTES = new Uint8Array(0);

function snapshotRow(p: ParsedSnapshot): Database["snapshot"] {
  return {
    snapshot_id: p.file.sha256,
    kind: p.sheet.kind,
    file_name: p.file.fileName,
    original_filename: p.file.observations[0]?.originalFilename || p.file.fileName,
    location: p.file.location,
    bytes: p.size,
    row_count: p.rows.length,
    sheet_name: p.sheet.sheetName,
    header: JSON.stringify(
      p.sheet.columns.map((c) => ({ key: c.key, field: c.field, column: c.index, mapped_by: c.mappedBy ?? null })),
    ),
    sheet_names: JSON.stringify(p.sheet.sheetNames),
    reader_notes: JSON.stringify(p.sheet.notes),
    cells_sha256: p.cellsSha256,
    parser_version: PARSER_VERSION,
    published_at: "",
    published_basis: "",
    first_seen: "",
    last_seen: "",
    status: "not_applied",
    status_reason: null,
    kind_mismatch: p.file.observations.some((o) => o.filenameKind && o.filenameKind !== p.sheet.kind) ? 1 : 0,
  };
}

function observationRow(e: ObsEntry, out: ObservationOutcome): Database["observation"] {
  const { obs, source } = e;
  return {
    obs_id: obs.obsId,
    snapshot_id: obs.snapshotId,
    kind: obs.kind,
    date: obs.date,
    stated_date: source.statedDate ?? null,
    date_rule: source.dateRule ?? null,
    slot: source.slot,
    order_key: obs.order,
    basis: source.basis,
    basis_detail: source.basisDetail,
    original_filename: source.originalFilename,
    filename_kind: source.filenameKind,
    provenance: JSON.stringify(source.provenance),
    status: out.status,
    reason: out.reason,
  };
}

export async function writeReplay(
  trx: Db,
  r: ReplayResult,
  fixes: Corrections,
  wrote: (step: number) => void,
): Promise<number> {
  const write = async () => {
    const { full, replay, outcomes, newSnaps, knownSnaps } = r;
    if (full) for (const t of REPLAY_TABLES) await trx.deleteFrom(t).execute();
    const snapshots = new Map<string, ParsedSnapshot>();
    for (const e of replay) snapshots.set(e.parsed.file.sha256, e.parsed);
    for (const p of newSnaps) snapshots.set(p.file.sha256, p);
    for (const p of newSnaps) {
      await insertMany(trx, "blob", [{ sha256: p.file.sha256, bytes: p.file.bytes }]);
      p.file.bytes = NO_BYTES;
    }

    // Snapshots: provenance of the file; dates and status are derived from observations below.
    const written = [...snapshots.values()].filter((p) => full || !knownSnaps.has(p.file.sha256));
    await insertMany(trx, "snapshot", written.map(snapshotRow));
    for (const p of written) {
      const columns = JSON.stringify(p.sheet.columns.map((c) => c.key));
      await insertMany(trx, "snapshot_rows", [{ snapshot_id: p.file.sha256, columns, rows_gz: p.rawRowsGz }]);
      p.rawRowsGz = NO_BYTES;
    }

    const entryOf = new Map(replay.map((e) => [e.obs.obsId, e]));
    await insertMany(
      trx,
      "observation",
      outcomes.map((out) => observationRow(entryOf.get(out.obsId) as ObsEntry, out)),
    );
    await refreshSnapshotStatus(trx, [...new Set(outcomes.map((o) => o.snapshotId))]);
    wrote(1);

    // Listings and corrections, once per snapshot. A snapshot listed as quarantined and applied
    // later keeps only its resolved listings: the last outcome that lists it wins. Written list by
    // list in that order, so no table-sized array of rows is ever built.
    const latest = new Map<string, ObservationOutcome>();
    for (const out of outcomes) if (out.listings.length) latest.set(out.snapshotId, out);
    if (!full)
      for (const id of latest.keys()) {
        await trx.deleteFrom("listing").where("snapshot_id", "=", id).execute();
        await trx.deleteFrom("correction").where("snapshot_id", "=", id).execute();
      }
    // Each list's rows are let go once written: a full replay otherwise holds all of them to the end.
    const entriesOf = new Map<string, ObsEntry[]>();
    for (const e of replay) addTo(entriesOf, e.obs.snapshotId, e);
    const release = (id: string) => {
      for (const e of entriesOf.get(id) ?? []) {
        e.parsed.rows = [];
        e.obs.rows = [];
      }
    };
    for (const out of latest.values()) {
      const p = (entryOf.get(out.obsId) as ObsEntry).parsed;
      const byRow = new Map(p.rows.map((row) => [row.row, row]));
      await insertMany(
        trx,
        "listing",
        out.listings.map((l) => listingRow(byRow.get(l.row) as NormalizedRow, l)),
      );
      await insertMany(trx, "correction", correctionRows(out.snapshotId, p.rows));
      release(out.snapshotId);
    }
    for (const id of entriesOf.keys()) release(id);
    for (const out of outcomes) out.listings = [];
    wrote(2);
    wrote(3);
    let events = 0;
    for (const o of outcomes) {
      await insertMany(trx, "event", o.events.map(eventRow));
      events += o.events.length;
    }
    await insertMany(
      trx,
      "review",
      outcomes.flatMap((o) => reviewRows(decideReviews(o.reviews, fixes))),
    );
    wrote(4);
    const after = r.after();
    if (r.before) await writeEntityChanges(trx, r.before, after);
    else await writeEntities(trx, after);
    await writeLedgerState(trx, r.state());
    wrote(5);
    await setMeta(trx, { rules: r.fingerprint, schema: "1" });
    return events;
  };
  return r.full ? withBulkLoad(trx, [...REPLAY_TABLES, ...ENTITY_TABLES], write) : write();
}
