// `npm run bench`: parsing, a cold replay from the files, a rebuild from the stored rows, an
// incremental ingest and peak memory, each reported as a median with a ratio against a baseline
// measured in the same run (Python openpyxl reading the same files) and against the targets in the
// issue; then SQLite against PostgreSQL side by side (bench/sections.ts, which also runs them alone:
// `npm run bench -- backends load`, and the soak: `npm run bench -- soak`). Not a test: it prints figures.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as XLSX from "@e965/xlsx";
import { loadCorrections } from "../src/normalize/corrections.js";
import { ingest } from "../src/pipeline/ingest.js";
import { parseSnapshot } from "../src/pipeline/parse.js";
import { readSheet } from "../src/sheets/read-sheet.js";
import { readXlsxSheetJs } from "../src/sheets/read-xlsx.js";
import { readArchive } from "../src/sources/archive.js";
import { openStore } from "../src/store/db.js";
import { ARCHIVE, compiled, fmt, median, type Once, pct, ROOT, replayOnce } from "./common.js";
import { runSections } from "./sections.js";

const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 3);
const REBUILDS = Number(process.env.BENCH_REBUILDS ?? 3);
const INCREMENTS = Number(process.env.BENCH_INCREMENTS ?? 5);

if (!fs.existsSync(path.join(ARCHIVE, "MANIFEST.csv"))) {
  console.error(`bench: no archive at ${ARCHIVE} (set G287_ARCHIVE)`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "g287-bench-"));

// `npm run bench -- backends load`: only the named sections (bench/sections.ts), figures in
// bench/out/<names>.json; `npm run bench -- soak` is the long soak run.
const only = process.argv.slice(2);
if (only.length) {
  try {
    const figures = await runSections(only, tmp);
    fs.mkdirSync(path.join(ROOT, "bench/out"), { recursive: true });
    const out = path.join(ROOT, `bench/out/${only[0] === "soak" ? "soak" : only.join("-")}.json`);
    fs.writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`figures written to ${path.relative(ROOT, out)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(process.exitCode ?? 0);
}
const report: Record<string, unknown> = {
  machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
};

// 1. Parsing one list, over every file of the archive.
console.log(`archive: ${ARCHIVE}`);
const { files } = readArchive(ARCHIVE);
const fixes = loadCorrections();
for (const f of files.slice(0, 20)) parseSnapshot(f, fixes); // warm up the JIT
const readMs: number[] = [];
const parseMs: number[] = [];
for (const f of files) {
  let t = performance.now();
  readSheet(f.bytes, f.fileName);
  readMs.push(performance.now() - t);
  t = performance.now();
  parseSnapshot(f, fixes);
  parseMs.push(performance.now() - t);
}
const xlsxIdx = files.map((f, i) => (f.fileName.endsWith(".xlsx") ? i : -1)).filter((i) => i >= 0);
// The fast xlsx path against SheetJS alone, over every xlsx file: what a cold replay would add
// without it (the measured reason sheets/xlsx-fast.ts gives for itself).
const sheetJsMs = xlsxIdx.map((i) => {
  const f = files[i] as (typeof files)[number];
  const t = performance.now();
  readXlsxSheetJs(f.bytes, f.fileName);
  return performance.now() - t;
});
const big = files.reduce((a, f, i) => (f.bytes.length > (files[a]?.bytes.length ?? 0) ? i : a), 0);

// The baseline: openpyxl on the same files, in this run.
const py = spawnSync("/usr/bin/python3", [path.join(ROOT, "bench/openpyxl_read.py")], {
  input: files.map((f) => f.location).join("\n"),
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
let pyMs: number[] | null = null;
if (py.status === 0) {
  const byFile = new Map(
    py.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { file: string; ms: number })
      .map((r) => [r.file, r.ms]),
  );
  pyMs = files.map((f) => byFile.get(f.location) ?? Number.NaN);
} else {
  console.log(`openpyxl baseline unavailable (${py.stderr.trim().split("\n").pop()}); install Debian python3-openpyxl`);
}
const parse = {
  files: files.length,
  read_median_ms: median(readMs),
  read_normalize_median_ms: median(parseMs),
  read_normalize_p90_ms: pct(parseMs, 0.9),
  xlsx_read_median_ms: median(xlsxIdx.map((i) => readMs[i] as number)),
  largest_file: { name: files[big]?.fileName, read_ms: readMs[big], openpyxl_ms: pyMs?.[big] ?? null },
  ...(pyMs
    ? {
        openpyxl_median_ms: median(pyMs),
        openpyxl_xlsx_median_ms: median(xlsxIdx.map((i) => pyMs[i] as number)),
        ratio_openpyxl_over_g287_read: median(pyMs) / median(readMs),
        ratio_openpyxl_over_g287_read_normalize: median(pyMs) / median(parseMs),
        ratio_xlsx_only:
          median(xlsxIdx.map((i) => pyMs[i] as number)) / median(xlsxIdx.map((i) => readMs[i] as number)),
        openpyxl_total_ms: pyMs.reduce((a, b) => a + b, 0),
      }
    : {}),
  g287_total_read_normalize_ms: parseMs.reduce((a, b) => a + b, 0),
  xlsx_fast_total_ms: xlsxIdx.reduce((a, i) => a + (readMs[i] as number), 0),
  xlsx_sheetjs_total_ms: sheetJsMs.reduce((a, b) => a + b, 0),
};
report.parse = parse;
console.log(
  `parse one list: median ${fmt(parse.read_median_ms)} read, ${fmt(parse.read_normalize_median_ms)} read+normalize` +
    (pyMs
      ? `; openpyxl median ${fmt(parse.openpyxl_median_ms as number)} → ${(parse.ratio_openpyxl_over_g287_read as number).toFixed(1)}× faster (${(parse.ratio_openpyxl_over_g287_read_normalize as number).toFixed(1)}× with normalization; xlsx only ${(parse.ratio_xlsx_only as number).toFixed(1)}×)`
      : ""),
);
console.log(
  `xlsx reading, all ${xlsxIdx.length} xlsx files: fast path ${fmt(parse.xlsx_fast_total_ms)}, SheetJS alone ${fmt(parse.xlsx_sheetjs_total_ms)} (a cold replay without the fast path would take ${fmt(parse.xlsx_sheetjs_total_ms - parse.xlsx_fast_total_ms)} longer)`,
);

// 2. Cold replay of the files into a fresh store, and 3. a rebuild of that store from its stored
// rows: each in its own process (peak memory per replay).
report.replay_runs_on = compiled ? "dist (compiled)" : "src through tsx";
console.log(
  `replays run on ${report.replay_runs_on}${compiled ? "" : " (npm run build for the figures bin/g287 gives)"}`,
);
const once = replayOnce;
const figures = (runs: Once[], targetMs: number) => ({
  runs: runs.map((r) => Math.round(r.ms)),
  median_ms: median(runs.map((r) => r.ms)),
  median_cpu_ms: median(runs.map((r) => r.cpuMs)),
  peak_rss_mb: Math.max(...runs.map((r) => r.maxRssMb)),
  target_ms: targetMs,
  ...(pyMs
    ? { ratio_to_openpyxl_reading_all_files: median(runs.map((r) => r.ms)) / (parse.openpyxl_total_ms as number) }
    : {}),
});
const cold = figures(
  Array.from({ length: REPLAYS }, () => once([ARCHIVE, path.join(tmp, "full.db")])),
  8_000,
);
const peak = { peak_rss_mb: cold.peak_rss_mb, target_mb: 300 };
report.full_replay = cold;
report.full_replay_memory = peak;
console.log(
  `cold replay of ${files.length} lists into a fresh store: median ${fmt(cold.median_ms)} (CPU ${fmt(cold.median_cpu_ms)}) over ${REPLAYS} runs (target ${fmt(cold.target_ms)}, ${(cold.median_ms / cold.target_ms).toFixed(2)}× of it)` +
    (pyMs ? `; openpyxl merely reading the same files takes ${fmt(parse.openpyxl_total_ms as number)}` : ""),
);
console.log(
  `peak memory of the cold replay: ${peak.peak_rss_mb.toFixed(0)} MB RSS (target ${peak.target_mb} MB, ${(peak.peak_rss_mb / peak.target_mb).toFixed(2)}× of it)`,
);
const rebuilt = figures(
  Array.from({ length: REBUILDS }, (_, i) => {
    const copy = path.join(tmp, `rebuild${i}.db`);
    fs.copyFileSync(path.join(tmp, "full.db"), copy);
    return once(["--rebuild", copy]);
  }),
  3_000,
);
report.rebuild = rebuilt;
console.log(
  `rebuild of the full store from its stored rows: median ${fmt(rebuilt.median_ms)} (CPU ${fmt(rebuilt.median_cpu_ms)}) over ${REBUILDS} runs (target ${fmt(rebuilt.target_ms)}, ${(rebuilt.median_ms / rebuilt.target_ms).toFixed(2)}× of it; ${(cold.median_ms / rebuilt.median_ms).toFixed(1)}× faster than a cold replay), peak RSS ${rebuilt.peak_rss_mb.toFixed(0)} MB` +
    (pyMs ? `; ${(rebuilt.ratio_to_openpyxl_reading_all_files as number).toFixed(2)}× openpyxl's reading time` : ""),
);

// 4. Incremental ingest of one new list into the full store.
const latest = files
  .filter((f) => f.fileName.startsWith("participating_"))
  .sort((a, b) => a.fileName.localeCompare(b.fileName))
  .pop();
if (!latest) throw new Error("no participating list in the archive");
const wb = XLSX.read(latest.bytes);
const ws = wb.Sheets[wb.SheetNames[0] as string] as XLSX.WorkSheet;
const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, defval: null });
const header = rows[0] as string[];
// The new row's cells by column name; the others empty.
const cells: Record<string, unknown> = {
  STATE: "TEXAS",
  "LAW ENFORCEMENT AGENCY": "Benchmark County Sheriff's Office",
  "SUPPORT TYPE": "Task Force Model",
  SIGNED: 46111,
};
const extra = header.map((h) => cells[h] ?? null);
const newList = path.join(tmp, "participatingAgencies12312030am.xlsx");
const nwb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(nwb, XLSX.utils.aoa_to_sheet([...rows, extra]), "Sheet1");
fs.writeFileSync(newList, XLSX.write(nwb, { type: "buffer", bookType: "xlsx" }));
const incMs: number[] = [];
for (let i = 0; i < INCREMENTS; i++) {
  const copy = path.join(tmp, `inc${i}.db`);
  fs.copyFileSync(path.join(tmp, "full.db"), copy);
  const store = await openStore(copy);
  const t = performance.now();
  const s = await ingest(store, [newList]);
  incMs.push(performance.now() - t);
  await store.close();
  if (s.mode !== "incremental" || s.applied !== 1)
    throw new Error(`incremental ingest did not apply: ${JSON.stringify(s)}`);
}
const inc = {
  runs: incMs.map((x) => Math.round(x)),
  median_ms: median(incMs),
  target_ms: 150,
  ratio_to_full_replay: median(incMs) / cold.median_ms,
};
report.incremental = inc;
console.log(
  `incremental ingest of one new list into the full store: median ${fmt(inc.median_ms)} over ${INCREMENTS} runs (target ${fmt(inc.target_ms)}, ${(inc.median_ms / inc.target_ms).toFixed(2)}× of it; ${(cold.median_ms / inc.median_ms).toFixed(0)}× faster than a cold replay)` +
    (pyMs ? `; openpyxl merely reading one list takes ${fmt(parse.openpyxl_median_ms as number)}` : ""),
);

report.api = await (await import("./api.js")).benchApi(path.join(tmp, "full.db")); // 5. API latency on loopback
report.web = (await import("./web-size.js")).benchWebSize(); // 6. home page JS, gzipped
// 7. every page on an emulated phone on Fast 3G: bytes on the wire and time to content (skipped without Chromium)
report.web_phone = await (await import("./web-phone.js")).benchWebPhone(path.join(tmp, "full.db"));
report.cli_start = (await import("./cli-start.js")).benchCliStart(
  path.join(tmp, "full.db"),
  pyMs ? (parse.openpyxl_median_ms as number) : null,
); // 8. g287 --help and status as processes
// 9. SQLite against PostgreSQL: a full replay, one new list, and the API under load on each.
Object.assign(report, await runSections(["backends", "load"], tmp));
report.peak_rss_bench_process_mb = process.resourceUsage().maxRSS / 1024;
fs.mkdirSync(path.join(ROOT, "bench/out"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "bench/out/latest.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(`figures written to bench/out/latest.json`);
fs.rmSync(tmp, { recursive: true, force: true });
