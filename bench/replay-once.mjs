// One full replay in its own process, so that its peak memory is its own: `replay-once.mjs ARCHIVE
// DB` replays the archive's files into a fresh store (a cold replay); `replay-once.mjs --rebuild
// DB` replays an existing store from its stored rows. Runs the compiled dist/ when
// G287_BENCH_DIST=1 (what bin/g287 runs), else src/ through tsx. Prints {"ms", "cpuMs",
// "maxRssMb", "observations"} as JSON.
import fs from "node:fs";

const root = process.env.G287_BENCH_DIST === "1" ? "../dist" : "../src";
const { ingest, rebuild } = await import(`${root}/pipeline/ingest.js`);
const { openStore } = await import(`${root}/store/db.js`);

const [first, db] = process.argv.slice(2);
const fromRows = first === "--rebuild";
if (!fromRows) for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
const cpu = process.cpuUsage();
const t = performance.now();
const store = await openStore(db);
const s = fromRows ? await rebuild(store) : await ingest(store, [first]);
await store.close();
const ms = performance.now() - t;
const used = process.cpuUsage(cpu);
const out = { ms, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify({ ...out, observations: s.newObservations })}\n`);
