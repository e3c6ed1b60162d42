// Loads a release bundle into a store: the manifest and every file checked against its sha256, then
// every table filled in one transaction.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { OBSERVATION_COLUMNS } from "../analysis/datasets.js";
import { EVENT_COLUMNS, SNAPSHOT_COLUMNS } from "../domain/columns.js";
import { InputError } from "../errors.js";
import { Ledger, type LedgerState } from "../ledger/ledger.js";
import type { Store } from "../store/db.js";
import type { Database } from "../store/schema.js";
import { ENTITY_TABLES, insertMany, REPLAY_TABLES, setMeta } from "../store/write.js";
import { placedEntityRows } from "./place.js";
import {
  CORRECTION_COLUMNS,
  CORRECTIONS_FILE,
  cmp,
  FILES,
  LISTING_VALUE_COLUMNS,
  LISTING_VALUES_FILE,
  LISTINGS_FILE,
  manifestSchema,
  REVIEW_COLUMNS,
  REVIEW_FILE,
  type ReleaseManifest,
  readExactCsv,
  SHEETS_COLUMNS,
  SHEETS_FILE,
  STATE_FILE,
  sha,
} from "./release-format.js";

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
