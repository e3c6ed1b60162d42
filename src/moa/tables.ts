// Row types of the MOA tables (migration 003). They live beside the MOA code rather than in the
// ledger schema: the documents are kept apart from the replayed ledger and survive every rebuild.
import type { Kysely } from "kysely";
import { type Database, type DbWith, dbWith } from "../store/schema.js";

export type MoaDocumentTable = {
  sha256: string; // of the PDF bytes, which are kept in `blob` under the same key
  url: string | null; // where it was first fetched from (null: added from a local file)
  agreement_id: string | null; // the agreement it was first fetched or added for
  agency_id: string | null;
  kind: string; // moa | addendum
  retrieved_at: string; // ISO timestamp
  bytes: number;
  http_status: number | null;
  pages: number; // pages in the file (text is read from at most MAX_PAGES of them)
  status: string; // ok | no_text (scanned, no text layer) | unreadable (pdf.js failed or timed out)
  error: string | null;
  title: string | null; // the PDF's metadata title
  extractor: string; // pdf.js version and the field reader's version, to know when to re-read
  extract_ms: number;
};

/** Where each document is linked from: one PDF can serve several agreements (a re-signing, two models). */
export type MoaLinkTable = {
  sha256: string;
  agreement_id: string;
  agency_id: string;
  kind: string;
  url: string | null;
};

export type MoaPageTable = {
  sha256: string;
  page: number; // 1-based
  text: string;
  layout: string; // JSON {w, h, lines}: see encodeLayout in layout.ts
};

export type MoaFieldsTable = {
  sha256: string;
  field: string; // see FIELD_NAMES in fields.ts
  seq: number; // several rows for one field (signature) are numbered from 0
  value: string | null; // text, ISO date, or JSON for a signature
  page: number | null; // where it was read; null when it came from the URL or the PDF metadata
  snippet: string | null; // the text it was read from
  source: string; // title | body | signature_block | metadata | url | derived
};

export type MoaTables = {
  moa_document: MoaDocumentTable;
  moa_link: MoaLinkTable;
  moa_page: MoaPageTable;
  moa_fields: MoaFieldsTable;
};

export type MoaDb = DbWith<MoaTables>;
export const moaDb = (db: Kysely<Database>): MoaDb => dbWith<MoaTables>(db);
