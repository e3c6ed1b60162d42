// Writes the release bundle from a store: every dataset as CSV, the list rows and corrections as
// exact compressed CSVs, the ledger state, a README and the manifest; the old bundle is replaced whole.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { dataset } from "../analysis/datasets.js";
import { latestListDate } from "../analysis/population.js";
import { firstSeen } from "../analysis/queries.js";
import { toCsv } from "../domain/csv.js";
import { InputError } from "../errors.js";
import type { Db, Store } from "../store/db.js";
import {
  CORRECTION_COLUMNS,
  CORRECTIONS_FILE,
  exactCsv,
  FILES,
  FORMAT,
  gzip,
  LISTING_VALUE_COLUMNS,
  LISTING_VALUES_FILE,
  LISTINGS_FILE,
  REVIEW_COLUMNS,
  REVIEW_FILE,
  type ReleaseManifest,
  SHEETS_COLUMNS,
  SHEETS_FILE,
  STATE_FILE,
  sha,
} from "./release-format.js";

export async function writeRelease(store: Store, dir: string): Promise<ReleaseManifest> {
  const state = await store.db.selectFrom("ledger_state").select("state").where("id", "=", 1).executeTakeFirst();
  if (!state) throw new InputError(store.file, "the store holds no ledger yet: ingest lists first");
  // Everything is written to a folder beside the target first, so a failure leaves the bundle as
  // it was; then the files move in.
  const tmp = `${dir.replace(/\/+$/, "")}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const manifest = await writeBundle(store, tmp, state.state);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(dir, f));
    return manifest;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function listingFiles(db: Db): Promise<{ values: string; listings: string; nValues: number; nRows: number }> {
  // Replay order: list by list as first observed, row by row; the order a replay writes them in.
  // Queries that sort on the list's date alone meet same-day lists in that order, so a loaded
  // store must keep it to give the same answers.
  const rows = await db
    .selectFrom("listing as l")
    .leftJoin(firstSeen(db).as("o"), "o.snapshot_id", "l.snapshot_id")
    .selectAll("l")
    .orderBy("o.first")
    .orderBy("l.snapshot_id")
    .orderBy("l.row")
    .execute();
  const ids = new Map<string, number>();
  const values: unknown[][] = [];
  const listings: unknown[][] = [];
  for (const r of rows) {
    const v = LISTING_VALUE_COLUMNS.map((c) => r[c]);
    const k = JSON.stringify(v);
    let id = ids.get(k);
    if (id === undefined) {
      id = values.length + 1;
      ids.set(k, id);
      values.push([id, ...v]);
    }
    listings.push([r.snapshot_id, r.row, id]);
  }
  return {
    values: exactCsv(["value_id", ...LISTING_VALUE_COLUMNS], values),
    listings: exactCsv(["snapshot_id", "row", "value_id"], listings),
    nValues: values.length,
    nRows: listings.length,
  };
}

async function writeBundle(store: Store, dir: string, stateGz: Uint8Array): Promise<ReleaseManifest> {
  const files: ReleaseManifest["files"] = [];
  const put = (name: string, body: string | Uint8Array, rows: number | null) => {
    fs.writeFileSync(path.join(dir, name), body);
    files.push({ name, sha256: sha(body), rows });
  };
  /** A table's rows as exact CSV in its file's column order, gzipped when the file's name says so. */
  const putTable = <C extends string>(name: string, columns: readonly C[], rows: readonly Record<C, unknown>[]) => {
    const csv = exactCsv(
      columns,
      rows.map((r) => columns.map((c) => r[c])),
    );
    put(name, name.endsWith(".gz") ? gzip(csv) : csv, rows.length);
  };
  for (const name of FILES) {
    const d = await dataset(store.db, name);
    put(`${name}.csv`, toCsv(d.columns, d.rows), d.rows.length);
  }
  const db = store.db;
  const l = await listingFiles(db);
  put(LISTING_VALUES_FILE, gzip(l.values), l.nValues);
  put(LISTINGS_FILE, gzip(l.listings), l.nRows);
  const corrections = await db
    .selectFrom("correction as c")
    .leftJoin(firstSeen(db).as("o"), "o.snapshot_id", "c.snapshot_id")
    .select(CORRECTION_COLUMNS.map((c) => `c.${c}` as const))
    .orderBy("o.first")
    .orderBy("c.snapshot_id")
    .orderBy("c.row")
    .orderBy("c.field")
    .orderBy("c.rule")
    .orderBy("c.before")
    .orderBy("c.after")
    .execute();
  putTable(CORRECTIONS_FILE, CORRECTION_COLUMNS, corrections);
  putTable(
    REVIEW_FILE,
    REVIEW_COLUMNS,
    await db.selectFrom("review").select(REVIEW_COLUMNS).orderBy("review_id").execute(),
  );
  putTable(
    SHEETS_FILE,
    SHEETS_COLUMNS,
    await db.selectFrom("snapshot").select(SHEETS_COLUMNS).orderBy("snapshot_id").execute(),
  );
  // Recompressed at the highest level: the bundle is committed, and gzip output is deterministic.
  put(STATE_FILE, gzipSync(gunzipSync(stateGz), { level: 9 }), null);
  const rules = await db.selectFrom("meta").select("value").where("key", "=", "rules").executeTakeFirst();
  const snaps = await db
    .selectFrom("snapshot")
    .select(["file_name", "original_filename", "kind", "snapshot_id", "bytes", "published_at", "status"])
    .orderBy("published_at")
    .orderBy("snapshot_id")
    .execute();
  const latest = await latestListDate(db);
  const manifest: ReleaseManifest = {
    format: FORMAT,
    rules: rules?.value ?? "",
    latest_list: latest,
    inputs: snaps.map((s) => ({
      file_name: s.file_name,
      original_filename: s.original_filename,
      kind: s.kind,
      sha256: s.snapshot_id,
      bytes: s.bytes,
      published_at: s.published_at,
      status: s.status,
    })),
    files,
  };
  fs.writeFileSync(path.join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "README.md"), releaseReadme(manifest));
  return manifest;
}

function releaseReadme(m: ReleaseManifest): string {
  return `# g287 release bundle

The whole ledger of ICE 287(g) agreements as rebuilt by g287 from ${m.inputs.length} published lists
(latest participating list: ${m.latest_list ?? "none"}). Generated by \`npm run release\` (\`g287 export
release\`); do not edit by hand. \`npm start\` on a fresh clone loads it.

| file | rows | what |
|---|---|---|
${m.files.map((f) => `| \`${f.name}\` | ${f.rows ?? ""} | ${DESCRIPTIONS[f.name] ?? ""} |`).join("\n")}
| \`manifest.json\` | | sha256 of every input list and of every file here |

Dates are ISO (YYYY-MM-DD). An agreement is listed on a date when one of its periods in
\`periods.csv\` starts on or before the date and ends after it (or is open). In the plain \`.csv\`
files, cells that start with =, +, -, @ are prefixed with a quote so that spreadsheets do not run
them.

The \`.csv.gz\` files, \`review.csv\` and \`snapshot-sheets.csv\` hold values exactly as stored (no
quote prefix): an empty unquoted cell is null, \`""\` is an empty string. The rows of every list
are \`listings.csv.gz\` joined to \`listing-values.csv.gz\` on \`value_id\` (most rows repeat from
one list to the next, so each distinct reading is written once); \`snapshot_id\` is the sha256 of
the list file, as in \`snapshots.csv\`. The lists' own bytes are not in the bundle: a ledger loaded
from it answers every question but cannot be replayed (\`g287 rebuild\`); replay the archive for that.
MOA documents (\`g287 moa fetch\`) are a separate download and are not part of the bundle either.
`;
}

const DESCRIPTIONS: Record<string, string> = {
  "agreements.csv": "one row per agreement (agency × model × term), with status and dates",
  "agencies.csv": "one row per agency, with its name variants",
  "applications.csv": "pending-list entries and what became of them",
  "periods.csv": "the intervals during which each agreement was listed",
  "events.csv": "every change the replay recorded, with its evidence",
  "snapshots.csv": "every published list read: provenance, status, quarantine reason",
  "observations.csv": "every dated sighting of a list, in replay order",
  [LISTING_VALUES_FILE]:
    "each distinct list row as read and resolved: the cells after corrections, the agency, agreement or pending entry it was matched to, and the identity rule (tier) that matched it",
  [LISTINGS_FILE]: "every row of every list read: the list (snapshot_id), the row number and its value_id",
  [CORRECTIONS_FILE]: "every cell a correction rule changed: list, row, field, rule, before, after, evidence",
  [REVIEW_FILE]: "the review queue: near misses the identity rules flagged, with what was decided",
  [SHEETS_FILE]: "each list file's sheet names and the reader's notes on it",
  [STATE_FILE]: "the replay's state, so new lists can be applied on top",
};
