// The `g287` command line, wiring only: the global flags, the commands from the registry (each
// loads its module when it runs), and one line plus an exit code for any failure. Other tools script
// against it, so command and flag names are a contract: see README.md. Exit 1 for bad input or a
// failed operation, 2 for a usage error, a command's own code otherwise (sync: 3 = nothing new).
import { Command, CommanderError } from "commander";
import { CliError } from "../errors.js";
import { type Globals, type Io, makeCtx } from "./context.js";
import { COMMANDS, type Lazy } from "./registry/index.js";

const PROCESS_IO: Io = { stdout: process.stdout, stderr: process.stderr };

export function buildProgram(io: Io = PROCESS_IO): Command {
  const program = new Command("g287");
  program
    .description(
      "A public ledger of ICE 287(g) agreements: every published list replayed into a stable, sourced history.",
    )
    .option("--db <file>", "ledger file or postgres:// URL (default ./g287.db, or $G287_DB, or $DATABASE_URL)")
    .option("--json", "machine-readable output on stdout")
    .option("--quiet", "no progress or summary on stderr")
    .option("--lang <lang>", "language of analysis sentences (reasons, summaries): en (default) or es")
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // commander reads an undefined width as 80 columns, as for a pipe.
      getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) as number,
      getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined) as number,
    })
    .showHelpAfterError("(run g287 --help for usage)")
    .exitOverride();
  const lazy: Lazy =
    (load) =>
    async (...args) => {
      // The context first: a bad --lang is reported before the command's own flags.
      const c = makeCtx(program.opts<Globals>(), io);
      const action = await load();
      // commander passes the Command itself last; actions take the arguments and options before it.
      await action(c, ...args.slice(0, -1));
    };
  for (const define of COMMANDS) define(program, lazy);
  return program;
}

/** Runs one command line; returns the exit code. Writes only to `io`, never exits the process. */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    // Help and version exit 0; commander has already printed its message.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      const line = e.line();
      if (line) io.stderr.write(`g287: ${line}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr.write(`g287: ${err.message || String(e)}\n`);
    if (process.env.G287_DEBUG) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
