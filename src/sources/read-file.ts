// Reads one local file with its sha256, turning file-system failures into one-line input errors.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { InputError } from "../errors.js";

/** Lists are small (under 1 MB); anything far larger is not an ICE list. */
export const MAX_LIST_BYTES = 50 * 1024 * 1024;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function readLocalFile(path: string): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    throw new InputError(path, "no such file or directory");
  }
  if (!st.isFile()) throw new InputError(path, "not a regular file");
  if (st.size > MAX_LIST_BYTES)
    throw new InputError(path, `too large for a list (${st.size} bytes, limit ${MAX_LIST_BYTES})`);
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
