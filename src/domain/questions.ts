// The choices the CLI and the API offer for a question, without the code that answers it: what
// `stats` can group by and which datasets `export` writes (the CLI's help lists them at start-up).

export const STATS_BY = [
  "state",
  "model",
  "type",
  "year",
  "month",
  "administration",
  "trifecta",
  "battleground",
  "policy",
] as const;
export type StatsBy = (typeof STATS_BY)[number];

export const DATASETS = [
  "agreements",
  "agencies",
  "events",
  "snapshots",
  "applications",
  "periods",
  "observations",
] as const;
export type DatasetName = (typeof DATASETS)[number];
