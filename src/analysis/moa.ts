// Questions about the MOA documents: full-text search with snippets and ranking, the documents of
// an agency or an agreement with the fields read from them, and the agreements whose MOA disagrees
// with ICE's list. Documents are matched to agreements by link and by URL, so the answers survive
// a full replay that renames an agreement.
import { PostgresAdapter, sql } from "kysely";
import type { MoaDocumentLink } from "../domain/files.js";
import { compareMoa, isMismatch, type MismatchResult, type MoaFacts } from "../moa/mismatch.js";
import { moaDb } from "../moa/tables.js";
import type { Db } from "../store/db.js";

/**
 * The user's words as an FTS5 query: "quoted phrases" stay phrases, other words are ANDed, a
 * trailing * asks for a prefix, an upper-case OR between terms is kept. Everything else is quoted,
 * so punctuation in the input ("287(g)", "Sheriff's") can never be read as query syntax.
 * Example: `"sole discretion" 287(g) detain*` → `"sole discretion" "287(g)" "detain"*`.
 */
export function ftsQuery(text: string): string | null {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) {
      const phrase = m[1].trim();
      if (phrase) terms.push(`"${phrase.replace(/"/g, '""')}"`);
      continue;
    }
    const w = m[2] as string;
    if (w === "OR" && terms.length && terms[terms.length - 1] !== "OR") {
      terms.push("OR");
      continue;
    }
    const prefix = w.length > 1 && w.endsWith("*");
    const core = (prefix ? w.slice(0, -1) : w).replace(/"/g, "");
    // A term with no letter or digit matches nothing and only confuses the tokenizer.
    if (!/[\p{L}\p{N}]/u.test(core)) continue;
    terms.push(`"${core}"${prefix ? "*" : ""}`);
  }
  while (terms[terms.length - 1] === "OR") terms.pop();
  return terms.length ? terms.join(" ") : null;
}

export interface LinkedAgreement {
  agreement_id: string;
  agency_id: string;
  agency: string | null;
  state: string;
  model: string;
  signed_on: string | null;
  status: string;
}

export interface MoaSearchHit {
  sha256: string;
  url: string | null;
  kind: string;
  title: string | null;
  page: number; // the best-ranked page
  snippet: string;
  score: number; // higher is better (FTS5 bm25, negated)
  pages: number[]; // every page that matches
  template: string | null;
  model: string | null;
  agreements: LinkedAgreement[];
}

export interface SearchOptions {
  limit?: number;
  /** Markers around matched words in the snippet (default «…»). */
  mark?: [string, string];
}

type PageHit = { sha256: string; page: number; snippet: string; score: number };

async function pageHits(db: Db, query: string, raw: string, mark: [string, string]): Promise<PageHit[]> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL twin of the FTS5 query below (migration 003 adds moa_page.tsv with a GIN index).
    const opts = `StartSel=${mark[0]}, StopSel=${mark[1]}, MaxWords=24, MinWords=8, ShortWord=2`;
    const r = await sql<PageHit>`
      select sha256, page, ts_headline('english', text, q, ${opts}) as snippet, ts_rank_cd(tsv, q) as score
      from moa_page, websearch_to_tsquery('english', ${raw}) q
      where tsv @@ q order by score desc, sha256, page limit 2000`.execute(db);
    return r.rows.map((h) => ({ ...h, score: Number(h.score) }));
  }
  const r = await sql<PageHit>`
    select sha256, page, snippet(moa_fts, 2, ${mark[0]}, ${mark[1]}, '…', 16) as snippet, -bm25(moa_fts) as score
    from moa_fts where moa_fts match ${query}
    order by bm25(moa_fts), sha256, page limit 2000`.execute(db);
  return r.rows.map((h) => ({ ...h, page: Number(h.page), score: Number(h.score) }));
}

/** Documents that contain the words, best first, one hit per document with its best page. */
export async function searchMoa(db: Db, text: string, o: SearchOptions = {}): Promise<MoaSearchHit[]> {
  const query = ftsQuery(text);
  if (!query) return [];
  const hits = await pageHits(db, query, text, o.mark ?? ["«", "»"]);
  const best = new Map<string, PageHit & { pages: number[] }>();
  for (const h of hits) {
    const b = best.get(h.sha256);
    if (!b) best.set(h.sha256, { ...h, pages: [h.page] });
    else b.pages.push(h.page);
  }
  const top = [...best.values()]
    .sort((a, b) => b.score - a.score || a.sha256.localeCompare(b.sha256))
    .slice(0, o.limit ?? 20);
  if (!top.length) return [];
  const docs = await documentRows(
    db,
    top.map((t) => t.sha256),
  );
  const links = await linkedAgreements(db, { sha256: top.map((t) => t.sha256) });
  return top.map((t) => {
    const d = docs.get(t.sha256);
    return {
      sha256: t.sha256,
      url: d?.url ?? null,
      kind: d?.kind ?? "moa",
      title: d?.title ?? null,
      page: t.page,
      snippet: t.snippet.replace(/\s+/g, " ").trim(),
      score: Math.round(t.score * 1000) / 1000,
      pages: t.pages.sort((a, b) => a - b),
      template: d?.fields.template ?? null,
      model: d?.fields.model ?? null,
      agreements: (links.get(t.sha256) ?? []).map((l) => l.agreement),
    };
  });
}

interface DocRow {
  sha256: string;
  url: string | null;
  kind: string;
  title: string | null;
  retrieved_at: string;
  bytes: number;
  pages: number;
  status: string;
  error: string | null;
  extract_ms: number;
  fields: Record<string, string | null>;
  signatures: {
    party: string;
    name: string | null;
    title: string | null;
    date: string | null;
    date_raw: string | null;
  }[];
  evidence: Record<string, { page: number | null; snippet: string | null; source: string }>;
}

async function documentRows(db: Db, shas: string[]): Promise<Map<string, DocRow>> {
  const out = new Map<string, DocRow>();
  if (!shas.length) return out;
  const m = moaDb(db);
  const docs = await m.selectFrom("moa_document").selectAll().where("sha256", "in", shas).execute();
  const fields = await m
    .selectFrom("moa_fields")
    .selectAll()
    .where("sha256", "in", shas)
    .orderBy("sha256")
    .orderBy("field")
    .orderBy("seq")
    .execute();
  for (const d of docs) {
    out.set(d.sha256, {
      sha256: d.sha256,
      url: d.url,
      kind: d.kind,
      title: d.title,
      retrieved_at: d.retrieved_at,
      bytes: Number(d.bytes),
      pages: Number(d.pages),
      status: d.status,
      error: d.error,
      extract_ms: Number(d.extract_ms),
      fields: {},
      signatures: [],
      evidence: {},
    });
  }
  for (const f of fields) {
    const d = out.get(f.sha256);
    if (!d) continue;
    if (f.field === "signature") {
      if (f.value) d.signatures.push(JSON.parse(f.value));
      continue;
    }
    d.fields[f.field] = f.value;
    d.evidence[f.field] = { page: f.page === null ? null : Number(f.page), snippet: f.snippet, source: f.source };
  }
  return out;
}

interface LinkRow {
  sha256: string;
  kind: string;
  agreement: LinkedAgreement;
  signed_history: string;
}

/** Agreement ↔ document pairs: by the stored link, or by the agreement's current MOA/addendum URL. */
async function linkedAgreements(
  db: Db,
  f: { sha256?: string[]; agreementId?: string; agencyId?: string },
): Promise<Map<string, LinkRow[]>> {
  let q = moaDb(db)
    .selectFrom("moa_link as l")
    .innerJoin("agreement as a", (j) =>
      j.on((eb) =>
        eb.or([
          eb("a.agreement_id", "=", eb.ref("l.agreement_id")),
          eb.and([eb("l.url", "is not", null), eb("a.moa_url", "=", eb.ref("l.url"))]),
          eb.and([eb("l.url", "is not", null), eb("a.addendum_url", "=", eb.ref("l.url"))]),
        ]),
      ),
    )
    .leftJoin("agency as g", "g.agency_id", "a.agency_id")
    .select([
      "l.sha256",
      "l.kind",
      "l.url",
      "a.agreement_id",
      "a.agency_id",
      "g.name as agency",
      "a.state",
      "a.model",
      "a.signed_on",
      "a.status",
      "a.moa_url",
      "a.addendum_url",
      "a.signed_history",
    ]);
  if (f.sha256) q = q.where("l.sha256", "in", f.sha256.length ? f.sha256 : [""]);
  if (f.agreementId) q = q.where("a.agreement_id", "=", f.agreementId);
  if (f.agencyId) q = q.where("a.agency_id", "=", f.agencyId);
  const rows = await q.orderBy("a.agreement_id").orderBy("l.sha256").execute();
  const out = new Map<string, LinkRow[]>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.sha256}|${r.agreement_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // The agreement's own columns say which document this is for it, whatever the first link said.
    const kind = r.url && r.url === r.addendum_url ? "addendum" : r.url && r.url === r.moa_url ? "moa" : r.kind;
    const list = out.get(r.sha256) ?? [];
    list.push({
      sha256: r.sha256,
      kind,
      signed_history: r.signed_history,
      agreement: {
        agreement_id: r.agreement_id,
        agency_id: r.agency_id,
        agency: r.agency ?? null,
        state: r.state,
        model: r.model,
        signed_on: r.signed_on,
        status: r.status,
      },
    });
    out.set(r.sha256, list);
  }
  return out;
}

export interface MoaDocument extends DocRow {
  agreements: (LinkedAgreement & { kind: string })[];
  checks: MismatchResult[];
}

/** The documents of one agreement (`agency/model/date`) or of every agreement of one agency. */
export async function moaDocuments(db: Db, f: { agreementId?: string; agencyId?: string }): Promise<MoaDocument[]> {
  const links = await linkedAgreements(db, f);
  const docs = await documentRows(db, [...links.keys()]);
  return [...docs.values()]
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) ||
        a.retrieved_at.localeCompare(b.retrieved_at) ||
        a.sha256.localeCompare(b.sha256),
    )
    .map((d) => {
      const ls = links.get(d.sha256) ?? [];
      return {
        ...d,
        agreements: ls.map((l) => ({ ...l.agreement, kind: l.kind })),
        checks: checksOf(d, ls),
      };
    });
}

function checksOf(d: DocRow, ls: LinkRow[]): MismatchResult[] {
  return d.status === "ok" ? ls.filter((l) => l.kind === "moa").map((l) => compareMoa(listFacts(l), moaFacts(d))) : [];
}

function moaFacts(d: DocRow): MoaFacts {
  return {
    sha256: d.sha256,
    model: d.fields.model ?? null,
    signatureDates: d.signatures.map((s) => s.date).filter((x): x is string => !!x),
    fileDate: d.fields.file_date ?? null,
  };
}

function listFacts(l: LinkRow) {
  let history: { date: string | null }[] = [];
  try {
    history = JSON.parse(l.signed_history);
  } catch {
    history = [];
  }
  return { ...l.agreement, signed_history: history };
}

export interface MismatchRow extends MismatchResult {
  agency_id: string;
  agency: string | null;
  state: string;
  url: string | null;
}

export interface MismatchReport {
  checked: number; // agreement × MOA pairs with readable text
  ok: number;
  unverified: number; // the MOA names no model or no readable date: nothing to compare
  mismatched: number;
  rows: MismatchRow[];
}

/** Agreements whose MOA disagrees with the list on model or signed date. */
export async function moaMismatches(db: Db, o: { all?: boolean } = {}): Promise<MismatchReport> {
  const links = await linkedAgreements(db, {});
  const docs = await documentRows(db, [...links.keys()]);
  const rows: MismatchRow[] = [];
  let checked = 0;
  let ok = 0;
  let unverified = 0;
  for (const [sha, ls] of links) {
    const d = docs.get(sha);
    if (d?.status !== "ok") continue;
    for (const l of ls) {
      if (l.kind !== "moa") continue;
      const r = compareMoa(listFacts(l), moaFacts(d));
      checked++;
      const bad = isMismatch(r);
      if (!bad && r.model === "ok" && r.date === "ok") ok++;
      else if (!bad) unverified++;
      if (bad || o.all)
        rows.push({
          ...r,
          agency_id: l.agreement.agency_id,
          agency: l.agreement.agency,
          state: l.agreement.state,
          url: d.url,
        });
    }
  }
  rows.sort((a, b) => a.state.localeCompare(b.state) || a.agreement_id.localeCompare(b.agreement_id));
  return { checked, ok, unverified, mismatched: checked - ok - unverified, rows };
}

/** Counts for a status line or an API index. */
export async function moaSummary(db: Db) {
  const m = moaDb(db);
  const byStatus = await m
    .selectFrom("moa_document")
    .select(["status", "kind", m.fn.countAll<number>().as("n")])
    .groupBy(["status", "kind"])
    .execute();
  const urls = await m
    .selectFrom("agreement")
    .select([
      m.fn.count<number>(sql`distinct moa_url`).as("moa"),
      m.fn.count<number>(sql`distinct addendum_url`).as("addendum"),
    ])
    .executeTakeFirstOrThrow();
  return {
    documents: byStatus.map((r) => ({ status: r.status, kind: r.kind, count: Number(r.n) })),
    linked_urls: { moa: Number(urls.moa), addendum: Number(urls.addendum) },
  };
}

/** One stored document by its sha256, with the agreements that link it and the checks against them. */
export async function moaDocument(db: Db, sha256: string): Promise<MoaDocument | null> {
  const docs = await documentRows(db, [sha256]);
  const d = docs.get(sha256);
  if (!d) return null;
  const ls = (await linkedAgreements(db, { sha256: [sha256] })).get(sha256) ?? [];
  return {
    ...d,
    agreements: ls.map((l) => ({ ...l.agreement, kind: l.kind })),
    checks: checksOf(d, ls),
  };
}

/** The kept PDF bytes of an MOA document (never a list file: only sha256s in moa_document). */
export async function moaPdf(db: Db, sha256: string): Promise<Uint8Array | null> {
  const r = await moaDb(db)
    .selectFrom("moa_document")
    .innerJoin("blob", "blob.sha256", "moa_document.sha256")
    .select("blob.bytes")
    .where("moa_document.sha256", "=", sha256)
    .executeTakeFirst();
  return r ? r.bytes : null;
}

/** The text of one page of a stored document. */
export async function moaPageText(db: Db, sha256: string, page: number): Promise<string | null> {
  const r = await moaDb(db)
    .selectFrom("moa_page")
    .select("text")
    .where("sha256", "=", sha256)
    .where("page", "=", page)
    .executeTakeFirst();
  return r?.text ?? null;
}

export function moaCopyPath(sha256: string): string {
  return `data/moa/${sha256}.pdf`;
}

/** The documents an agency page links: every stored MOA or addendum of the agency's agreements. */
export async function moaDocumentLinks(db: Db, agencyId: string): Promise<MoaDocumentLink[]> {
  return (await moaDocuments(db, { agencyId })).map((d) => ({
    sha256: d.sha256,
    kind: d.kind,
    url: d.url,
    copy: moaCopyPath(d.sha256),
    pages: d.pages,
    status: d.status,
    template: d.fields.template ?? null,
    model: d.fields.model ?? null,
    effective_on: d.fields.effective_on ?? null,
    ice_field_office: d.fields.ice_field_office ?? null,
    signatures: d.signatures.map((s) => ({ party: s.party, name: s.name, title: s.title, date: s.date })),
    agreements: d.agreements.map((a) => a.agreement_id),
    checks: d.checks.map((c) => ({ agreement_id: c.agreement_id, model: c.model, date: c.date, reasons: c.reasons })),
  }));
}

/** Every stored document's sha256, for the static site's list of files. */
export async function moaShas(db: Db): Promise<string[]> {
  const rows = await moaDb(db).selectFrom("moa_document").select("sha256").orderBy("sha256").execute();
  return rows.map((r) => r.sha256);
}
