// Flag values are checked at the boundary with zod; a bad value is a usage error (exit 2) that
// names the flag and what was expected.
import type { z } from "zod";
import type { Model } from "../domain/model.js";
import { UsageError } from "../errors.js";

// The value schemas are the domain's, shared with the API's parameters.
export { agreementStatus, isoDate, model, stateCode } from "../domain/schemas.js";

export function check<T>(flag: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${flag} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

export function optional<T>(flag: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  return value === undefined ? undefined : check(flag, schema, value);
}

export type { Model };
