// The release bundle: the whole ledger as CSVs in data/release/, with a manifest of the input files'
// sha256 and of every bundle file. It is committed, so a fresh clone works offline: `npm start`
// loads it when no archive is configured. It carries every table an interface reads (the list rows
// and their corrections as compressed exact CSVs) and the ledger's state, so new lists can be
// ingested on top of it. Only the lists' raw bytes stay out: a bundle-loaded store cannot rebuild.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type DatasetName, dataset, OBSERVATION_COLUMNS } from "../analysis/datasets.js";
import { EVENT_COLUMNS, SNAPSHOT_COLUMNS } from "../domain/columns.js";
import { toCsv } from "../domain/csv.js";
import { InputError } from "../errors.js";
import { Ledger, type LedgerState } from "../ledger/ledger.js";
import type { Db, Store } from "../store/db.js";
import type { Database } from "../store/schema.js";
import { ENTITY_TABLES, insertMany, REPLAY_TABLES, setMeta } from "../store/write.js";
import { placedEntityRows } from "./place.js";

export const DEFAULT_RELEASE_DIR = new URL("../../data/release/", import.meta.url);

const FORMAT = "g287-release/2";

const FILES: DatasetName[] = [
  "agreements",
  "agencies",
  "applications",
  "periods",
  "events",
  "snapshots",
  "observations",
];
const STATE_FILE = "ledger-state.json.gz";

// The list rows: 240,000 rows that repeat from list to list (a few thousand distinct readings), so
// each distinct reading is written once and every row of every list points at it.
const LISTING_VALUES_FILE = "listing-values.csv.gz";
const LISTINGS_FILE = "listings.csv.gz";
const CORRECTIONS_FILE = "corrections.csv.gz";
const REVIEW_FILE = "review.csv";
const SHEETS_FILE = "snapshot-sheets.csv";

const LISTING_VALUE_COLUMNS = [
  "state",
  "agency",
  "agency_key",
  "jurisdiction",
  "county",
  "model",
  "signed_on",
  "moa_url",
  "moa_status",
  "addendum_url",
  "agency_id",
  "agreement_id",
  "application_id",
  "tier",
  "note",
] as const;
const CORRECTION_COLUMNS = ["snapshot_id", "row", "field", "rule", "before", "after", "evidence"] as const;
const REVIEW_COLUMNS = ["review_id", "obs_id", "snapshot_id", "date", "row", "reason", "detail"] as const;
const SHEETS_COLUMNS = ["snapshot_id", "sheet_names", "reader_notes"] as const;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sha(b: Uint8Array | string): string {
  return createHash("sha256").update(b).digest("hex");
}

// Deterministic: node's gzip writes no file name or mtime, and the level is fixed.
const gzip = (s: string) => gzipSync(s, { level: 9 });

const manifestSchema = z.object({
  format: z.literal(FORMAT, {
    message: `expected format ${FORMAT} (a bundle from an older g287: regenerate it with \`npm run release\`)`,
  }),
  rules: z.string(),
  latest_list: z.string().nullable(),
  inputs: z.array(
    z.object({
      file_name: z.string(),
      original_filename: z.string(),
      kind: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      published_at: z.string(),
      status: z.string(),
    }),
  ),
  files: z.array(z.object({ name: z.string(), sha256: z.string(), rows: z.number().nullable() })),
});

export type ReleaseManifest = z.infer<typeof manifestSchema> & { format: typeof FORMAT };

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

/**
 * Exact CSV for the machine files: no formula escaping (the loader must get the value back), and
 * null (an empty unquoted cell) kept apart from the empty string (`""`).
 */
function exactCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return s === "" || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  let out = `${columns.join(",")}\n`;
  for (const r of rows) out += `${r.map(cell).join(",")}\n`;
  return out;
}

/**
 * Reads what exactCsv wrote. A hand-written scanner: csv-parse takes seconds over the 240,000 list
 * rows, and this format is ours (comma, "\n", double quotes), so a few lines do it in milliseconds.
 */
function parseExact(file: string, text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let v: string | null;
    if (text.charCodeAt(i) === 34) {
      let out = "";
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new InputError(file, `line ${rows.length + 1}: a quoted cell does not end`);
        out += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          out += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      v = out;
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10) break;
        j++;
      }
      v = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(v);
    const c = text.charCodeAt(i);
    if (c === 44) i++;
    else if (c === 10 || i >= n) {
      rows.push(row);
      row = [];
      i++;
    } else throw new InputError(file, `line ${rows.length + 1}: unexpected text after a quoted cell`);
  }
  return rows;
}

function readExactCsv(file: string, text: string, columns: readonly string[]): (string | null)[][] {
  const rows = parseExact(file, text);
  const header = rows.shift();
  if (header?.join(",") !== columns.join(",")) {
    throw new InputError(file, `expected the columns ${columns.join(",")}, found ${header?.join(",") ?? "none"}`);
  }
  rows.forEach((r, i) => {
    if (r.length !== columns.length)
      throw new InputError(file, `line ${i + 2}: ${r.length} cells, expected ${columns.length}`);
  });
  return rows;
}

/** Each list file's first observation in replay order. */
function firstSeen(db: Db) {
  return db
    .selectFrom("observation")
    .select(["snapshot_id", db.fn.min("order_key").as("first")])
    .groupBy("snapshot_id");
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
  put(
    CORRECTIONS_FILE,
    gzip(
      exactCsv(
        CORRECTION_COLUMNS,
        corrections.map((r) => CORRECTION_COLUMNS.map((c) => r[c])),
      ),
    ),
    corrections.length,
  );
  const review = await db.selectFrom("review").select(REVIEW_COLUMNS).orderBy("review_id").execute();
  put(
    REVIEW_FILE,
    exactCsv(
      REVIEW_COLUMNS,
      review.map((r) => REVIEW_COLUMNS.map((c) => r[c])),
    ),
    review.length,
  );
  const sheets = await db.selectFrom("snapshot").select(SHEETS_COLUMNS).orderBy("snapshot_id").execute();
  put(
    SHEETS_FILE,
    exactCsv(
      SHEETS_COLUMNS,
      sheets.map((r) => SHEETS_COLUMNS.map((c) => r[c])),
    ),
    sheets.length,
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
  const latest = await db
    .selectFrom("observation")
    .select(db.fn.max("date").as("d"))
    .where("kind", "=", "participating")
    .where("status", "=", "applied")
    .executeTakeFirst();
  const manifest: ReleaseManifest = {
    format: FORMAT,
    rules: rules?.value ?? "",
    latest_list: (latest?.d as string | undefined) ?? null,
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

function readManifest(dir: string): ReleaseManifest {
  const file = path.join(dir, "manifest.json");
  if (!fs.existsSync(file)) throw new InputError(dir, "no manifest.json: not a g287 release bundle");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(file, `not JSON: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(file, `${i?.path.join(".") || "manifest"}: ${i?.message ?? "invalid"}`);
  }
  const m = parsed.data as ReleaseManifest;
  for (const f of m.files) {
    const p = path.join(dir, f.name);
    if (!fs.existsSync(p)) throw new InputError(p, "listed in manifest.json but missing");
    if (sha(fs.readFileSync(p)) !== f.sha256)
      throw new InputError(p, "sha256 does not match manifest.json (the bundle was edited or is incomplete)");
  }
  for (const name of [...FILES.map((f) => `${f}.csv`), ...MACHINE_FILES, STATE_FILE]) {
    if (!m.files.some((f) => f.name === name)) throw new InputError(file, `does not list ${name}`);
  }
  return m;
}

const MACHINE_FILES = [LISTING_VALUES_FILE, LISTINGS_FILE, CORRECTIONS_FILE, REVIEW_FILE, SHEETS_FILE];

function readCsv(dir: string, name: string): Record<string, string>[] {
  return parse(fs.readFileSync(path.join(dir, name), "utf8"), { columns: true, skip_empty_lines: true });
}

function readMachine(dir: string, name: string, columns: readonly string[]): (string | null)[][] {
  const p = path.join(dir, name);
  const bytes = fs.readFileSync(p);
  return readExactCsv(p, (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"), columns);
}

/** A CSV row as a table row: numbers where the table has them, "" as null in nullable columns. */
function typed<T>(
  r: Record<string, string>,
  columns: readonly string[],
  nullable: string[],
  numbers: string[] = [],
): T {
  // Only the table's own columns are taken: the INSERT's column list never comes from a file.
  return Object.fromEntries(
    columns.map((k) => {
      const v = r[k] ?? "";
      return [k, numbers.includes(k) ? Number(v) : v === "" && nullable.includes(k) ? null : v];
    }),
  ) as T;
}

/** A row number from an exact CSV: a whole number, or the file and line are named. */
function int(file: string, line: number, v: string | null | undefined): number {
  const n = Number(v);
  if (v === null || !Number.isInteger(n)) throw new InputError(file, `line ${line}: expected a row number, found ${v}`);
  return n;
}

function listingRows(dir: string): Database["listing"][] {
  const values = new Map<string, (string | null)[]>();
  for (const r of readMachine(dir, LISTING_VALUES_FILE, ["value_id", ...LISTING_VALUE_COLUMNS]))
    values.set(r[0] as string, r.slice(1));
  const file = path.join(dir, LISTINGS_FILE);
  return readMachine(dir, LISTINGS_FILE, ["snapshot_id", "row", "value_id"]).map((r, i) => {
    const v = values.get(r[2] as string);
    if (!v) throw new InputError(file, `line ${i + 2}: value_id ${r[2]} is not in ${LISTING_VALUES_FILE}`);
    const row = { snapshot_id: r[0] as string, row: int(file, i + 2, r[1]) } as Record<string, unknown>;
    LISTING_VALUE_COLUMNS.forEach((c, j) => {
      row[c] = v[j];
    });
    return row as unknown as Database["listing"];
  });
}

/**
 * True for a store loaded from a bundle of the first format, which carried no list rows (so every
 * agency page said "read on 0 lists"), with nothing ingested on top since (an ingest writes list
 * rows): `g287 start` loads the current bundle over it.
 */
export async function loadedFromOldRelease(store: Store): Promise<boolean> {
  const db = store.db;
  const source = await db.selectFrom("meta").select("value").where("key", "=", "source").executeTakeFirst();
  if (source?.value !== "release") return false;
  const listing = await db.selectFrom("listing").select("snapshot_id").limit(1).executeTakeFirst();
  const state = await db.selectFrom("ledger_state").select("id").executeTakeFirst();
  return !listing && !!state;
}

/** Loads a bundle into an empty store (or one loadedFromOldRelease), in one transaction. */
export async function loadRelease(store: Store, dir: string): Promise<ReleaseManifest> {
  const m = readManifest(dir);
  const stateText = gunzipSync(fs.readFileSync(path.join(dir, STATE_FILE))).toString("utf8");
  const ledger = JSON.parse(stateText) as LedgerState;
  // Everything is read and checked before the transaction opens, so a bad file writes nothing.
  const listings = listingRows(dir);
  const corrFile = path.join(dir, CORRECTIONS_FILE);
  const corrections = readMachine(dir, CORRECTIONS_FILE, CORRECTION_COLUMNS).map(
    (r, i) =>
      ({
        snapshot_id: r[0] as string,
        row: int(corrFile, i + 2, r[1]),
        field: r[2] as string,
        rule: r[3] as string,
        before: r[4] ?? null,
        after: r[5] ?? null,
        evidence: r[6] ?? null,
      }) satisfies Database["correction"],
  );
  const reviewFile = path.join(dir, REVIEW_FILE);
  const review = readMachine(dir, REVIEW_FILE, REVIEW_COLUMNS).map(
    (r, i) =>
      ({
        review_id: r[0] as string,
        obs_id: r[1] as string,
        snapshot_id: r[2] as string,
        date: r[3] as string,
        row: r[4] === null ? null : int(reviewFile, i + 2, r[4]),
        reason: r[5] as string,
        detail: r[6] as string,
      }) satisfies Database["review"],
  );
  const sheets = new Map(
    readMachine(dir, SHEETS_FILE, SHEETS_COLUMNS).map((r) => [
      r[0] as string,
      { names: r[1] ?? null, notes: r[2] ?? null },
    ]),
  );
  try {
    await fill(store, dir, m, { ledger, stateText, listings, corrections, review, sheets });
  } catch (e) {
    // The transaction rolled back; the store is as it was.
    if (e instanceof InputError) throw e;
    throw new InputError(dir, `cannot load the bundle: ${(e as Error).message}`);
  }
  return m;
}

interface Parsed {
  ledger: LedgerState;
  stateText: string;
  listings: Database["listing"][];
  corrections: Database["correction"][];
  review: Database["review"][];
  sheets: Map<string, { names: string | null; notes: string | null }>;
}

async function fill(store: Store, dir: string, m: ReleaseManifest, p: Parsed): Promise<void> {
  const { ledger, stateText, listings, corrections, review, sheets } = p;
  // The entities come from the replay's state, exactly as an ingest writes them (in the order of
  // Ledger.result(): queries that sort on a date alone meet ties in that order); the CSVs are
  // their human-readable twins.
  const entities = placedEntityRows(Ledger.fromState(ledger).result());
  await store.transaction(async (trx) => {
    for (const t of [...REPLAY_TABLES, ...ENTITY_TABLES, "ledger_state"] as const) await trx.deleteFrom(t).execute();
    for (const t of ENTITY_TABLES) await insertMany(trx, t, entities[t]);
    await insertMany(
      trx,
      "event",
      readCsv(dir, "events.csv").map(({ list, detail, ...r }) => ({
        ...typed<Database["event"]>(
          r,
          EVENT_COLUMNS.filter((c) => c !== "list" && c !== "detail"),
          ["agency_id", "agreement_id", "application_id"],
          ["seq"],
        ),
        detail: JSON.stringify({ list: list || null, ...JSON.parse(detail || "{}") }),
      })),
    );
    const observations = readCsv(dir, "observations.csv");
    // Snapshots in replay order (first observation first), as an ingest writes them.
    const first = new Map<string, string>();
    for (const o of observations)
      if (!first.has(o.snapshot_id as string)) first.set(o.snapshot_id as string, o.order_key as string);
    const rank = (r: Record<string, string>) => first.get(r.snapshot_id as string) ?? "\uffff";
    const snapshots = readCsv(dir, "snapshots.csv").sort((x, y) => cmp(rank(x), rank(y)));
    await insertMany(
      trx,
      "snapshot",
      snapshots.map((r) => ({
        ...typed<Database["snapshot"]>(r, SNAPSHOT_COLUMNS, ["status_reason"], ["bytes", "row_count", "kind_mismatch"]),
        // Where the file was found is the exporting machine's path: not carried, and never shown.
        location: "release",
        sheet_names: sheets.get(r.snapshot_id as string)?.names ?? "[]",
        reader_notes: sheets.get(r.snapshot_id as string)?.notes ?? "[]",
      })),
    );
    await insertMany(
      trx,
      "observation",
      observations.map((r) =>
        typed<Database["observation"]>(r, OBSERVATION_COLUMNS, ["stated_date", "date_rule", "filename_kind", "reason"]),
      ),
    );
    await insertMany(trx, "listing", listings);
    await insertMany(trx, "correction", corrections);
    await insertMany(trx, "review", review);
    // The same updated_at as the replay that wrote the state, so the ledger version (and every
    // ETag) is the replay's.
    await trx
      .insertInto("ledger_state")
      .values({ id: 1, state: gzipSync(stateText, { level: 1 }), updated_at: ledger.lastOrder })
      .execute();
    await setMeta(trx, { rules: m.rules, schema: "1", source: "release" });
  });
}
