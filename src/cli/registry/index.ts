// Every command's name, description, arguments and options, light enough to load on every run:
// `g287 --help` lists them all, and only the command that runs loads its module (`lazy`). One file
// per commands/ module; add a command in both, and a new file here.
import type { Command } from "commander";
import type { Ctx } from "../context.js";
import { define as alerts } from "./alerts.js";
import { define as claims } from "./claims.js";
import { define as context } from "./context.js";
import { define as db } from "./db.js";
import { define as history } from "./history.js";
import { define as ledger } from "./ledger.js";
import { define as moa } from "./moa.js";
import { define as places } from "./places.js";
import { define as serve } from "./serve.js";
import { define as site } from "./site.js";
import { define as stats } from "./stats.js";
import { define as sync } from "./sync.js";

/** A command's work: the context, then commander's arguments and options (untyped by commander). */
// biome-ignore lint/suspicious/noExplicitAny: each action declares the types its options have
export type Action = (c: Ctx, ...args: any[]) => unknown;

/** commander's action for a command whose module is loaded only when it runs. */
export type Lazy = (load: () => Promise<Action>) => (...args: unknown[]) => Promise<void>;

export type Define = (program: Command, lazy: Lazy) => void;

/** In the order `g287 --help` lists them. */
export const COMMANDS: Define[] = [ledger, alerts, claims, context, history, moa, places, stats, sync, serve, site, db];
