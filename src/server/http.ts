// The API's one error shape and its response envelope, plus the rendered-body type every route
// returns (bytes, content type, ETag), so caching and 304s are handled in one place.
import { toCsv } from "../domain/csv.js";
import { listEnvelope } from "../export/json.js";
import { type Rendered, rendered } from "./respond.js";

export type Format = "json" | "csv";

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 500 | 503,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ErrorBody {
  error: { status: number; code: string; message: string; parameter?: string };
}

export function errorBody(status: number, code: string, message: string, parameter?: string): ErrorBody {
  return { error: { status, code, message, ...(parameter ? { parameter } : {}) } };
}

/** An error response: JSON in the error shape, never cached, never a stack trace. */
export function errorResponse(e: ApiError): Response {
  return new Response(`${JSON.stringify(errorBody(e.status, e.code, e.message, e.parameter), null, 2)}\n`, {
    status: e.status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/** Where the numbers come from: named in every envelope so a copied response keeps its source. */
export interface Source {
  name: string;
  publisher: string;
  url: string;
  lists_applied: number;
  latest_list: { date: string; file: string } | null;
  ledger_version: string;
}

export interface Envelope {
  query: Record<string, unknown>;
  latest_list: string | null;
  source: Source;
}

export function listBody<T>(
  env: Envelope,
  rows: T[],
  page: { total: number; next_cursor: string | null },
): Record<string, unknown> {
  return listEnvelope(rows, { ...env, total: page.total, next_cursor: page.next_cursor });
}

export function itemBody(env: Envelope, data: unknown): Record<string, unknown> {
  return { ...env, data };
}

/** Compact JSON: a browser or `jq` shows it indented; the wire carries a third fewer bytes. */
export function renderJson(v: unknown, headers: Record<string, string> = {}): Rendered {
  return rendered(`${JSON.stringify(v)}\n`, "application/json; charset=utf-8", headers);
}

/** CSV through domain/csv.ts, which neutralises cells a spreadsheet would run as formulas. */
export function renderCsv(
  name: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  headers: Record<string, string> = {},
): Rendered {
  return rendered(toCsv(columns, rows), "text/csv; charset=utf-8", {
    "content-disposition": `inline; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}.csv"`,
    ...headers,
  });
}
