// `g287 claims check FILE` and `g287 conflicts`: claims and state law against the record.
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  const claims = program.command("claims").description("check published claims against the record");
  claims
    .command("check")
    .description("check every claim in a claim file (data/claims/*.yaml) and give each a verdict with its evidence")
    .argument("<file>", "claim file (YAML)")
    .option("--ids", "list every row behind each figure, not just the first five")
    .action(lazy(async () => (await import("../commands/claims.js")).checkClaimFile));

  program
    .command("conflicts")
    .description(
      "agreements listed in a state while a ban there was in effect, and how far mandate states' counties comply",
    )
    .option("--as-of <date>", "date, YYYY-MM-DD (default: the latest list)")
    .option("--state <XX>", "two-letter state code")
    .option("--csv", "the ban conflicts as CSV")
    .action(lazy(async () => (await import("../commands/claims.js")).conflicts));
};
