// Every command module beyond the core ledger commands in main.ts. Each file owns its commands;
// add one import and one entry here.
import type { RegisterCommands } from "../common.js";
import { register as alerts } from "./alerts.js";
import { register as claims } from "./claims.js";
import { register as context } from "./context.js";
import { register as history } from "./history.js";
import { register as moa } from "./moa.js";
import { register as places } from "./places.js";
import { register as serve } from "./serve.js";
import { register as site } from "./site.js";
import { register as stats } from "./stats.js";
import { register as sync } from "./sync.js";

export const COMMAND_MODULES: RegisterCommands[] = [
  alerts,
  claims,
  context,
  history,
  moa,
  places,
  stats,
  sync,
  serve,
  site,
];
