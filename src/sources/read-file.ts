// Reads one local file with its sha256, turning file-system failures into one-line input errors.
// A file read on behalf of a folder (an archive's manifest entries) must stay inside that folder,
// symlinks resolved; devices, FIFOs and sockets are never read.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";

/** Lists are small (under 1 MB); anything far larger is not an ICE list (sheets/limits.ts holds it too). */
export const MAX_LIST_BYTES = 50 * 1024 * 1024;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface ReadOptions {
  /** A folder the file must resolve inside, symlinks followed. */
  within?: string;
}

/** True when `target` is `root` or below it (both absolute and resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/** Throws unless `file` (as written, and with its symlinks resolved) lies inside `dir`. */
export function checkInside(dir: string, file: string, shown = file): void {
  const root = fs.realpathSync(dir);
  if (!isInside(path.resolve(dir), path.resolve(file))) throw new InputError(shown, `is outside the folder ${dir}`);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    throw new InputError(shown, "no such file or directory");
  }
  if (!isInside(root, real)) throw new InputError(shown, `is a link to ${real}, outside the folder ${dir}`);
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

export function readLocalFile(file: string, opts: ReadOptions = {}): Uint8Array {
  if (opts.within) checkInside(opts.within, file);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new InputError(file, "no such file or directory");
  }
  if (!st.isFile()) throw new InputError(file, `not a regular file (${kindOf(st)})`);
  let fd: number;
  try {
    // Non-blocking, so that a FIFO swapped in after the check cannot hang the read on open.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) throw new InputError(file, `not a regular file (${kindOf(fst)})`);
    if (fst.size > MAX_LIST_BYTES)
      throw new InputError(file, `too large for a list (${fst.size} bytes, limit ${MAX_LIST_BYTES})`);
    return fs.readFileSync(fd);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }
}
