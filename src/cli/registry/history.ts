// `g287 history`: counts by year from 2005, and the historical agencies.
import type { Define } from "./index.js";

export const HISTORY_SOURCES = ["ice_list", "oig", "wapo"] as const;
const SOURCES = HISTORY_SOURCES;

export const define: Define = (program, lazy) => {
  program
    .command("history")
    .description(
      "counts by year from 2005 to today, each naming its source: published counts, ICE's 2007-2008 lists, the 2009 OIG table and a newsroom's sheriff flags before 2021, the ledger after",
    )
    .option("--agencies", "list the historical agencies instead, each with its link to a ledger agency (or why not)")
    .option("--source <source>", `with --agencies: only ${SOURCES.join(", ")}`)
    .option("--unlinked", "with --agencies: only the agencies left unlinked")
    .action(lazy(async () => (await import("../commands/history.js")).history));
};
