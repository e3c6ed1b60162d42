// `g287 stats`, `timeline`, `funnel` and `coverage`: counts, growth, the pending funnel and the
// population covered.
import { type Command, Option } from "commander";
import { STATS_BY } from "../../domain/questions.js";
import type { Define, Lazy } from "./index.js";

function defineStats(program: Command, lazy: Lazy): void {
  program
    .command("stats")
    .description(
      "agreements and distinct agencies per group; by default those listed on the latest list (--as-of to choose the date, --ever for every agreement ever listed)",
    )
    .addOption(new Option("--by <group>", "what to group by").choices(STATS_BY).default("state"))
    .option("--as-of <date>", "count agreements listed on this date (default: the latest list)")
    .option("--ever", "count every agreement ever listed, not only those listed on --as-of")
    .option("--signed-from <date>", "only agreements signed on or after this date")
    .option("--signed-to <date>", "only agreements signed on or before this date")
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .option("--per-capita", "with --by state: agreements and agencies per 100,000 residents (2023 Census estimate)")
    .option(
      "--politics-year <yyyy>",
      "with --by trifecta|battleground: the year of state politics (default: the year of --as-of)",
    )
    .addOption(
      new Option(
        "--politics-at <when>",
        "with --by trifecta|battleground: 'signing' groups each agreement by its state's politics in its signed year",
      ).choices(["as-of", "signing"]),
    )
    .option("--csv", "CSV on stdout (one row per group, agreement ids space-separated)")
    .addHelpText(
      "after",
      `
Groups: state, model, type (agency type), year and month (of the signed date), administration
(by signed date: Bush to 2009-01-20, Obama, Trump I from 2017-01-20, Biden from 2021-01-20,
Trump II from 2025-01-20), trifecta and battleground (the state's politics in the year of --as-of),
policy (state policies in effect on --as-of: ban, restrict, mandate, encourage, none).
Agreements with no signed date form the group "unknown".`,
    )
    .action(lazy(async () => (await import("../commands/stats.js")).stats));
}

function defineTimeline(program: Command, lazy: Lazy): void {
  program
    .command("timeline")
    .description(
      "agreements and distinct agencies listed per day or month, from the replayed lists (an agreement counts while it is listed, not from its signed date)",
    )
    .addOption(
      new Option("--by <step>", "day, or month (the value on the month's last day)")
        .choices(["day", "month"])
        .default("month"),
    )
    .option("--from <date>", "first day (default: the first list, 2021-01-13 in the archive)")
    .option("--to <date>", "last day (default: the latest list)")
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .option(
      "--ids",
      "with --json: every point lists all its agreement ids (otherwise only those that entered and left)",
    )
    .option("--csv", "CSV on stdout (entered and left as counts)")
    .addHelpText(
      "after",
      `
An agreement counts from the first list that shows it until the first list that no longer does
(the same rule as \`g287 roster --as-of\`), and not during a recorded gap. "entered" and "left"
compare each point with the previous one.`,
    )
    .action(lazy(async () => (await import("../commands/stats.js")).timeline));
}

function defineFunnel(program: Command, lazy: Lazy): void {
  program
    .command("funnel")
    .description(
      "pending → signed → removed: applications on ICE's pending lists, how many signed and how fast, which were dropped, and which signed agreements were later removed",
    )
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .option("--list", "also list the applications that never signed (dropped or still pending)")
    .option("--csv", "CSV on stdout: the stages, or with --list the applications that never signed")
    .action(lazy(async () => (await import("../commands/stats.js")).funnel));
}

function defineCoverage(program: Command, lazy: Lazy): void {
  program
    .command("coverage")
    .description(
      "residents living under at least one agreement: a statewide agency covers its state, a county-wide one its county; overlaps count once",
    )
    .option("--as-of <date>", "agreements listed on this date (default: the latest list)")
    .addOption(
      new Option("--by <group>", "one row per state, or per model").choices(["state", "model"]).default("state"),
    )
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .option("--csv", "CSV on stdout")
    .addHelpText(
      "after",
      `
Who covers whom: a statewide agency (state police, public safety, corrections) counts for every
resident of its state; "without statewide" gives the county-wide agreements alone. Sheriffs,
county jails and jail authorities, county police and county prosecutors cover their county.
City and township police, constables, campus police and task forces police part of a county:
they are reported apart and never added in ("upper bound" adds their whole counties, to show
the most they could add). Residents: Census Vintage-2023 estimates.`,
    )
    .action(lazy(async () => (await import("../commands/stats.js")).coverage));
}

export const define: Define = (program, lazy) => {
  defineStats(program, lazy);
  defineTimeline(program, lazy);
  defineFunnel(program, lazy);
  defineCoverage(program, lazy);
};
