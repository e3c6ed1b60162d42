// `g287 sync` and `g287 watch`: ICE's page into the archive folder and the ledger, once or on a schedule.
import { type Command, Option } from "commander";
import type { Define } from "./index.js";

function addSourceOptions(c: Command): Command {
  return c
    .option(
      "--url <url>",
      "ICE's 287(g) page (default $G287_ICE_URL, else https://www.ice.gov/identify-and-arrest/287g)",
    )
    .option("--archive <dir>", "archive folder that keeps every downloaded list (default $G287_ARCHIVE)")
    .option(
      "--mirror <url>",
      "a public archive of past lists (a folder with MANIFEST.csv and SIGHTINGS.csv) used to fill gaps; repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      "--config <file>",
      "YAML or JSON settings: url, archive, mirrors, http timeouts (default $G287_SYNC_CONFIG)",
    )
    .option("--connect-timeout <duration>", "give up connecting after this long (default 15s)")
    .option("--timeout <duration>", "give up when the server is silent this long (default 30s)")
    .option("--retries <n>", "retries on 5xx, 429, timeouts and dropped connections (default 3)");
}

export const define: Define = (program, lazy) => {
  addSourceOptions(
    program
      .command("sync")
      .description(
        "fetch ICE's 287(g) page, download the participating and pending lists, keep them in the archive folder and ingest them (exit 0 = new list, 3 = nothing new, 1 = failure)",
      ),
  ).action(lazy(async () => (await import("../commands/sync.js")).syncOnce));

  addSourceOptions(
    program
      .command("watch")
      .description(
        "run sync now and then every --every (plus up to --jitter), logging one line per run; keeps going through failures until SIGINT or SIGTERM",
      )
      .addOption(new Option("--every <duration>", "time between runs, e.g. 6h").default("6h"))
      .addOption(new Option("--jitter <duration>", "random extra delay of up to this much per run").default("10m"))
      .option("--max-runs <n>", "stop after this many runs (default: run until stopped)"),
  ).action(lazy(async () => (await import("../commands/sync.js")).watchSync));
};
