// The release bundle: the whole ledger as CSVs in data/release/, with a manifest of the input files'
// sha256 and of every bundle file. It is committed, so a fresh clone works offline: `npm start`
// loads it when no archive is configured. It carries every table an interface reads (the list rows
// and their corrections as compressed exact CSVs) and the ledger's state, so new lists can be
// ingested on top of it. Only the lists' raw bytes stay out: a bundle-loaded store cannot rebuild.

export const DEFAULT_RELEASE_DIR = new URL("../../data/release/", import.meta.url);

export type { ReleaseManifest } from "./release-format.js";
export { loadedFromOldRelease, loadRelease } from "./release-load.js";
export { writeRelease } from "./release-write.js";
