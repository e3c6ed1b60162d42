// The ledger's own commands: build it (start, ingest, rebuild), read it (status, roster, agreements,
// agency, diff, events, review) and export it.
import { Option } from "commander";
import { EVENT_TYPES } from "../../domain/events.js";
import { DATASETS } from "../../domain/questions.js";
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  program
    .command("start")
    .description(
      "build or refresh the ledger ($G287_ARCHIVE, else the bundled release), print the status, then serve the web app and API",
    )
    .option("--port <n>", "port to serve on (0 picks a free one)", "8287")
    .option("--host <addr>", "address to serve on", "127.0.0.1")
    .option("--no-serve", "stop after printing the status")
    .action(lazy(async () => (await import("../commands/ingest.js")).start));

  program
    .command("ingest")
    .description(
      "read lists into the ledger: an archive folder (MANIFEST.csv + SIGHTINGS.csv), a folder of lists, or files",
    )
    .argument("<path...>", "files or folders")
    .option("--published-at <date>", "publication date for every file (overrides the date in the file name)")
    .option("--rebuild", "replay every stored list from its kept bytes, not just the new ones")
    .action(lazy(async () => (await import("../commands/ingest.js")).ingest));

  program
    .command("rebuild")
    .description("replay every stored list from its kept bytes (after a change to the fix tables or rules)")
    .action(lazy(async () => (await import("../commands/ingest.js")).rebuild));

  program
    .command("status")
    .description("what the ledger holds: lists applied and quarantined, agreements by status, the latest list")
    .action(lazy(async () => (await import("../commands/status.js")).status));

  program
    .command("roster")
    .description("agreements listed on a date (default: today)")
    .option("--as-of <date>", "date, YYYY-MM-DD")
    .option("--state <XX>", "two-letter state code")
    .addOption(new Option("--model <model>", "jem, tfm or wso"))
    .option(
      "--include-unconfirmed",
      "also agreements missing from the list in force whose removal is not yet confirmed (listing_state unconfirmed)",
    )
    .action(lazy(async () => (await import("../commands/lists.js")).roster));

  program
    .command("agreements")
    .description("every agreement ever listed, with its status")
    .option("--status <status>", "active, removed, superseded or pending_removal")
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .action(lazy(async () => (await import("../commands/lists.js")).agreements));

  program
    .command("agency")
    .description("one agency: its agreements, name variants, events and the list rows behind them")
    .argument("<id-or-text...>", "an agency id (tx-harris-county-sheriffs-office) or words of its name")
    .action(lazy(async () => (await import("../commands/agency.js")).agency));

  program
    .command("diff")
    .description("what changed between two dates")
    .argument("<date-a>", "YYYY-MM-DD")
    .argument("<date-b>", "YYYY-MM-DD")
    .action(lazy(async () => (await import("../commands/agency.js")).diff));

  program
    .command("events")
    .description("the change log: appeared, removed, renamed, redated, quarantined…")
    .option("--type <type>", `one of ${EVENT_TYPES.join(", ")}`)
    .option("--since <date>", "on or after this date")
    .option("--until <date>", "on or before this date")
    .option("--state <XX>", "two-letter state code")
    .action(lazy(async () => (await import("../commands/lists.js")).events));

  program
    .command("review")
    .description(
      "near misses the identity rules would not merge: check them, then add aliases to data/corrections/agencies.csv",
    )
    .action(lazy(async () => (await import("../commands/lists.js")).review));

  program
    .command("export")
    .description(`write a dataset (${DATASETS.join(", ")}) as csv or json, or the whole release bundle`)
    .argument("<what>", `${DATASETS.join("|")}|release`)
    .addOption(new Option("--format <format>", "csv or json").choices(["csv", "json"]).default("csv"))
    .option("--out <file>", "write here instead of stdout (for release: a folder, default data/release)")
    .action(lazy(async () => (await import("../commands/export.js")).exportData));
};
