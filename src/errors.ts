// The errors the CLI reports as one line on stderr and an exit code instead of a stack trace: every
// one is a CliError. Bad input names the file, the row when known, and what was expected.

/** A failure (or a non-zero finish) the CLI prints as `g287: <line>` and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  /** An empty message prints nothing: `g287 sync` exits 3 when there is nothing new, silently. */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }

  /** The line after `g287: `, or "" for none. */
  line(): string {
    return this.message;
  }
}

/** Bad input: exit 1, with the file and row in the line. */
export class InputError extends CliError {
  readonly file: string;
  readonly row: number | undefined;

  constructor(file: string, reason: string, row?: number) {
    super(reason, 1);
    this.name = "InputError";
    this.file = file;
    this.row = row;
  }

  /** `participating.xlsx row 12: SIGNED is not a date` */
  describe(): string {
    return `${this.file}${this.row !== undefined ? ` row ${this.row}` : ""}: ${this.message}`;
  }

  override line(): string {
    return this.describe();
  }
}

/**
 * A complete, well-formed download whose content is not a readable 287(g) list (over a reading
 * limit, unreadable sheet, no model column). Unlike a block page or a cut-off download, fetching
 * it again gives the same bytes, so `sync` reports it once and goes on.
 */
export class UnreadableListError extends InputError {
  constructor(file: string, reason: string) {
    super(file, reason);
    this.name = "UnreadableListError";
  }
}

/** A usage error (bad flag or argument): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
