// Checks a downloaded list before anything is kept: the bytes (sources/validate.ts), then whether
// the workbook is whole and holds a 287(g) list, read by sheets/ as an ingest will read it.
import { InputError, UnreadableListError } from "../errors.js";
import { readSheet } from "../sheets/read-sheet.js";
import type { ListKind, Sheet } from "../sheets/types.js";
import { zipDamage } from "../sheets/zip.js";
import { checkDownload, type ListFormat, type ValidateInput } from "../sources/validate.js";

export interface ValidList {
  format: ListFormat;
  kind: ListKind;
  rows: number;
  sheet: Sheet;
  /** Set when the content is of the other kind than the link said (ICE swapped them on 2025-09-22 pm). */
  kindMismatch: string | null;
}

export function validateList(
  input: ValidateInput & {
    /** The kind the page (or the mirror) says this is; the content decides. */
    expectedKind?: ListKind | null;
  },
): ValidList {
  const { bytes, url } = input;
  const format = checkDownload(input);
  if (format === "xlsx") {
    const damage = zipDamage(bytes);
    if (damage) {
      const of = input.declaredLength !== undefined ? ` of ${input.declaredLength} declared` : "";
      throw new InputError(url, `truncated or damaged xlsx (${bytes.length} bytes${of}): ${damage}; nothing was kept`);
    }
  }
  let sheet: Sheet;
  try {
    sheet = readSheet(bytes, url);
  } catch (e) {
    if (e instanceof InputError)
      throw new UnreadableListError(url, `not a readable 287(g) list: ${e.message}; nothing was kept`);
    throw e;
  }
  const fields = new Set(sheet.columns.map((c) => c.field));
  if (!fields.has("model")) {
    throw new UnreadableListError(
      url,
      `not a 287(g) list: it names STATE and the agency but has no SUPPORT TYPE (model) column (columns: ${sheet.columns
        .map((c) => c.key)
        .join(", ")}); nothing was kept`,
    );
  }
  const kindMismatch =
    input.expectedKind && input.expectedKind !== sheet.kind
      ? `linked as the ${input.expectedKind} list but holds a ${sheet.kind} list (${sheet.kind === "participating" ? "it has a" : "it has no"} SIGNED column); filed by its content`
      : null;
  return {
    format: sheet.format === "csv" ? "csv" : format,
    kind: sheet.kind,
    rows: sheet.rows.length,
    sheet,
    kindMismatch,
  };
}
