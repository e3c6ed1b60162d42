// What every command runs with: the global flags and the two output streams it writes to. `main()`
// takes the streams as arguments, so tests run the CLI in-process and read what it wrote.
import { UsageError } from "../errors.js";

export interface Globals {
  db?: string;
  json?: boolean;
  quiet?: boolean;
  lang?: string;
}

/** A stream the CLI writes to: process.stdout, or a test's buffer. */
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
}

export type Lang = "en" | "es";

export interface Ctx {
  readonly g: Globals;
  readonly io: Io;
  /** `--lang`: the language analysis sentences print in (JSON keeps English text beside the keys). */
  readonly lang: Lang;
  /** Text on stdout, ending in a newline. */
  out(s: string): void;
  /** Text on stdout as it is. */
  write(s: string): void;
  /** Text on stderr as it is. */
  err(s: string): void;
}

export function makeCtx(g: Globals, io: Io): Ctx {
  if (g.lang !== undefined && g.lang !== "en" && g.lang !== "es")
    throw new UsageError(`--lang ${JSON.stringify(g.lang)}: expected en or es`);
  return {
    g,
    io,
    lang: (g.lang as Lang | undefined) ?? "en",
    out: (s) => void io.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
    write: (s) => void io.stdout.write(s),
    err: (s) => void io.stderr.write(s),
  };
}

/** The same command with other global flags (sync's watch runs each sync quietly). */
export function withGlobals(c: Ctx, g: Partial<Globals>): Ctx {
  return makeCtx({ ...c.g, ...g }, c.io);
}

/** Today in the user's own time zone: `roster` on a Los Angeles evening is not tomorrow. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
