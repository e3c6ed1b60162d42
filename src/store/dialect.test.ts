// Which backend a target names, how it is shown, and where --db's default comes from.
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultDbPath } from "./db.js";
import { dialectOf, displayTarget } from "./dialect.js";

describe("store targets", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["postgres://u@h/db", "postgres"],
    ["POSTGRESQL://u@h:5433/db?sslmode=require", "postgres"],
    ["g287.db", "sqlite"],
    ["/var/lib/g287/postgres.db", "sqlite"],
  ])("a postgres:// or postgresql:// URL is PostgreSQL, anything else a SQLite file: %s", (target, dialect) => {
    expect(dialectOf(target)).toBe(dialect);
  });

  it("a URL is shown without its password", () => {
    expect(displayTarget("postgres://g287:s3cret@db.example.org:5432/g287")).toBe(
      "postgres://g287:***@db.example.org:5432/g287",
    );
    expect(displayTarget("postgres://g287@127.0.0.1/g287")).toBe("postgres://g287@127.0.0.1/g287");
    expect(displayTarget("ledger.db")).toBe("ledger.db");
  });

  it("the default is G287_DB, then DATABASE_URL (PostgreSQL only), then ./g287.db", () => {
    vi.stubEnv("G287_DB", "");
    vi.stubEnv("DATABASE_URL", "");
    expect(defaultDbPath()).toBe("g287.db");
    vi.stubEnv("DATABASE_URL", "postgres://u@h/db");
    expect(defaultDbPath()).toBe("postgres://u@h/db");
    vi.stubEnv("G287_DB", "mine.db");
    expect(defaultDbPath()).toBe("mine.db");
    vi.stubEnv("G287_DB", "");
    vi.stubEnv("DATABASE_URL", "mysql://u@h/db");
    expect(() => defaultDbPath()).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
  });
});
