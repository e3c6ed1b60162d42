// Helpers for the API tests: JSON and error answers checked for their shape, keyset walks, CSV.
import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import { createApp } from "../src/server/app.js";
import type { Store } from "../src/store/db.js";
import { openArchive } from "./helpers.js";

export type App = ReturnType<typeof createApp>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies; the assertions check their shape
export type Json = Record<string, any>;

/** The archive ledger, read-only, and the app over it without the web app: what most API tests ask. */
export async function openArchiveApp(): Promise<{ store: Store; app: App }> {
  const store = await openArchive();
  return { store, app: createApp({ store, webDist: null }) };
}

/** Parses CSV as csv-stringify writes it (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  return parse(text, { relaxColumnCount: true }) as string[][];
}

/** The helpers, asking the app `app()` returns unless another is given. */
export function apiHelpers(app: () => App) {
  async function getJson(url: string, a: App = app()): Promise<Json> {
    const r = await a.request(url);
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${body}`);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    return JSON.parse(body);
  }

  async function getError(url: string, status: number, a: App = app()) {
    const r = await a.request(url);
    expect(r.status, url).toBe(status);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const body = (await r.json()) as Json;
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.status).toBe(status);
    expect(typeof body.error.code).toBe("string");
    expect(typeof body.error.message).toBe("string");
    return body.error as { status: number; code: string; message: string; parameter?: string };
  }

  /** Follows next_cursor to the end; returns every row and the pages' totals. */
  async function walk(
    url: string,
    key: string | ((r: Json) => string),
  ): Promise<{ rows: Json[]; totals: number[]; pages: number }> {
    const rows: Json[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = url.includes("?") ? "&" : "?";
      const body = await getJson(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
      expect(body.count).toBe(body.rows.length);
      rows.push(...body.rows);
      totals.push(body.total);
      cursor = body.next_cursor;
      pages++;
      if (pages > 500) throw new Error("pagination does not end");
    } while (cursor);
    const keys = rows.map((r) => (typeof key === "string" ? String(r[key]) : key(r)));
    expect(new Set(keys).size).toBe(keys.length);
    return { rows, totals, pages };
  }

  return { getJson, getError, walk };
}
