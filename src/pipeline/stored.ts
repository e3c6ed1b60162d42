// The snapshots a store already holds, made ready for a replay: from their stored raw rows when the
// sheet reader that wrote them is the current one (PARSER_VERSION), from their kept bytes otherwise.
import type { Corrections } from "../normalize/corrections.js";
import type { Column, Field } from "../sheets/types.js";
import type { Observation, SourceFile } from "../sources/types.js";
import type { Db } from "../store/db.js";
import { addTo } from "../util/multimap.js";
import { PARSER_VERSION, type ParsedSnapshot, parseSnapshot, StoredHeader, snapshotFromStored } from "./parse.js";

const NO_BYTES = new Uint8Array(0);

function storedColumns(header: string): Column[] {
  return StoredHeader.parse(JSON.parse(header)).map((c) => ({
    index: c.column,
    header: c.key,
    key: c.key,
    field: c.field as Field | null,
    ...(c.mapped_by ? { mappedBy: c.mapped_by } : {}),
  }));
}

/** Every stored observation of each snapshot, with the date as the source gave it. */
async function storedObservations(db: Db): Promise<Map<string, Observation[]>> {
  const obs = await db.selectFrom("observation").selectAll().orderBy("obs_id").execute();
  const byFile = new Map<string, Observation[]>();
  for (const o of obs)
    addTo(byFile, o.snapshot_id, {
      // Content checks are made again by the current rules.
      date: o.stated_date ?? o.date,
      slot: o.slot,
      basis: o.basis as Observation["basis"],
      basisDetail: o.basis_detail,
      originalFilename: o.original_filename,
      filenameKind: (o.filename_kind as Observation["filenameKind"]) ?? null,
      provenance: JSON.parse(o.provenance),
      ...(o.date_rule && o.date_rule !== "content_newest_signed" ? { dateRule: o.date_rule } : {}),
    });
  return byFile;
}

/**
 * Every stored snapshot, normalized again by the current fix tables. Only a snapshot written by
 * another parser version is read again from its bytes; `parsed` counts those.
 */
export async function loadStoredSnapshots(
  db: Db,
  fixes: Corrections,
  progress?: (done: number, total: number) => void,
): Promise<{ snapshots: ParsedSnapshot[]; parsed: number }> {
  const byFile = await storedObservations(db);
  const snaps = await db
    .selectFrom("snapshot")
    .leftJoin("snapshot_rows", "snapshot_rows.snapshot_id", "snapshot.snapshot_id")
    .select([
      "snapshot.snapshot_id",
      "snapshot.location",
      "snapshot.file_name",
      "snapshot.bytes",
      "snapshot.kind",
      "snapshot.sheet_name",
      "snapshot.sheet_names",
      "snapshot.reader_notes",
      "snapshot.header",
      "snapshot.cells_sha256",
      "snapshot.parser_version",
      "snapshot_rows.rows_gz",
    ])
    .orderBy("snapshot.snapshot_id")
    .execute();
  let parsed = 0;
  const out: ParsedSnapshot[] = [];
  for (const s of snaps) {
    const file: SourceFile = {
      location: s.location,
      fileName: s.file_name,
      bytes: NO_BYTES,
      sha256: s.snapshot_id,
      observations: byFile.get(s.snapshot_id) ?? [],
    };
    if (s.parser_version === PARSER_VERSION && s.rows_gz) {
      const sheet = {
        kind: s.kind as ParsedSnapshot["sheet"]["kind"],
        sheetName: s.sheet_name,
        sheetNames: JSON.parse(s.sheet_names) as string[],
        notes: JSON.parse(s.reader_notes) as ParsedSnapshot["sheet"]["notes"],
        columns: storedColumns(s.header),
      };
      out.push(
        snapshotFromStored({ file, size: s.bytes, sheet, rawRowsGz: s.rows_gz, cellsSha256: s.cells_sha256 }, fixes),
      );
    } else {
      const blob = await db.selectFrom("blob").select("bytes").where("sha256", "=", s.snapshot_id).executeTakeFirst();
      if (!blob) throw new Error(`snapshot ${s.snapshot_id} has neither current raw rows nor its bytes`);
      out.push(parseSnapshot({ ...file, bytes: blob.bytes }, fixes));
      parsed++;
    }
    progress?.(out.length, snaps.length);
  }
  return { snapshots: out, parsed };
}
