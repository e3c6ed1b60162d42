// What a source hands to the pipeline: the bytes of one file and every dated observation of it.
// Sources never parse rows.

/** Decided by a list's content: a SIGNED column means participating. */
export type ListKind = "participating" | "pending";

export interface Provenance {
  /** Where the bytes were read from (a local path or a URL). */
  location: string;
  repo?: string;
  path?: string;
  commit?: string;
}

export interface Observation {
  date: string;
  /** `am`, `pm`, `mid`, `wayback002027`, `download@151802`, `manual`… */
  slot: string;
  basis: "publication" | "capture";
  /** The basis as the source named it (`ice_filename`, `wayback_capture_of_ice_file`, `manual`…). */
  basisDetail: string;
  /** The file name ICE (or the archive) gave it, typos included. */
  originalFilename: string;
  /** The kind the file name claims; compared with the kind read from the content. */
  filenameKind: ListKind | null;
  provenance: Provenance[];
  /** The date as the source gave it, when a rule changed `date`. */
  statedDate?: string;
  /** The rule that changed the date (`content_newest_signed`, `filename_extra_digit`…). */
  dateRule?: string;
}

export interface SourceFile {
  /** Path or URL, for messages. */
  location: string;
  /** Our name for it (the archive file name, or the base name). */
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  observations: Observation[];
}
