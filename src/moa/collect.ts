// Brings MOA documents into the store: picks the URLs the lists link to, downloads each one politely,
// reads its text and fields, and writes the document, its pages, fields, search rows and links in
// one transaction. A refused download writes nothing; a PDF that pdf.js cannot read is kept with
// its bytes and the reason.
import fs from "node:fs";
import { PostgresAdapter, sql } from "kysely";
import { InputError } from "../errors.js";
import type { Store } from "../store/db.js";
import { type Extracted, TextExtractor } from "./extract-text.js";
import { checkPdf, type Download, downloadPdf, type FetchOptions, FetchRejected, sha256 } from "./fetch.js";
import { FIELDS_VERSION, fieldRows, readFields } from "./fields.js";
import { encodeLayout } from "./layout.js";
import { type MoaDb, moaDb } from "./tables.js";

export type MoaKind = "moa" | "addendum";

export interface LinkTarget {
  agreement_id: string;
  agency_id: string;
}

export interface MoaTarget {
  url: string;
  kind: MoaKind;
  agreements: LinkTarget[];
}

export interface TargetFilter {
  agency?: string;
  state?: string;
  limit?: number;
  /** Fetch again URLs that already have a document (default: only new ones). */
  again?: boolean;
}

/** The MOA and addendum URLs on the lists, one per URL, newest agreements first. */
export async function moaTargets(store: Store, f: TargetFilter = {}): Promise<MoaTarget[]> {
  const db = moaDb(store.db);
  let q = db
    .selectFrom("agreement")
    .select(["agreement_id", "agency_id", "moa_url", "addendum_url", "signed_on"])
    .where((eb) => eb.or([eb("moa_url", "is not", null), eb("addendum_url", "is not", null)]));
  if (f.agency) q = q.where("agency_id", "=", f.agency);
  if (f.state) q = q.where("state", "=", f.state);
  const rows = await q.orderBy("signed_on", "desc").orderBy("agreement_id").execute();
  const known = new Set(
    f.again
      ? []
      : [
          ...(await db.selectFrom("moa_link").select("url").where("url", "is not", null).execute()).map((r) => r.url),
          ...(await db.selectFrom("moa_document").select("url").where("url", "is not", null).execute()).map(
            (r) => r.url,
          ),
        ],
  );
  const byUrl = new Map<string, MoaTarget>();
  for (const r of rows) {
    for (const [url, kind] of [
      [r.moa_url, "moa"],
      [r.addendum_url, "addendum"],
    ] as const) {
      if (!url || !/^https?:\/\//i.test(url) || known.has(url)) continue;
      const t = byUrl.get(url) ?? { url, kind, agreements: [] };
      t.agreements.push({ agreement_id: r.agreement_id, agency_id: r.agency_id });
      byUrl.set(url, t);
    }
  }
  const all = [...byUrl.values()];
  return f.limit !== undefined ? all.slice(0, f.limit) : all;
}

export interface ReadyDocument {
  sha256: string;
  bytes: Uint8Array;
  url: string | null;
  kind: MoaKind;
  retrievedAt: string;
  httpStatus: number | null;
  links: LinkTarget[];
  extracted: Extracted | null; // null: the same bytes are already stored, only the links are new
}

export function documentStatus(x: Extracted): "ok" | "no_text" | "unreadable" {
  if (!x.ok) return "unreadable";
  return x.pages.some((p) => p.text.trim().length > 0) ? "ok" : "no_text";
}

async function stored(store: Store, hash: string): Promise<boolean> {
  const r = await moaDb(store.db)
    .selectFrom("moa_document")
    .select("sha256")
    .where("sha256", "=", hash)
    .executeTakeFirst();
  return !!r;
}

function extractorName(): string {
  return `pdfjs-dist@5.4.624 ${FIELDS_VERSION}`;
}

/** Writes one document and everything read from it; links only, when its bytes are already stored. */
export async function saveDocument(store: Store, d: ReadyDocument): Promise<"new" | "linked"> {
  return store.transaction(async (trx) => {
    const db: MoaDb = moaDb(trx);
    const had = await db.selectFrom("moa_document").select("sha256").where("sha256", "=", d.sha256).executeTakeFirst();
    if (!had) {
      if (!d.extracted) throw new Error(`document ${d.sha256} vanished before it was linked`);
      const blob = await db.selectFrom("blob").select("sha256").where("sha256", "=", d.sha256).executeTakeFirst();
      if (!blob) await db.insertInto("blob").values({ sha256: d.sha256, bytes: d.bytes }).execute();
      const x = d.extracted;
      const first = d.links[0];
      const pages = x.ok ? x.pages : [];
      const status = documentStatus(x);
      const hasText = status === "ok";
      await db
        .insertInto("moa_document")
        .values({
          sha256: d.sha256,
          url: d.url,
          agreement_id: first?.agreement_id ?? null,
          agency_id: first?.agency_id ?? null,
          kind: d.kind,
          retrieved_at: d.retrievedAt,
          bytes: d.bytes.length,
          http_status: d.httpStatus,
          pages: x.ok ? x.numPages : 0,
          status,
          error: x.ok ? null : x.error,
          title: x.ok ? x.title : null,
          extractor: extractorName(),
          extract_ms: x.ms,
        })
        .execute();
      if (x.ok) {
        for (const p of pages) {
          await db
            .insertInto("moa_page")
            .values({ sha256: d.sha256, page: p.page, text: p.text, layout: encodeLayout(p.layout) })
            .execute();
          // On PostgreSQL the search column is generated from moa_page.text (migration 003).
          if (!(trx.getExecutor().adapter instanceof PostgresAdapter) && p.text.trim())
            await sql`insert into moa_fts (sha256, page, text) values (${d.sha256}, ${p.page}, ${p.text})`.execute(trx);
        }
        if (hasText) {
          const fields = readFields({ pages: pages.map((p) => p.layout), title: x.title, url: d.url });
          const rows = fieldRows(fields).map((r) => ({ sha256: d.sha256, ...r }));
          if (rows.length) await db.insertInto("moa_fields").values(rows).execute();
        }
      }
    }
    for (const l of d.links) {
      const exists = await db
        .selectFrom("moa_link")
        .select("sha256")
        .where("sha256", "=", d.sha256)
        .where("agreement_id", "=", l.agreement_id)
        .where("kind", "=", d.kind)
        .executeTakeFirst();
      if (!exists)
        await db
          .insertInto("moa_link")
          .values({ sha256: d.sha256, agreement_id: l.agreement_id, agency_id: l.agency_id, kind: d.kind, url: d.url })
          .execute();
    }
    return had ? "linked" : "new";
  });
}

export interface FetchOutcome {
  url: string;
  kind: MoaKind;
  result: "new" | "linked" | "rejected";
  sha256: string | null;
  status: string | null; // document status: ok | no_text | unreadable
  reason: string | null;
  bytes: number | null;
  extract_ms: number | null;
}

export interface FetchRunOptions {
  delayMs: number; // between requests to the same site: we are guests on ICE's server
  fetch?: Partial<FetchOptions>;
  extractor?: TextExtractor;
  onProgress?: (done: number, total: number, last: FetchOutcome) => void;
}

async function readDownload(store: Store, d: Download, t: MoaTarget, x: TextExtractor): Promise<ReadyDocument> {
  return {
    sha256: d.sha256,
    bytes: d.bytes,
    url: t.url,
    kind: t.kind,
    retrievedAt: d.retrievedAt,
    httpStatus: d.status,
    links: t.agreements,
    extracted: (await stored(store, d.sha256)) ? null : await x.extract(d.bytes),
  };
}

/** Fetches each target in turn. A failure is reported and skipped; it never stops the run. */
export async function fetchDocuments(store: Store, targets: MoaTarget[], o: FetchRunOptions): Promise<FetchOutcome[]> {
  const own = !o.extractor;
  const x = o.extractor ?? new TextExtractor();
  const out: FetchOutcome[] = [];
  // A redirect may lead only to a host the lists link to, never to one a server names.
  const allowHosts = o.fetch?.allowHosts ?? [
    ...new Set(targets.flatMap((t) => (URL.canParse(t.url) ? [new URL(t.url).hostname] : []))),
  ];
  try {
    for (const [i, t] of targets.entries()) {
      if (i > 0 && o.delayMs > 0) await new Promise((r) => setTimeout(r, o.delayMs));
      let outcome: FetchOutcome;
      try {
        const d = await downloadPdf(t.url, { ...o.fetch, allowHosts });
        const ready = await readDownload(store, d, t, x);
        const result = await saveDocument(store, ready);
        outcome = {
          url: t.url,
          kind: t.kind,
          result,
          sha256: d.sha256,
          status: ready.extracted ? documentStatus(ready.extracted) : null,
          reason: ready.extracted && !ready.extracted.ok ? ready.extracted.error : null,
          bytes: d.bytes.length,
          extract_ms: ready.extracted?.ms ?? null,
        };
      } catch (e) {
        if (!(e instanceof FetchRejected)) throw e;
        outcome = {
          url: t.url,
          kind: t.kind,
          result: "rejected",
          sha256: null,
          status: null,
          reason: e.reason,
          bytes: null,
          extract_ms: null,
        };
      }
      out.push(outcome);
      o.onProgress?.(i + 1, targets.length, outcome);
    }
  } finally {
    if (own) await x.close();
  }
  return out;
}

/** Adds a PDF from disk for one agreement (a copy obtained by hand, or a records request). */
export async function addLocalDocument(
  store: Store,
  file: string,
  o: { agreementId: string; url?: string; kind?: MoaKind; extractor?: TextExtractor },
): Promise<FetchOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bad = checkPdf(bytes);
  if (bad) throw new InputError(file, bad);
  const ag = await store.db
    .selectFrom("agreement")
    .select(["agreement_id", "agency_id", "moa_url", "addendum_url"])
    .where("agreement_id", "=", o.agreementId)
    .executeTakeFirst();
  if (!ag) throw new InputError(o.agreementId, "no such agreement (see `g287 agreements` or `g287 agency`)");
  const kind = o.kind ?? (o.url && o.url === ag.addendum_url ? "addendum" : "moa");
  const own = !o.extractor;
  const x = o.extractor ?? new TextExtractor();
  try {
    const hash = sha256(bytes);
    const extracted = (await stored(store, hash)) ? null : await x.extract(bytes);
    const result = await saveDocument(store, {
      sha256: hash,
      bytes,
      url: o.url ?? null,
      kind,
      retrievedAt: new Date().toISOString(),
      httpStatus: null,
      links: [{ agreement_id: ag.agreement_id, agency_id: ag.agency_id }],
      extracted,
    });
    return {
      url: o.url ?? file,
      kind,
      result,
      sha256: hash,
      status: extracted ? documentStatus(extracted) : null,
      reason: extracted && !extracted.ok ? extracted.error : null,
      bytes: bytes.length,
      extract_ms: extracted?.ms ?? null,
    };
  } finally {
    if (own) await x.close();
  }
}
