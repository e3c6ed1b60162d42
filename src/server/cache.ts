// Caches keyed on the ledger version. The ledger only changes on ingest, so every answer the API
// gives can be kept until the version moves; then everything is dropped at once.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../store/db.js";

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
    this.pending ??= this.read().finally(() => {
      this.pending = null;
    });
    const v = await this.pending;
    this.value = v;
    this.readAt = now;
    return v;
  }

  private async read(): Promise<string> {
    const [rules, seq, obs, state, moa] = await Promise.all([
      this.db.selectFrom("meta").select("value").where("key", "=", "rules").executeTakeFirst(),
      this.db.selectFrom("event").select(this.db.fn.max("seq").as("n")).executeTakeFirst(),
      this.db.selectFrom("observation").select(this.db.fn.countAll<number>().as("n")).executeTakeFirst(),
      this.db.selectFrom("ledger_state").select("updated_at").executeTakeFirst(),
      // Agency pages list the MOA documents `g287 moa` keeps, which change without an ingest.
      sql<{ n: number }>`select count(*) as n from moa_document`.execute(this.db),
    ]);
    const raw = `${rules?.value ?? ""}|${seq?.n ?? 0}|${obs?.n ?? 0}|${state?.updated_at ?? ""}|${moa.rows[0]?.n ?? 0}`;
    return createHash("sha1").update(raw).digest("base64url").slice(0, 16);
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
