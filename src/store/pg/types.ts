// How values come back from PostgreSQL, set once for every pool so query code sees what SQLite
// gives: numbers for counts and sums, and dates as the text they were stored as.
import pg from "pg";

const { builtins } = pg.types;

const asNumber = (v: string) => Number(v);
const asText = (v: string) => v;

// count(*) and sum(integer) are int8, avg() and sum(int8) numeric: pg returns both as strings
// so as not to lose precision. Our counts are far below 2^53, and SQLite returns doubles anyway.
// DATE and TIMESTAMP stay text: pg would turn '2026-05-01' into local midnight, a different
// day west of Greenwich. Booleans come back as 1/0 and JSON as its text, as SQLite returns them
// (the schema keeps flags as integers and JSON as text; these cover computed values).
const PARSERS = new Map<number, (v: string) => unknown>([
  [builtins.INT8, asNumber],
  [builtins.NUMERIC, asNumber],
  [builtins.DATE, asText],
  [builtins.TIMESTAMP, asText],
  [builtins.TIMESTAMPTZ, asText],
  [builtins.BOOL, (v: string) => (v === "t" ? 1 : 0)],
  [builtins.JSON, asText],
  [builtins.JSONB, asText],
]);

export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};
