// Keyset pagination over a list sorted by a unique key. The cursor is opaque to clients: it holds
// the last key of the page, so a page boundary stays put when rows are added before it.
import { ApiError } from "./http.js";

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof v.after !== "string") throw new Error("no key");
    return v.after;
  } catch {
    throw new ApiError(400, "bad_parameter", "cursor: not a cursor from this API (use next_cursor as given)", "cursor");
  }
}

/** Binary compare by UTF-16 code units: the same order on every machine, whatever the locale. */
export function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Page<T> {
  rows: T[];
  total: number;
  next_cursor: string | null;
}

/** One page of `rows` (sorted by `keys`, ascending, unique): the rows after the cursor's key. */
export function page<T>(rows: readonly T[], keys: readonly string[], limit: number, cursor?: string): Page<T> {
  let start = 0;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor);
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as string) <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const end = Math.min(rows.length, start + limit);
  return {
    rows: rows.slice(start, end),
    total: rows.length,
    next_cursor: end < rows.length ? encodeCursor(keys[end - 1] as string) : null,
  };
}
