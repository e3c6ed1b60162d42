// Row shapes for the OpenAPI document. They describe what the API returns; they are not used to
// check responses at run time (the rows come from the store, already typed).
import { z } from "@hono/zod-openapi";
import { AGENCY_COLUMNS, AGREEMENT_COLUMNS } from "../../domain/columns.js";

const text = z.string().nullable();

const flag = z.number().int().openapi({ description: "1 = a statewide agency (no county)" });

export const agreementRow = z
  .object({
    ...(Object.fromEntries(AGREEMENT_COLUMNS.map((c) => [c, text])) as Record<string, typeof text>),
    statewide: flag,
  })
  .openapi("Agreement", {
    description:
      "One agreement: agency × model × term. agreement_id is `agency_id/model/signed_on`, e.g. `al-etowah-county-sheriffs-office/jem/2016-06-08`.",
  });

export const agencyRow = z
  .object({
    ...Object.fromEntries(AGENCY_COLUMNS.map((c) => [c, text])),
    agreements: z.number().int(),
    active_agreements: z.number().int(),
    statewide: flag,
  })
  .openapi("Agency");

export const snapshotRow = z
  .object({
    obs_id: z.string(),
    published_at: z.string(),
    slot: z.string(),
    kind: z.string(),
    status: z.enum(["applied", "quarantined"]),
    reason: text,
    file: z.string().openapi({ description: "the file name as published or archived" }),
    published_basis: z.string().openapi({ description: "publication (the date ICE gave) or capture (an archive's)" }),
    basis_detail: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    row_count: z.number().int(),
    cells_sha256: z.string(),
    kind_mismatch: z.boolean(),
    sources: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi("Snapshot", { description: "One dated observation of a published list, with its provenance." });

export const eventRow = z
  .object({
    seq: z.number().int(),
    date: z.string(),
    type: z.string(),
    state: text,
    agency_id: text,
    agency: text,
    model: text,
    agreement_id: text,
    application_id: text,
    list: text,
    obs_id: z.string(),
    snapshot_id: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");

export const anyObject = z.record(z.string(), z.unknown());
