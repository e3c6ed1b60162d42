// `g287 --help` and `g287 status` as whole processes (bin/g287 running the compiled dist/, built
// first so it is the current code), beside node's own start-up and the openpyxl baseline of the run.
// The targets are the issue's: --help under 150 ms, status under 300 ms.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin/g287");
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Wall time of whole runs of one command, after two runs that warm the disk cache. */
function timeRuns(file: string, args: string[]): number[] {
  const ms: number[] = [];
  for (let i = -2; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(file, args, { encoding: "utf8", cwd: ROOT });
    const took = performance.now() - t;
    if (r.status !== 0) throw new Error(`${path.basename(file)} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i >= 0) ms.push(took);
  }
  return ms;
}

export function benchCliStart(db: string, openpyxlMedianMs: number | null) {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  const node = timeRuns(process.execPath, ["-e", "0"]);
  const figure = (runs: number[], targetMs: number) => ({
    runs: runs.map((x) => Math.round(x)),
    median_ms: median(runs),
    target_ms: targetMs,
    over_node_start_ms: median(runs) - median(node),
  });
  const help = figure(timeRuns(BIN, ["--help"]), 150);
  const status = figure(timeRuns(BIN, ["--db", db, "status"]), 300);
  const line = (name: string, f: typeof help) =>
    `${name} as a whole process: median ${f.median_ms.toFixed(0)} ms over ${RUNS} runs (target ${f.target_ms} ms, ${(f.median_ms / f.target_ms).toFixed(2)}× of it; ${f.over_node_start_ms.toFixed(0)} ms beyond node's own start-up)`;
  console.log(
    `${line("g287 --help", help)}; node -e 0 alone: ${median(node).toFixed(0)} ms` +
      (openpyxlMedianMs === null ? "" : `; openpyxl merely reading one list takes ${openpyxlMedianMs.toFixed(0)} ms`),
  );
  console.log(line("g287 status", status));
  return { node_start_median_ms: median(node), help, status, openpyxl_median_ms: openpyxlMedianMs };
}

// Alone: `node --import tsx bench/cli-start.ts LEDGER.db` (npm run bench calls benchCliStart).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const db = process.argv[2];
  if (!db) throw new Error("usage: bench/cli-start.ts LEDGER.db");
  benchCliStart(path.resolve(db), null);
}
