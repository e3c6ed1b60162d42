// The web app's data files (data/summary.json, data/agency/<id>.json and its CSV twin, …) as
// resources beside the API's: each page module under pages/ describes its files, register() serves
// them under /data through the API's caches and the one response path (respond.ts), and
// dataPaths() lists every file for `g287 site`.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { toCsv } from "../domain/csv.js";
import type { Db } from "../store/db.js";
import { consistentAnswer } from "./cache.js";
import { type ApiDeps, apiDeps, type Ctx, ctxFor, responseKey, sourceOf } from "./resource.js";
import { type Rendered, rendered, send } from "./respond.js";

/** Revalidated every time: the files change with each ingest, and a 304 costs next to nothing. */
export const DATA_CACHE_CONTROL = "no-cache";

/** Ids become file names on a static host: only these characters are ever used in a path. */
export const SAFE_ID = /[a-z0-9][a-z0-9-]*/;
export const STATE_CODE = /[A-Z]{2}/;

export interface Table {
  columns: readonly string[];
  rows: readonly object[];
}

interface Common {
  /** The path under data/ without its extension, with `{id}` where a name goes: `agency/{id}`. */
  path: string;
  /** What an `{id}` may be (default SAFE_ID). */
  id?: RegExp;
  /** Every id the file exists for, in the order `g287 site` lists them. */
  ids?(ctx: Ctx): Promise<readonly string[]>;
}

/** A JSON file built from one object, with an optional CSV twin from the same object. */
export interface ObjectFile<T> extends Common {
  /** The object, or null for a 404; loaded once per ledger version for the file and its twin. */
  load(ctx: Ctx, id: string): Promise<T | null>;
  csv?(data: T): Table;
}

/** A file that is bytes already (a stored MOA copy). */
export interface BytesFile extends Common {
  ext: string;
  bytes(ctx: Ctx, id: string): Promise<Rendered | null>;
}

export type DataFile = ObjectFile<unknown> | BytesFile;

const isBytes = (f: DataFile): f is BytesFile => "bytes" in f;

/** Typed constructor: keeps the CSV table in step with the loaded object. */
export function dataFile<T>(f: ObjectFile<T>): DataFile {
  return f as unknown as DataFile;
}

const json = (v: unknown) =>
  rendered(`${JSON.stringify(v)}\n`, "application/json; charset=utf-8", { "cache-control": DATA_CACHE_CONTROL });
const csv = (t: Table) =>
  rendered(toCsv(t.columns, t.rows as readonly Record<string, unknown>[]), "text/csv; charset=utf-8", {
    "cache-control": DATA_CACHE_CONTROL,
  });

function extsOf(f: DataFile): string[] {
  return isBytes(f) ? [f.ext] : f.csv ? ["json", "csv"] : ["json"];
}

/** The paths a file answers, as one pattern: `{id}` is the first group, the extension the last. */
function patternOf(f: DataFile): RegExp {
  const [before, after] = f.path.split("{id}") as [string, string | undefined];
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const id = after === undefined ? "" : `(${(f.id ?? SAFE_ID).source})${esc(after)}`;
  return new RegExp(`^${esc(before)}${id}\\.(${extsOf(f).join("|")})$`);
}

class NoFile extends Error {}

async function render(ctx: Ctx, f: DataFile, id: string, ext: string): Promise<Rendered> {
  if (isBytes(f)) {
    const r = await f.bytes(ctx, id);
    if (!r) throw new NoFile();
    return r;
  }
  const data = await ctx.memo(`data:${f.path}:${id}`, () => f.load(ctx, id));
  if (data === null) throw new NoFile();
  return ext === "csv" && f.csv ? csv(f.csv(data)) : json(data);
}

/** Serves one file description under /data; a path it does not match goes on to the next. */
export function registerDataFile(app: OpenAPIHono, deps: ApiDeps, f: DataFile): void {
  const pattern = patternOf(f);
  app.get("/data/*", async (c, next) => {
    const m = pattern.exec(c.req.path.slice("/data/".length));
    if (!m) return next();
    const id = m.length > 2 ? (m[1] as string) : "";
    try {
      const r = await consistentAnswer(deps.version, deps.responses, responseKey(c), async (version) =>
        render(ctxFor(deps, version, await sourceOf(deps, version)), f, id, m[m.length - 1] as string),
      );
      return send(c.req, r, DATA_CACHE_CONTROL);
    } catch (e) {
      if (e instanceof NoFile) return next();
      throw e;
    }
  });
}

/** The answer for a path under /data that no file has. */
export function registerDataNotFound(app: OpenAPIHono): void {
  app.get("/data/*", (c) => {
    const path = c.req.path.replace(/^.*?\/data\//, "");
    return c.json({ error: { status: 404, code: "not_found", message: `no data file ${path}` } }, 404);
  });
}

/** Every path a set of files answers, from the site root (`data/summary.json`, `data/agency/<id>.csv`, …). */
export async function dataPaths(store: { db: Db }, files: readonly DataFile[]): Promise<string[]> {
  const deps = apiDeps(store.db);
  const version = await deps.version.current();
  const ctx = ctxFor(deps, version, await sourceOf(deps, version));
  const out: string[] = [];
  for (const f of files) {
    const exts = extsOf(f);
    const ids = f.ids ? await f.ids(ctx) : [""];
    const id = new RegExp(`^(?:${(f.id ?? SAFE_ID).source})$`);
    for (const i of ids) {
      if (f.ids && !id.test(i)) continue;
      for (const e of exts) out.push(`data/${f.path.replace("{id}", i)}.${e}`);
    }
  }
  return out;
}
