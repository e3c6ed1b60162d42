// One full replay of an archive into a fresh store, in its own process so that its peak memory
// is its own. Prints {"ms", "maxRssMb", "observations"} as JSON.
import fs from "node:fs";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore } from "../src/store/db.js";

const [archive, db] = process.argv.slice(2) as [string, string];
for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
const t = performance.now();
const store = await openStore(db);
const s = await ingest(store, [archive]);
await store.close();
const ms = performance.now() - t;
process.stdout.write(
  `${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, observations: s.newObservations })}\n`,
);
