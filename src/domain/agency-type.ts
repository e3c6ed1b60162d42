// What kind of agency signed (sheriff, police…) and at which level of government (jurisdiction).
// The classification rules are in normalize/agency-type.ts; the value lists are here.

export const AGENCY_TYPES = [
  "sheriff",
  "police",
  "state_agency",
  "corrections",
  "jail_authority",
  "campus",
  "constable",
  "other",
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

export const JURISDICTIONS = ["county", "municipal", "state", "other"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
