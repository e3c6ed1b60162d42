// One way to publish a resource: a zod-checked route in the OpenAPI document, a JSON twin and a CSV
// twin (`/api/v1/x`, `/api/v1/x.json`, `/api/v1/x.csv`), the envelope, keyset pages, and answers
// cached per ledger version with an ETag, so a repeated request costs a map lookup.

import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Db } from "../store/db.js";
import { consistentAnswer, LedgerVersion, VersionedCache } from "./cache.js";
import {
  ApiError,
  type Envelope,
  errorResponse,
  type Format,
  itemBody,
  listBody,
  renderCsv,
  renderJson,
  type Source,
} from "./http.js";
import { localise } from "./localise.js";
import { byKey, page } from "./paging.js";
import { DEFAULT_LIMIT, limitOf, paging } from "./params.js";
import { type Rendered, send } from "./respond.js";

export const API_PREFIX = "/api/v1";
export const API_CACHE_CONTROL = "public, max-age=60";

/** What a resource's loader gets: the store, and a memo shared by every resource of one version. */
export interface Ctx {
  db: Db;
  version: string;
  source: Source;
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export type Row = Record<string, unknown>;

export interface ListData {
  rows: Row[];
  columns: readonly string[];
  /** The unique sort key of a row (or of its position, for lists already in order); rows are sorted by it before paging. */
  key: (r: Row, i: number) => string;
  /** Fields added to the envelope beside the rows (for example the date a roster is for). */
  extra?: Record<string, unknown>;
}

export interface ItemData {
  data: unknown;
  /** The CSV twin of an item: its main table. */
  csv: { columns: readonly string[]; rows: readonly object[] };
}

type Shape = Record<string, z.ZodType>;

const langParam = z.enum(["en", "es"], { message: "expected en or es" }).optional().openapi({
  description:
    "language of the keyed messages (`*_msg`: key, params, text) beside the English sentences: en (default) or es; with a language given, every recognised reason also gets its `reason_msg`",
});
type Parsed<S extends Shape> = z.infer<z.ZodObject<S>>;

interface Common<Q extends Shape, P extends Shape> {
  /** OpenAPI-style path under /api/v1, e.g. `/agencies/{id}`. */
  path: string;
  /** Operation id, and the CSV file name. */
  name: string;
  tag: string;
  summary: string;
  description?: string;
  query: Q;
  params?: P;
  /** The shape of one row (lists) or of `data` (items), for the OpenAPI document. */
  schema?: z.ZodType;
}

export interface ListResource<Q extends Shape = Shape, P extends Shape = Shape> extends Common<Q, P> {
  kind: "list";
  load(ctx: Ctx, q: Parsed<Q>, params: Parsed<P>): Promise<ListData | null>;
}

export interface ItemResource<Q extends Shape = Shape, P extends Shape = Shape> extends Common<Q, P> {
  kind: "item";
  load(ctx: Ctx, q: Parsed<Q>, params: Parsed<P>): Promise<ItemData | null>;
}

export type Resource = ListResource<Shape, Shape> | ItemResource<Shape, Shape>;

/** Typed constructors: they keep the loader's parameters in step with the zod shapes. */
export function listResource<Q extends Shape, P extends Shape = Record<never, z.ZodType>>(
  r: Omit<ListResource<Q, P>, "kind">,
): Resource {
  return { ...r, kind: "list" } as unknown as Resource;
}
export function itemResource<Q extends Shape, P extends Shape = Record<never, z.ZodType>>(
  r: Omit<ItemResource<Q, P>, "kind">,
): Resource {
  return { ...r, kind: "item" } as unknown as Resource;
}

export interface ApiDeps {
  db: Db;
  version: LedgerVersion;
  /** Rendered bodies by URL: API answers, the feed and the web app's data files. */
  responses: VersionedCache<Rendered>;
  /** Loaded data by resource + query (without paging), and shared lookups by name. */
  data: VersionedCache<unknown>;
}

// One loaded-data cache per store, so `g287 site` lists its files from the very objects its app serves.
const DATA = new WeakMap<Db, VersionedCache<unknown>>();

export function apiDeps(db: Db, opts: { versionTtlMs?: number } = {}): ApiDeps {
  let data = DATA.get(db);
  if (!data) {
    // Loaded lists by filter (a few thousand rows at most each), the web pages' objects and the shared lookups.
    data = new VersionedCache<unknown>(600);
    DATA.set(db, data);
  }
  return {
    db,
    version: new LedgerVersion(db, opts.versionTtlMs),
    // Bodies: at most 256 MB (a full roster is under 1 MB; a page of 100 rows about 60 kB).
    responses: new VersionedCache<Rendered>(4000, {
      maxBytes: 256 * 2 ** 20,
      // The compressed twins, made later, are a fraction of this: counted in the estimate, not apart.
      sizeOf: (r) => Math.ceil(r.body.byteLength * 1.25),
    }),
    data,
  };
}

/**
 * The response cache's key for a request: its whole URL (the suffix and query pick the answer),
 * except for a web data file, which no query changes: its path, so `?x=1`, `?x=2`… cannot fill the cache.
 */
export function responseKey(c: Context): string {
  const p = c.req.path;
  return p.startsWith("/data/") ? p : c.req.url;
}

/** The format asked for by the URL's suffix: `.csv`, else JSON. */
export function formatOf(c: Context): Format {
  const u = c.req.url;
  const q = u.indexOf("?");
  return (q < 0 ? u : u.slice(0, q)).endsWith(".csv") ? "csv" : "json";
}

export function ctxFor(deps: ApiDeps, version: string, source: Source): Ctx {
  return {
    db: deps.db,
    version,
    source,
    memo: <T>(key: string, fn: () => Promise<T>) => deps.data.get(version, `memo:${key}`, fn) as Promise<T>,
  };
}

/** Names the source of every answer: the latest applied list and how many lists were applied. */
export async function sourceOf(deps: ApiDeps, version: string): Promise<Source> {
  return deps.data.get(version, "source", async () => {
    const latest = await deps.db
      .selectFrom("observation")
      .select(["date", "original_filename"])
      .where("status", "=", "applied")
      .where("kind", "=", "participating")
      .orderBy("order_key", "desc")
      .limit(1)
      .executeTakeFirst();
    const n = await deps.db
      .selectFrom("observation")
      .select(deps.db.fn.countAll<number>().as("n"))
      .where("status", "=", "applied")
      .executeTakeFirstOrThrow();
    return {
      name: "g287: a ledger of ICE 287(g) agreements, replayed from every list ICE published",
      publisher: "U.S. Immigration and Customs Enforcement (the lists); g287 (the ledger)",
      url: "https://www.ice.gov/identify-and-arrest/287g",
      lists_applied: Number(n.n),
      latest_list: latest ? { date: latest.date, file: latest.original_filename } : null,
      ledger_version: version,
    } satisfies Source;
  }) as Promise<Source>;
}

/** Drops undefined values, so "the query as understood" lists only what was given or defaulted. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

async function build(
  c: Context,
  deps: ApiDeps,
  r: Resource,
  version: string,
  q: Record<string, unknown>,
  params: Record<string, unknown>,
): Promise<Rendered> {
  const source = await sourceOf(deps, version);
  const ctx = ctxFor(deps, version, source);
  const fmt = formatOf(c);
  const { limit, cursor, lang, ...filters } = q as { limit?: string; cursor?: string; lang?: "en" | "es" } & Record<
    string,
    unknown
  >;
  const dataKey = `${r.name} ${JSON.stringify(params)} ${JSON.stringify(filters)}`;
  const loaded = await deps.data.get(version, dataKey, async () => {
    const d = await r.load(ctx, filters as never, params as never);
    if (d && r.kind === "list") {
      const ld = d as ListData;
      const keys = ld.rows.map((r, i) => ld.key(r, i));
      const order = keys.map((_, i) => i).sort((a, b) => byKey(keys[a] as string, keys[b] as string));
      return { ...ld, rows: order.map((i) => ld.rows[i] as Row), keys: order.map((i) => keys[i] as string) };
    }
    return d;
  });
  if (!loaded) {
    const what = r.path.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ""));
    throw new ApiError(404, "not_found", `${API_PREFIX}${what}: not found`);
  }
  const env: Envelope = {
    query: defined({ ...params, ...filters, lang }),
    latest_list: source.latest_list?.date ?? null,
    source,
  };
  // `?lang=es`: the English fields stay; keyed messages beside them are rendered in Spanish.
  const out = lang ? localise(loaded, lang) : loaded;
  if (r.kind === "item") {
    const d = out as ItemData;
    return fmt === "csv"
      ? renderCsv(r.name, d.csv.columns, d.csv.rows as readonly Row[])
      : renderJson(itemBody(env, d.data));
  }
  const d = out as ListData & { keys: string[] };
  // A CSV is a download: every row unless a page size was asked for.
  const lim = fmt === "csv" && limit === undefined ? Number.POSITIVE_INFINITY : limitOf(limit);
  const pg = page(d.rows, d.keys, lim, cursor);
  env.query = defined({
    ...env.query,
    limit: Number.isFinite(lim) ? lim : "all",
    cursor,
  });
  if (fmt === "csv") {
    const headers: Record<string, string> = {};
    if (pg.next_cursor) {
      const u = new URL(c.req.url);
      u.searchParams.set("cursor", pg.next_cursor);
      headers.link = `<${u.pathname}${u.search}>; rel="next"`;
    }
    return renderCsv(r.name, d.columns, pg.rows, headers);
  }
  return renderJson(listBody({ ...env, ...(d.extra ?? {}) }, pg.rows, pg));
}

const errorSchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
      parameter: z.string().optional(),
    }),
  })
  .openapi("Error");

const sourceSchema = z
  .object({
    name: z.string(),
    publisher: z.string(),
    url: z.string(),
    lists_applied: z.number().int(),
    latest_list: z.object({ date: z.string(), file: z.string() }).nullable(),
    ledger_version: z.string(),
  })
  .openapi("Source");

function envelopeSchema(r: Resource) {
  const row = r.schema ?? z.record(z.string(), z.unknown());
  const base = { query: z.record(z.string(), z.unknown()), latest_list: z.string().nullable(), source: sourceSchema };
  return r.kind === "list"
    ? z.object({
        ...base,
        total: z.number().int().openapi({ description: "rows matching the query, over all pages" }),
        next_cursor: z
          .string()
          .nullable()
          .openapi({ description: "pass as cursor for the next page; null at the end" }),
        count: z.number().int().openapi({ description: "rows on this page" }),
        rows: z.array(row),
      })
    : z.object({ ...base, data: row });
}

/** Adds one resource to the app: its route (with the OpenAPI description) and its twins. */
export function register(app: OpenAPIHono, deps: ApiDeps, r: Resource): void {
  const shape: Shape = { ...r.query, ...(r.kind === "list" ? paging : {}), lang: langParam };
  const accepted = Object.keys(shape);
  const query = z.strictObject(shape);
  const params = r.params ? z.object(r.params) : undefined;
  const base = `${API_PREFIX}${r.path}`;
  const route = createRoute({
    method: "get",
    path: base,
    operationId: r.name,
    tags: [r.tag],
    summary: r.summary,
    description: [
      r.description ?? "",
      `Also as \`${base}.json\` and \`${base}.csv\` (CSV cells that a spreadsheet would run as a formula are prefixed with \`'\`).`,
      r.kind === "list"
        ? `Keyset pages: \`limit\` (default ${DEFAULT_LIMIT}; a CSV has every row unless a limit is given) and \`cursor\` (the \`next_cursor\` of the previous page).`
        : "",
    ]
      .filter(Boolean)
      .join("\n\n"),
    request: { query, ...(params ? { params } : {}) },
    responses: {
      200: {
        description: r.kind === "list" ? "one page of rows in the list envelope" : "the resource in the envelope",
        headers: z.object({ ETag: z.string(), "Cache-Control": z.string() }),
        content: {
          "application/json": { schema: envelopeSchema(r) },
          "text/csv": { schema: z.string() },
        },
      },
      304: { description: "not modified: the If-None-Match ETag is still current" },
      400: {
        description: "a bad parameter, named in error.parameter",
        content: { "application/json": { schema: errorSchema } },
      },
      404: { description: "no such resource", content: { "application/json": { schema: errorSchema } } },
    },
  });
  const handler = async (c: Context) => {
    const q = (c.req as unknown as { valid(t: string): Record<string, unknown> }).valid("query");
    const p = params ? (c.req as unknown as { valid(t: string): Record<string, unknown> }).valid("param") : {};
    const rendered = await consistentAnswer(deps.version, deps.responses, responseKey(c), (version) =>
      build(c, deps, r, version, q, p),
    );
    return send(c.req, rendered, API_CACHE_CONTROL);
  };
  const hook = (result: { success: boolean; error?: z.ZodError }) => {
    if (result.success || !result.error) return;
    return errorResponse(validationError(result.error, accepted));
  };
  app.openapi(route, handler as never, hook as never);
}

/** The first zod issue as a 400 that names the parameter. */
export function validationError(err: z.ZodError, accepted: string[]): ApiError {
  const issue = err.issues[0];
  if (!issue) return new ApiError(400, "bad_parameter", "invalid request");
  if (issue.code === "unrecognized_keys") {
    const k = issue.keys[0] as string;
    return new ApiError(
      400,
      "unknown_parameter",
      `${k}: unknown parameter; this resource takes ${accepted.length ? accepted.join(", ") : "no parameters"}`,
      k,
    );
  }
  const name = String(issue.path[0] ?? "");
  // The query validator passes a repeated parameter as an array and a missing one as undefined.
  const message =
    issue.code === "invalid_type"
      ? /received undefined/.test(issue.message)
        ? "required"
        : /received array/.test(issue.message)
          ? "give this parameter once"
          : issue.message
      : issue.message;
  return new ApiError(400, "bad_parameter", `${name}: ${message}`, name || undefined);
}
