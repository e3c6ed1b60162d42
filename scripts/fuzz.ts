// `npm run fuzz [-- --seed N --cases N --from N]`: thousands of hostile and mutated lists through
// `ingest`, each into a copy of a small store; prints the counts and the worst case, and exits 1
// on any crash, hang, slow or oversized case, or changed store.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ALL_SEEDS, CASE_MB, CASE_MS, runFuzz } from "../test/fuzz/harness.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seed = arg("seed", 287);
const cases = arg("cases", 3000);
const from = arg("from", 0);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-fuzz-"));
process.env.G287_FUZZ_DIR = dir;
const t = performance.now();
let n = 0;
const report = await runFuzz({
  seed,
  count: cases,
  from,
  seeds: ALL_SEEDS,
  onResult: (r) => {
    n++;
    if (r.outcome !== "parsed" && r.outcome !== "clean_error")
      process.stderr.write(`case ${r.i} ${r.kind} (${r.detail}): ${r.outcome}: ${r.message}\n`);
    else if (n % 100 === 0) process.stderr.write(`${n}/${cases} cases\n`);
  },
});
fs.rmSync(dir, { recursive: true, force: true });
const c = report.counts;
const lines = [
  `seed ${seed}, cases ${from}..${from + cases - 1}: ${report.cases} cases in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  `parsed ${c.parsed}, clean errors ${c.clean_error}, crashes ${c.crash}, hangs ${c.hang}, slow (> ${CASE_MS} ms) ${c.slow}, over ${CASE_MB} MB ${c.memory}, corrupt stores ${c.corrupt_store}`,
  `worst memory: ${report.worst?.peakMb} MB peak RSS (case ${report.worst?.i}, ${report.worst?.kind}: ${report.worst?.detail})`,
  `slowest: ${report.slowest?.ms} ms (case ${report.slowest?.i}, ${report.slowest?.kind}: ${report.slowest?.detail})`,
  "by kind:",
  ...Object.entries(report.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, v]) =>
        `  ${k.padEnd(28)} ${Object.entries(v)
          .map(([o, m]) => `${o} ${m}`)
          .join(", ")}`,
    ),
];
process.stdout.write(`${lines.join("\n")}\n`);
process.exitCode = report.failures.length ? 1 : 0;
