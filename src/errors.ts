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

/** A usage error (bad flag or argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
