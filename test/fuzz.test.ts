// The input fuzzer in the suite: a fixed-seed subset of harness.ts's cases (mutated real lists and
// hostile files), each ingested into a copy of a small store by a child process. Every case must
// end in a parsed list or a one-line InputError, within 2 s and 512 MB, with the store unchanged
// on error and intact on success. `npm run fuzz` runs thousands.
import { describe, expect, it } from "vitest";
import { CASE_MB, CASE_MS, KINDS, runFuzz } from "./fuzz/harness.js";
import { writeSecurityRows } from "./fuzz/security-table.js";

const SEED = 287;
const CASES = 200;

describe("fuzzing the readers with real lists and hostile files", () => {
  it(`${CASES} cases of seed ${SEED}: parsed or a clean error, in time and memory, store unchanged`, async () => {
    const report = await runFuzz({ seed: SEED, count: CASES });
    const lines = report.failures.map((f) => `case ${f.i} ${f.kind} (${f.detail}): ${f.outcome}: ${f.message}`);
    expect(lines).toEqual([]);
    expect(report.cases).toBe(CASES);
    // Every kind of mutation and hostile file was tried, and both outcomes occur.
    expect(Object.keys(report.byKind).sort()).toEqual([...KINDS].sort());
    expect(report.counts.parsed).toBeGreaterThan(20);
    expect(report.counts.clean_error).toBeGreaterThan(20);
    expect(report.worst?.peakMb ?? Infinity).toBeLessThanOrEqual(CASE_MB);
    expect(report.slowest?.ms ?? Infinity).toBeLessThanOrEqual(CASE_MS);

    writeSecurityRows(
      "input-fuzz.json",
      Object.entries(report.byKind).map(([kind, counts]) => ({
        class: kind.startsWith("hostile:") ? "hostile input file" : "mutated real list",
        case: `${kind.replace(/^\w+:/, "")} (fuzz seed ${SEED})`,
        guarantee: `parsed or a one-line error, under ${CASE_MS} ms and ${CASE_MB} MB, store unchanged on error`,
        result: `held: ${Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([o, n]) => `${n} ${o.replace("_", " ")}`)
          .join(", ")}`,
      })),
    );
  }, 240_000);
});
