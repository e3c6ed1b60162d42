// The only module that knows the whole chain: sources → sheets → normalize → ledger → store.
// An ingest reads and checks every input before it touches the store, applies new observations
// on top of the stored ledger when they come after it (or replays everything when they do not, or
// when the parser, the fix tables or the rules changed), and writes it all in one transaction.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { InputError } from "../errors.js";
import { LEDGER_VERSION, Ledger, type LedgerState } from "../ledger/ledger.js";
import type { LedgerConfig, ObservationOutcome, ReviewItem } from "../ledger/types.js";
import {
  type Corrections,
  DEFAULT_CORRECTIONS_DIR,
  dirUrl,
  loadCorrections,
  reviewDecision,
} from "../normalize/corrections.js";
import type { NormalizedRow } from "../normalize/row.js";
import { isArchiveFolder, readArchive } from "../sources/archive.js";
import { listFolder, readLocalList } from "../sources/local.js";
import type { Observation, SourceFile } from "../sources/types.js";
import type { Store } from "../store/db.js";
import type { Database } from "../store/schema.js";
import {
  correctionRows,
  entityRows,
  eventRow,
  insertMany,
  listingRow,
  REPLAY_TABLES,
  readLedgerState,
  refreshSnapshotStatus,
  reviewRows,
  setMeta,
  writeEntities,
  writeEntityChanges,
  writeLedgerState,
} from "../store/write.js";
import { cmp } from "../util/compare.js";
import { addTo } from "../util/multimap.js";
import { type ObsEntry, obsId, PARSER_VERSION, type ParsedSnapshot, parseSnapshot, replayOrder } from "./parse.js";

export interface IngestOptions {
  publishedAt?: string;
  config?: Partial<LedgerConfig>;
  correctionsDir?: URL | string;
  /** Replay everything even when the new lists could be applied on top. */
  rebuild?: boolean;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface IngestSummary {
  mode: "incremental" | "rebuild" | "nothing_new";
  files: number;
  newSnapshots: number;
  newObservations: number;
  applied: number;
  quarantined: { file: string; date: string; reason: string }[];
  events: number;
  skipped: string[];
  rebuildReason: string | null;
}

/** Expands the command-line paths into source files, each with its dated observations. */
export function resolveInputs(paths: string[], opts: IngestOptions): { files: SourceFile[]; skipped: string[] } {
  const files: SourceFile[] = [];
  const skipped: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new InputError(p, "no such file or directory");
    }
    if (st.isDirectory()) {
      if (isArchiveFolder(p)) {
        if (opts.publishedAt)
          throw new InputError(
            p,
            "--published-at cannot be used with an archive folder (its SIGHTINGS.csv dates every file)",
          );
        const a = readArchive(p, { onProgress: (d, t) => opts.progress?.("read", d, t) });
        files.push(...a.files);
        skipped.push(...a.skipped);
      } else {
        for (const f of listFolder(p)) files.push(readLocalList(f, opts));
      }
    } else files.push(readLocalList(p, opts));
  }
  // The same bytes under two names are one snapshot observed twice.
  const bySha = new Map<string, SourceFile>();
  for (const f of files) {
    const seen = bySha.get(f.sha256);
    if (seen) seen.observations.push(...f.observations);
    else bySha.set(f.sha256, { ...f, observations: [...f.observations] });
  }
  return { files: [...bySha.values()], skipped };
}

/** Fingerprint of everything besides the inputs that decides the ledger: a change forces a replay. */
/**
 * Attaches the recorded decision (data/corrections/review-decisions.csv) to each near miss it
 * settles. Items the ledger's own rules decided (a refused typo) carry their rule already.
 */
export function decideReviews(items: ReviewItem[], fixes: Corrections): ReviewItem[] {
  return items.map((it) => {
    const d = it.detail;
    if (typeof d.name !== "string" || typeof d.candidate_name !== "string" || typeof d.state !== "string") return it;
    const fix = reviewDecision(fixes, d.state, d.name, d.candidate_name);
    if (!fix) return it;
    return {
      ...it,
      detail: { ...d, decision: `kept apart: ${fix.evidence}`, decided_by: "data/corrections/review-decisions.csv" },
    };
  });
}

export function rulesFingerprint(cfg: LedgerConfig, dir: URL | string = DEFAULT_CORRECTIONS_DIR): string {
  const h = createHash("sha256");
  h.update(`parser ${PARSER_VERSION} ledger ${LEDGER_VERSION} ${JSON.stringify(cfg)}`);
  const base = dirUrl(dir);
  for (const f of ["states", "counties", "agencies", "signed-dates"])
    h.update(fs.readFileSync(new URL(`${f}.csv`, base)));
  for (const f of ["wrong-states", "review-decisions"]) {
    const u = new URL(`${f}.csv`, base);
    if (fs.existsSync(u)) h.update(fs.readFileSync(u));
  }
  // Agency types and placements come from these when agency rows are written. They are always
  // the repository's own (a test's corrections folder does not hold them).
  for (const f of [
    "corrections/agency-types.csv",
    "corrections/county-places.csv",
    "context/counties.csv",
    "context/states.csv",
    "context/fbi-agencies.csv",
  ])
    h.update(fs.readFileSync(new URL(`../../data/${f}`, import.meta.url)));
  return h.digest("hex").slice(0, 16);
}

export async function ingest(store: Store, paths: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const fixes = loadCorrections(opts.correctionsDir);
  const { files, skipped } = resolveInputs(paths, opts);
  // Only files that bring an observation the store lacks need reading; the rest are known bytes.
  const known = new Set((await store.db.selectFrom("observation").select("obs_id").execute()).map((r) => r.obs_id));
  const wanted = files.filter((f) => f.observations.some((o) => !known.has(obsId(o, f.sha256))));
  const parsed = wanted.map((f, i) => {
    const p = parseSnapshot(f, fixes);
    opts.progress?.("parse", i + 1, wanted.length);
    return p;
  });
  const summary = await applyParsed(store, parsed, skipped, opts, fixes);
  summary.files = files.length;
  return summary;
}

/** Re-reads every stored snapshot from its kept bytes and replays the whole ledger. */
export async function rebuild(store: Store, opts: IngestOptions = {}): Promise<IngestSummary> {
  return applyParsed(store, [], [], { ...opts, rebuild: true }, loadCorrections(opts.correctionsDir));
}

async function loadStoredSnapshots(store: Store, fixes: Corrections, opts: IngestOptions): Promise<ParsedSnapshot[]> {
  const snaps = await store.db
    .selectFrom("snapshot")
    .innerJoin("blob", "blob.sha256", "snapshot.snapshot_id")
    .select(["snapshot.snapshot_id", "snapshot.location", "snapshot.file_name", "blob.bytes as data"])
    .orderBy("snapshot.snapshot_id")
    .execute();
  const obs = await store.db.selectFrom("observation").selectAll().orderBy("obs_id").execute();
  const byFile = new Map<string, typeof obs>();
  for (const o of obs) addTo(byFile, o.snapshot_id, o);
  return snaps.map((s, i) => {
    const file: SourceFile = {
      location: s.location,
      fileName: s.file_name,
      bytes: s.data,
      sha256: s.snapshot_id,
      // The date as the source gave it: content checks are made again by the current rules.
      observations: (byFile.get(s.snapshot_id) ?? []).map((o) => ({
        date: o.stated_date ?? o.date,
        slot: o.slot,
        basis: o.basis as Observation["basis"],
        basisDetail: o.basis_detail,
        originalFilename: o.original_filename,
        filenameKind: (o.filename_kind as Observation["filenameKind"]) ?? null,
        provenance: JSON.parse(o.provenance),
        ...(o.date_rule && o.date_rule !== "content_newest_signed" ? { dateRule: o.date_rule } : {}),
      })),
    };
    const p = parseSnapshot(file, fixes);
    opts.progress?.("parse", i + 1, snaps.length);
    return p;
  });
}

async function applyParsed(
  store: Store,
  incoming: ParsedSnapshot[],
  skipped: string[],
  opts: IngestOptions,
  fixes: Corrections,
): Promise<IngestSummary> {
  // One write transaction from the first read to the last write (BEGIN IMMEDIATE on SQLite): a
  // second ingest waits for this one and then starts from its result, instead of both starting
  // from the same state and one overwriting the other.
  return store.transaction(async (db) => {
    const knownObs = new Set((await db.selectFrom("observation").select("obs_id").execute()).map((r) => r.obs_id));
    const knownSnaps = new Set(
      (await db.selectFrom("snapshot").select("snapshot_id").execute()).map((r) => r.snapshot_id),
    );
    const stateRow = await db.selectFrom("ledger_state").select("state").where("id", "=", 1).executeTakeFirst();
    const rulesRow = await db.selectFrom("meta").select("value").where("key", "=", "rules").executeTakeFirst();
    const stored: LedgerState | null = stateRow ? readLedgerState(stateRow) : null;
    const fingerprint = rulesFingerprint(new Ledger(opts.config).config, opts.correctionsDir);

    const fresh = replayOrder(incoming).filter((e) => !knownObs.has(e.obs.obsId));
    const newSnaps = incoming.filter((p) => !knownSnaps.has(p.file.sha256));
    const first = fresh[0]?.obs;

    let rebuildReason: string | null = null;
    if (opts.rebuild) rebuildReason = "asked for (--rebuild)";
    else if (stored && rulesRow?.value !== fingerprint)
      rebuildReason = "the parser, the fix tables or the ledger rules changed";
    else if (stored && first && first.order <= stored.lastOrder) {
      rebuildReason = `a new list (${first.label}, ${first.date}) predates the latest one already applied`;
    }

    const summary: IngestSummary = {
      mode: "nothing_new",
      files: incoming.length,
      newSnapshots: newSnaps.length,
      newObservations: fresh.length,
      applied: 0,
      quarantined: [],
      events: 0,
      skipped,
      rebuildReason,
    };
    if (fresh.length === 0 && !rebuildReason) return summary;

    // The replay: on top of the stored state, or everything again from the kept bytes.
    const full = rebuildReason !== null || stored === null;
    if (rebuildReason) {
      const missing = await db
        .selectFrom("snapshot")
        .leftJoin("blob", "blob.sha256", "snapshot.snapshot_id")
        .select(db.fn.countAll<number>().as("n"))
        .where("blob.sha256", "is", null)
        .executeTakeFirstOrThrow();
      if (Number(missing.n) > 0) {
        throw new InputError(
          store.file,
          `cannot replay the ledger (${rebuildReason}): ${missing.n} lists were loaded from the release bundle without their bytes; ingest the archive folder (G287_ARCHIVE) into a new --db instead`,
        );
      }
    }
    let replay: ObsEntry[] = fresh;
    let ledger: Ledger;
    if (full) {
      const all = new Map<string, ParsedSnapshot>();
      if (rebuildReason) for (const p of await loadStoredSnapshots(store, fixes, opts)) all.set(p.file.sha256, p);
      for (const p of incoming) {
        const had = all.get(p.file.sha256);
        // A stored snapshot observed again keeps its old observations and gains the new ones.
        if (had)
          had.file.observations.push(
            ...p.file.observations.filter(
              (o) => !had.file.observations.some((x) => x.date === o.date && x.slot === o.slot),
            ),
          );
        else all.set(p.file.sha256, p);
      }
      replay = replayOrder([...all.values()].sort((a, b) => cmp(a.file.sha256, b.file.sha256)));
      ledger = new Ledger(opts.config);
      summary.mode = rebuildReason ? "rebuild" : "incremental";
    } else {
      ledger = Ledger.fromState(stored as LedgerState);
      summary.mode = "incremental";
    }
    // The rows as stored, taken before the ledger (which owns and mutates `stored`) applies anything.
    const before = full || !stored ? null : entityRows(stored);

    const outcomes: ObservationOutcome[] = replay.map((e, i) => {
      const out = ledger.apply(e.obs);
      opts.progress?.("replay", i + 1, replay.length);
      return out;
    });
    const entryOf = new Map(replay.map((e) => [e.obs.obsId, e]));

    const WRITE_STEPS = 6;
    const wrote = (n: number) => opts.progress?.("write", n, WRITE_STEPS);
    wrote(0);
    {
      const trx = db;
      if (full) for (const t of REPLAY_TABLES) await trx.deleteFrom(t).execute();
      const snapshots = new Map<string, ParsedSnapshot>();
      for (const e of replay) snapshots.set(e.parsed.file.sha256, e.parsed);
      for (const p of newSnaps) snapshots.set(p.file.sha256, p);
      for (const p of newSnaps)
        await trx.insertInto("blob").values({ sha256: p.file.sha256, bytes: p.file.bytes }).execute();

      // Snapshots: provenance of the file; dates and status are derived from observations below.
      const snapRows: Database["snapshot"][] = [];
      for (const p of snapshots.values()) {
        if (!full && knownSnaps.has(p.file.sha256)) continue;
        snapRows.push({
          snapshot_id: p.file.sha256,
          kind: p.sheet.kind,
          file_name: p.file.fileName,
          original_filename: p.file.observations[0]?.originalFilename || p.file.fileName,
          location: p.file.location,
          bytes: p.file.bytes.length,
          row_count: p.rows.length,
          sheet_name: p.sheet.sheetName,
          header: JSON.stringify(
            p.sheet.columns.map((c) => ({
              key: c.key,
              field: c.field,
              column: c.index,
              mapped_by: c.mappedBy ?? null,
            })),
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
        });
      }
      await insertMany(trx, "snapshot", snapRows);
      for (const r of snapRows) {
        const p = snapshots.get(r.snapshot_id) as ParsedSnapshot;
        await trx
          .insertInto("snapshot_rows")
          .values({
            snapshot_id: r.snapshot_id,
            columns: JSON.stringify(p.sheet.columns.map((c) => c.key)),
            rows_gz: p.rawRowsGz,
          })
          .execute();
      }

      await insertMany(
        trx,
        "observation",
        outcomes.map((out) => {
          const { obs, source } = entryOf.get(out.obsId) as ObsEntry;
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
        }),
      );
      await refreshSnapshotStatus(trx, [...new Set(outcomes.map((o) => o.snapshotId))]);
      wrote(1);

      // Listings and corrections, once per snapshot. A snapshot listed as quarantined and applied
      // later keeps only its resolved listings: the last outcome that lists it wins.
      const latest = new Map<string, ObservationOutcome>();
      for (const out of outcomes) if (out.listings.length) latest.set(out.snapshotId, out);
      const listingRows: Database["listing"][] = [];
      const corrRows: Database["correction"][] = [];
      for (const out of latest.values()) {
        const p = (entryOf.get(out.obsId) as ObsEntry).parsed;
        const byRow = new Map(p.rows.map((r) => [r.row, r]));
        if (!full) {
          await trx.deleteFrom("listing").where("snapshot_id", "=", out.snapshotId).execute();
          await trx.deleteFrom("correction").where("snapshot_id", "=", out.snapshotId).execute();
        }
        for (const l of out.listings) listingRows.push(listingRow(byRow.get(l.row) as NormalizedRow, l));
        corrRows.push(...correctionRows(out.snapshotId, p.rows));
      }
      await insertMany(trx, "listing", listingRows);
      wrote(2);
      await insertMany(trx, "correction", corrRows);
      wrote(3);
      const events = outcomes.flatMap((o) => o.events);
      await insertMany(trx, "event", events.map(eventRow));
      await insertMany(
        trx,
        "review",
        outcomes.flatMap((o) => reviewRows(decideReviews(o.reviews, fixes))),
      );
      wrote(4);
      if (before) await writeEntityChanges(trx, before, ledger.result());
      else await writeEntities(trx, ledger.result());
      await writeLedgerState(trx, ledger.toState());
      wrote(5);
      await setMeta(trx, { rules: fingerprint, schema: "1" });
      summary.events = events.length;
    }
    wrote(WRITE_STEPS);

    summary.applied = outcomes.filter((o) => o.status === "applied").length;
    summary.quarantined = outcomes
      .filter((o) => o.status === "quarantined")
      .map((o) => ({ file: entryOf.get(o.obsId)?.obs.label ?? o.snapshotId, date: o.date, reason: o.reason ?? "" }));
    return summary;
  });
}
