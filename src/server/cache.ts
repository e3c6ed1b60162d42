// Caches keyed on the ledger version. The ledger only changes on ingest, so every answer the API
// gives can be kept until the version moves; then everything is dropped at once.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../store/db.js";
import { ApiError } from "./http.js";

/**
 * The ledger version: the fix-table rules, the last event, the number of dated observations, the
 * latest list replayed and the number of MOA documents kept. Any ingest or rebuild that changes what the API would say changes one
 * of these. Read at most once per `ttlMs`, because a CLI ingest may run beside the server.
 */
export class LedgerVersion {
  private value: string | null = null;
  private readAt = 0;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 1000,
  ) {}

  async current(): Promise<string> {
    const now = Date.now();
    if (this.value !== null && now - this.readAt < this.ttlMs) return this.value;
    return this.reread();
  }

  /** Reads the version now, whatever the TTL (an answer checks it was built on one version). */
  async reread(): Promise<string> {
    const now = Date.now();
    this.pending ??= this.read().finally(() => {
      this.pending = null;
    });
    const v = await this.pending;
    this.value = v;
    this.readAt = now;
    return v;
  }

  // One statement, so PostgreSQL reads every part from one snapshot (a pool would spread five
  // queries over five connections, and an ingest could commit between them).
  private async read(): Promise<string> {
    const r = await sql<{ rules: string | null; seq: number | null; obs: number; state: string | null; moa: number }>`
      select (select value from meta where key = 'rules') as rules,
        (select max(seq) from event) as seq,
        (select count(*) from observation) as obs,
        (select updated_at from ledger_state limit 1) as state,
        (select count(*) from moa_document) as moa`.execute(this.db);
    const v = r.rows[0];
    const raw = `${v?.rules ?? ""}|${v?.seq ?? 0}|${v?.obs ?? 0}|${v?.state ?? ""}|${v?.moa ?? 0}`;
    return createHash("sha1").update(raw).digest("base64url").slice(0, 16);
  }
}

/**
 * An answer was built while an ingest committed: it may mix two versions, so it is built again.
 * Still moving after a few tries (ingests back to back), it is a 503: ask again shortly.
 */
export class VersionMoved extends ApiError {
  constructor(from: string) {
    super(503, "ledger_updating", `the ledger changed while this answer was built (from version ${from}): try again`);
  }
}

/**
 * The cached answer for `key`, built on one ledger version from start to end. The version is read
 * again after a build; if an ingest (this process's or another's on the same database) committed
 * meanwhile, the answer is thrown away and built on the new version. So a reader sees the ledger
 * before a list or after it, never half of one, on SQLite and on PostgreSQL alike.
 */
export async function consistentAnswer<T>(
  version: LedgerVersion,
  cache: VersionedCache<T>,
  key: string,
  build: (version: string) => Promise<T>,
  tries = 5,
): Promise<T> {
  for (let i = 1; ; i++) {
    const v = await version.current();
    try {
      return await cache.get(v, key, async () => {
        const out = await build(v);
        if ((await version.reread()) !== v) throw new VersionMoved(v);
        return out;
      });
    } catch (e) {
      if (!(e instanceof VersionMoved) || i >= tries) throw e;
    }
  }
}

/**
 * A bounded map of promises, so fifty connections asking for the same cold resource wait for one
 * computation instead of starting fifty. The least recently asked for go first, past a number of
 * entries or (with `sizeOf`) of bytes, since query strings are the client's to vary; a new version
 * clears it all.
 */
export class VersionedCache<T> {
  private version = "";
  private readonly map = new Map<string, Promise<T>>();
  /** The same entries once settled, so a hit can be answered without waiting on a promise. */
  private readonly done = new Map<string, T>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly budget?: { maxBytes: number; sizeOf: (v: T) => number },
  ) {}

  private use(version: string): void {
    if (version !== this.version) {
      this.map.clear();
      this.done.clear();
      this.bytes = 0;
      this.version = version;
    }
  }

  private drop(key: string): void {
    this.map.delete(key);
    const v = this.done.get(key);
    if (v !== undefined && this.budget) this.bytes -= this.budget.sizeOf(v);
    this.done.delete(key);
  }

  private evict(): void {
    while (this.map.size > this.maxEntries || (this.budget && this.bytes > this.budget.maxBytes && this.map.size > 1)) {
      this.drop(this.map.keys().next().value as string);
    }
  }

  get(version: string, key: string, compute: () => Promise<T>): Promise<T> {
    this.use(version);
    const hit = this.map.get(key);
    if (hit) {
      // Least recently used goes first: a shared lookup asked for by every file is never the oldest.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const p = compute();
    p.then(
      (v) => {
        if (this.map.get(key) !== p) return;
        this.done.set(key, v);
        if (this.budget) {
          this.bytes += this.budget.sizeOf(v);
          this.evict();
        }
      },
      // A failure is not cached: the next request tries again.
      () => {
        if (this.map.get(key) === p) this.map.delete(key);
      },
    );
    this.map.set(key, p);
    this.evict();
    return p;
  }

  /** A settled entry of this version, or undefined. */
  peek(version: string, key: string): T | undefined {
    if (version !== this.version) return undefined;
    const v = this.done.get(key);
    if (v !== undefined) {
      const p = this.map.get(key) as Promise<T>;
      this.map.delete(key);
      this.map.set(key, p);
    }
    return v;
  }
}
