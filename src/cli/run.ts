// Entry point for bin/g287 (compiled to dist/cli/run.js) and `npm run g287:dev` (through tsx).
import { main } from "./main.js";

// `g287 roster | head` closes the pipe early; that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
