// Query parameters shared by the API's routes, checked with zod at the HTTP boundary. The value
// rules are the domain's (src/domain/schemas.ts), which the CLI's flags use too, so `?state=tx` and
// `--state tx` mean the same thing.
import { z } from "@hono/zod-openapi";
import { agreementStatus, isoDate, model, stateCode } from "../domain/schemas.js";
import { ApiError } from "./http.js";

/** The most rows one page may hold; `limit=all` asks for every row (downloads, the static site). */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export { AGENCY_TYPES } from "../domain/agency-type.js";
export { EVENT_TYPES } from "../domain/events.js";

/**
 * A string parameter checked by one of the CLI's schemas. The CLI's schemas may be created before
 * @hono/zod-openapi adds `.openapi()` to zod (zod 4 puts methods on each instance), so the
 * description goes on a fresh string schema that pipes into them.
 */
export function checked<O>(schema: z.ZodType<O, string>, meta: { description: string; example?: string }) {
  return z.string().openapi(meta).pipe(schema);
}

const date = (description: string) => checked(isoDate, { description, example: "2021-01-13" }).optional();

export const p = {
  asOf: () => date("the roster on this date: agreements with a listed period that covers it (YYYY-MM-DD)"),
  state: () => checked(stateCode, { description: "two-letter state code", example: "TX" }).optional(),
  model: () => checked(model, { description: "support model: jem, tfm or wso", example: "tfm" }).optional(),
  status: () =>
    checked(agreementStatus, {
      description: "agreement status: active, removed, superseded or pending_removal",
    }).optional(),
  agency: () =>
    z
      .string()
      .regex(/^[a-z]{2}-[a-z0-9-]+$/, "expected an agency id such as tx-harris-county-sheriffs-office")
      .optional()
      .openapi({ description: "agency id", example: "tx-harris-county-sheriffs-office" }),
  q: () =>
    z
      .string()
      .max(200, "at most 200 characters")
      .optional()
      .openapi({ description: "words of the agency's name (any spelling it was listed under)", example: "harris" }),
  date,
  /** One of `values`, each named in the message when the value is not. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { message: `expected one of ${values.join(", ")}` }).optional(),
  /** One of two values, named in the message when the value is neither. */
  either: <const T extends readonly [string, string]>(values: T) =>
    z.enum(values, { message: `expected ${values[0]} or ${values[1]}` }).optional(),
  /** `true` or `false`, kept as the string given. */
  bool: (description: string) =>
    z.enum(["true", "false"], { message: "expected true or false" }).optional().openapi({ description }),
  flag: (description: string) =>
    z
      .enum(["true", "false", "1", "0"], { message: "expected true or false" })
      .optional()
      // Absent stays absent, so the echoed query names only what was asked.
      .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"))
      .openapi({ description }),
  limit: () =>
    z
      .string()
      .refine(
        (s) => s === "all" || (/^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_LIMIT),
        `expected a number from 1 to ${MAX_LIMIT}, or all`,
      )
      .optional()
      .openapi({ description: `rows per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}; all for every row)` }),
  cursor: () =>
    z
      .string()
      .max(400, "not a cursor from this API")
      .optional()
      .openapi({ description: "opaque: the next_cursor of the previous page" }),
};

/** A 400 that names the parameter: `name: why`. */
export function badParameter(name: string, why: string): ApiError {
  return new ApiError(400, "bad_parameter", `${name}: ${why}`, name);
}

/** Every list takes `limit` and `cursor`. */
export const paging = { limit: p.limit(), cursor: p.cursor() };

export function limitOf(v: string | undefined): number {
  if (v === undefined) return DEFAULT_LIMIT;
  return v === "all" ? Number.POSITIVE_INFINITY : Number(v);
}

export { z };
