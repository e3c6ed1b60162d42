// `g287 moa fetch|add|search|show|mismatches`: the MOA documents behind the agreements.
import type { Command } from "commander";
import type { Define, Lazy } from "./index.js";

function defineFetch(moa: Command, lazy: Lazy): void {
  moa
    .command("fetch")
    .description("download the MOA and addendum PDFs the lists link to, read their text and fields, and keep them")
    .option("--agency <id>", "only this agency's agreements (an agency id)")
    .option("--state <XX>", "only agreements in this state")
    .option("--limit <n>", "at most this many URLs")
    .option("--again", "fetch URLs that already have a stored document too")
    .option("--delay <ms>", "wait between requests, to be polite to ICE's server", "1500")
    .option("--timeout <ms>", "give up on one request after this long", "30000")
    .addHelpText(
      "after",
      `
Only URLs with no stored document are fetched, newest agreements first. Each download must be a
whole PDF (%PDF- signature, %%EOF at the end, no HTML error page); a refused one is reported and
stores nothing. Accepted PDFs are stored by sha256 with their URL, date and HTTP status.`,
    )
    .action(lazy(async () => (await import("../commands/moa.js")).fetch));
}

function defineAdd(moa: Command, lazy: Lazy): void {
  moa
    .command("add")
    .description("add a local PDF as the MOA (or addendum) of one agreement")
    .argument("<file>", "the PDF")
    .requiredOption("--agreement <id>", "the agreement it belongs to, e.g. ks-bureau-of-investigation/tfm/2025-02-18")
    .option("--url <url>", "where the file was published, if known (its file name often carries the date)")
    .option("--addendum", "the file is an addendum, not the MOA itself")
    .action(lazy(async () => (await import("../commands/moa.js")).add));
}

function defineSearch(moa: Command, lazy: Lazy): void {
  moa
    .command("search")
    .description('full-text search over every stored MOA page: words, "quoted phrases", prefix*, OR')
    .argument("<words...>", "what to look for")
    .option("--limit <n>", "at most this many documents", "20")
    .action(lazy(async () => (await import("../commands/moa.js")).search));
}

function defineShow(moa: Command, lazy: Lazy): void {
  moa
    .command("show")
    .description("the stored documents of an agency or agreement, with the fields read from them")
    .argument("<id>", "an agreement id (agency/model/date), an agency id, or words of an agency's name")
    .action(lazy(async () => (await import("../commands/moa.js")).show));
}

function defineMismatches(moa: Command, lazy: Lazy): void {
  moa
    .command("mismatches")
    .description("agreements whose MOA disagrees with ICE's list on the model or the signed date")
    .option("--all", "list every checked agreement, not only the mismatches")
    .option("--csv", "CSV on stdout")
    .addHelpText(
      "after",
      `
Model: the model the MOA names (its title, else its body) must be the list's. Date: the list's
SIGNED date must equal one of the signature dates written in the MOA (no tolerance). When no
signature date can be read (handwriting in a scan), the date in ICE's file name is used instead
(date_basis file_name). Nothing readable to compare: "unverified", not a mismatch.`,
    )
    .action(lazy(async () => (await import("../commands/moa.js")).mismatches));
}

export const define: Define = (program, lazy) => {
  const moa = program
    .command("moa")
    .description("the MOA documents: fetch and keep the PDFs, search their text, check them against the lists");
  defineFetch(moa, lazy);
  defineAdd(moa, lazy);
  defineSearch(moa, lazy);
  defineShow(moa, lazy);
  defineMismatches(moa, lazy);
};
