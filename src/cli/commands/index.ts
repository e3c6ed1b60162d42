// Every command module beyond the core ledger commands in main.ts. Each file owns its commands;
// add one import and one entry here.
import type { RegisterCommands } from "../common.js";

export const COMMAND_MODULES: RegisterCommands[] = [];
