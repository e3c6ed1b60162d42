// `g287 policies`, `litigation` and `politics`: the state layers.
import { POLICY_KINDS } from "../../context/policy-label.js";
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  program
    .command("policies")
    .description(
      "state law and executive action on 287(g): bans, restrictions, mandates, encouragement, rescissions, proposals",
    )
    .option("--state <XX>", "two-letter state code")
    .option("--kind <kind>", POLICY_KINDS.join(", "))
    .option("--as-of <date>", "only the policies in effect on this date, YYYY-MM-DD (proposals never are)")
    .action(lazy(async () => (await import("../commands/context.js")).policies));

  program
    .command("litigation")
    .description("lawsuits, decisions, settlements and attorney-general opinions on 287(g)")
    .option("--state <XX>", "two-letter state code")
    .action(lazy(async () => (await import("../commands/context.js")).litigation));

  program
    .command("politics")
    .description("state politics by year (about February 1): governor, legislature, trifecta, 2024 battleground")
    .option("--state <XX>", "two-letter state code: every year for that state")
    .option("--year <YYYY>", "one year: every state, with the trifecta totals")
    .action(lazy(async () => (await import("../commands/context.js")).politics));
};
