// Which backend a store target names: a postgres:// URL selects PostgreSQL, anything else is a
// SQLite file. Pure, so the CLI can decide without loading either driver.

export type Dialect = "sqlite" | "postgres";

const PG_URL = /^postgres(ql)?:\/\//i;

export function dialectOf(target: string): Dialect {
  return PG_URL.test(target) ? "postgres" : "sqlite";
}

/** The target as it may be shown: a URL loses its password. */
export function displayTarget(target: string): string {
  if (dialectOf(target) === "sqlite") return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}
