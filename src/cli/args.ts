// Flag values are checked at the boundary with zod; a bad value is a usage error (exit 2) that
// names the flag and what was expected.
import { z } from "zod";
import { UsageError } from "../errors.js";
import { isoFromParts } from "../normalize/dates.js";
import type { Model } from "../normalize/model.js";
import { stateByUsps } from "../normalize/state.js";

export const isoDate = z.string().refine((s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && isoFromParts(Number(m[1]), Number(m[2]), Number(m[3])) === s;
}, "expected a date as YYYY-MM-DD");

export const stateCode = z
  .string()
  .transform((s) => s.toUpperCase())
  .refine((s) => !!stateByUsps(s), "expected a two-letter state code such as TX");

export const model = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(["JEM", "TFM", "WSO"], { message: "expected jem, tfm or wso" }));

export const agreementStatus = z.enum(["active", "removed", "superseded", "pending_removal"], {
  message: "expected active, removed, superseded or pending_removal",
});

export function check<T>(flag: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${flag} ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

export function optional<T>(flag: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  return value === undefined ? undefined : check(flag, schema, value);
}

export type { Model };
