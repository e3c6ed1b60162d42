// The only module that knows the whole chain: sources → sheets → normalize → ledger → store.
// An ingest reads and checks every input before it touches the store, applies new observations
// on top of the stored ledger when they come after it (or replays everything when they do not, or
// when the parser, the fix tables or the rules changed), and writes it all in one transaction.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { InputError } from "../errors.js";
import { LEDGER_VERSION, Ledger, type LedgerState } from "../ledger/ledger.js";
import type { LedgerConfig, ObservationOutcome } from "../ledger/types.js";
import { type Corrections, DEFAULT_CORRECTIONS_DIR, dirUrl, loadCorrections } from "../normalize/corrections.js";
import { isArchiveFolder, readArchive } from "../sources/archive.js";
import { listFolder, readLocalList } from "../sources/local.js";
import type { SourceFile } from "../sources/types.js";
import type { Store } from "../store/db.js";
import { readLedgerState } from "../store/write.js";
import { cmp } from "../util/compare.js";
import { type ObsEntry, obsId, PARSER_VERSION, type ParsedSnapshot, parseSnapshot, replayOrder } from "./parse.js";
import { placedEntityRows } from "./place.js";
import { loadStoredSnapshots } from "./stored.js";
import { WRITE_STEPS, writeReplay } from "./write-replay.js";

export { decideReviews } from "./reviews.js";

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

/**
 * Replays the whole ledger from the stored snapshots: from their raw rows (`snapshot_rows`), and
 * from their kept bytes only for those a different parser version read.
 */
export async function rebuild(store: Store, opts: IngestOptions = {}): Promise<IngestSummary> {
  return applyParsed(store, [], [], { ...opts, rebuild: true }, loadCorrections(opts.correctionsDir));
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

    // The replay: on top of the stored state, or everything again from the kept rows.
    const full = rebuildReason !== null || stored === null;
    if (rebuildReason) {
      // A list without its bytes replays from its raw rows, if the current parser wrote them.
      const missing = await db
        .selectFrom("snapshot")
        .leftJoin("blob", "blob.sha256", "snapshot.snapshot_id")
        .leftJoin("snapshot_rows", "snapshot_rows.snapshot_id", "snapshot.snapshot_id")
        .select(db.fn.countAll<number>().as("n"))
        .where("blob.sha256", "is", null)
        .where((w) =>
          w.or([w("snapshot_rows.snapshot_id", "is", null), w("snapshot.parser_version", "!=", PARSER_VERSION)]),
        )
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
      if (rebuildReason) {
        const kept = await loadStoredSnapshots(db, fixes, (d, t) => opts.progress?.("parse", d, t));
        for (const p of kept.snapshots) all.set(p.file.sha256, p);
      }
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
    const before = full || !stored ? null : placedEntityRows(stored);

    const outcomes: ObservationOutcome[] = replay.map((e, i) => {
      const out = ledger.apply(e.obs);
      opts.progress?.("replay", i + 1, replay.length);
      return out;
    });
    const wrote = (n: number) => opts.progress?.("write", n, WRITE_STEPS);
    wrote(0);
    summary.events = await writeReplay(
      db,
      {
        full,
        replay,
        outcomes,
        newSnaps,
        knownSnaps,
        before,
        after: () => placedEntityRows(ledger.result()),
        state: () => ledger.toState(),
        fingerprint,
      },
      fixes,
      wrote,
    );
    wrote(WRITE_STEPS);
    const entryOf = new Map(replay.map((e) => [e.obs.obsId, e]));

    summary.applied = outcomes.filter((o) => o.status === "applied").length;
    summary.quarantined = outcomes
      .filter((o) => o.status === "quarantined")
      .map((o) => ({ file: entryOf.get(o.obsId)?.obs.label ?? o.snapshotId, date: o.date, reason: o.reason ?? "" }));
    return summary;
  });
}
