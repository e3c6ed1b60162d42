// Loads the whole data files under data/ with relative URLs, so the same build works on
// `g287 serve` and on a static copy in any folder. Each file is fetched once per page load.
import { useEffect, useState } from "preact/hooks";

const cache = new Map<string, Promise<unknown>>();

export function load<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = fetch(`data/${path}`, { headers: { accept: "application/json" } }).then(async (r) => {
      if (!r.ok) throw new DataError(r.status, `${path}: HTTP ${r.status}`);
      return r.json();
    });
    // A failed load is not kept: going back to the page tries again.
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}

export class DataError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Loaded<T> = { state: "loading" } | { state: "error"; error: Error } | { state: "ready"; data: T };

/** The file is not there (HTTP 404): a page for something that does not exist, or an empty selection. */
export const missing = (v: Loaded<unknown>): boolean =>
  v.state === "error" && v.error instanceof DataError && v.error.status === 404;

export function useData<T>(path: string | null): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    if (!path) return;
    let live = true;
    setV({ state: "loading" });
    load<T>(path).then(
      (data) => live && setV({ state: "ready", data }),
      (error: Error) => live && setV({ state: "error", error }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return v;
}

/** Several files at once: ready when all are. */
export function useAll<T extends unknown[]>(paths: { [K in keyof T]: string }): Loaded<T> {
  const key = paths.join("|");
  const [v, setV] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    let live = true;
    setV({ state: "loading" });
    Promise.all(paths.map((p) => load(p))).then(
      (data) => live && setV({ state: "ready", data: data as T }),
      (error: Error) => live && setV({ state: "error", error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return v;
}
