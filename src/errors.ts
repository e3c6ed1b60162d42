// One error type for bad input: it names the file, the row when known, and what was expected,
// so the CLI can print a single line and exit 1 instead of a stack trace.

export class InputError extends Error {
  readonly file: string;
  readonly row: number | undefined;

  constructor(file: string, reason: string, row?: number) {
    super(reason);
    this.name = "InputError";
    this.file = file;
    this.row = row;
  }

  /** `participating.xlsx row 12: SIGNED is not a date` */
  describe(): string {
    return `${this.file}${this.row !== undefined ? ` row ${this.row}` : ""}: ${this.message}`;
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
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A command that finished without failing but with a status other than 0, or failed after printing
 * its own report: `g287 sync` exits 3 when there is nothing new. The message, if any, goes to stderr.
 */
export class ExitStatus extends Error {
  readonly code: number;

  constructor(code: number, message = "") {
    super(message);
    this.name = "ExitStatus";
    this.code = code;
  }
}
