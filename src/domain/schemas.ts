// The value schemas (zod) shared by every boundary that takes a value from outside: the CLI's flags,
// the API's query parameters, curated and claim files. The messages name what was expected.
import { z } from "zod";
import { AGENCY_TYPES } from "./agency-type.js";
import { isIsoDate } from "./date.js";
import { MODELS } from "./model.js";
import { stateByUsps } from "./state.js";
import { AGREEMENT_STATUSES } from "./status.js";

export const isoDate = z.string().refine(isIsoDate, "expected a date as YYYY-MM-DD");

export const stateCode = z
  .string()
  .transform((s) => s.toUpperCase())
  .refine((s) => !!stateByUsps(s), "expected a two-letter state code such as TX");

/** A model as typed by a person: any case. */
export const model = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(MODELS, { message: "expected jem, tfm or wso" }));

/** A model as written in a file: exactly JEM, TFM or WSO. */
export const modelExact = z.enum(MODELS);

export const agreementStatus = z.enum(AGREEMENT_STATUSES, {
  message: "expected active, removed, superseded or pending_removal",
});

export const agencyType = z.enum(AGENCY_TYPES);
