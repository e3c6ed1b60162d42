// `g287 places` and `g287 types`: where agencies are placed, and what kind they are.
import type { Define } from "./index.js";

export const define: Define = (program, lazy) => {
  program
    .command("places")
    .description("how many agencies carry a county FIPS (statewide agencies have none), by placement rule and by state")
    .option("--state <XX>", "two-letter state code")
    .option("--unplaced", "list the non-statewide agencies without a county, with the reason")
    .action(lazy(async () => (await import("../commands/places.js")).places));

  program
    .command("types")
    .description(
      "agencies by type (sheriff, police, state_agency, corrections, jail_authority, campus, constable, other)",
    )
    .option("--type <type>", "list the agencies of one type, e.g. --type other")
    .option("--state <XX>", "two-letter state code")
    .action(lazy(async () => (await import("../commands/places.js")).types));
};
