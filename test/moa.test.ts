// The MOA documents: reading the three sample PDFs (one per template family) gives the right
// signers, titles, dates, model and family; full-text search finds a known phrase in the right
// document; a list row that disagrees with its MOA is flagged; rebuilds and re-ingests leave the
// documents alone. Fetching them is in moa-fetch.test.ts.

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ftsQuery,
  moaDocument,
  moaDocuments,
  moaMismatches,
  moaPageText,
  moaPdf,
  searchMoa,
} from "../src/analysis/moa.js";
import { addLocalDocument, moaTargets } from "../src/moa/collect.js";
import { fileNameDate, findDates } from "../src/moa/dates.js";
import { type Extracted, TextExtractor } from "../src/moa/extract-text.js";
import { identifyFamily } from "../src/moa/families.js";
import { type MoaFields, readFields } from "../src/moa/fields.js";
import { lineText } from "../src/moa/layout.js";
import { compareMoa } from "../src/moa/mismatch.js";
import { moaDb } from "../src/moa/tables.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore, type Store } from "../src/store/db.js";
import { ENTITY_TABLES, REPLAY_TABLES } from "../src/store/write.js";
import { cliAsync, copyArchiveDb, readStore, tmpDir } from "./helpers.js";
import { ICE, JEM, MOA_DIR, moaFingerprint, SHA, sample, TFM, WSO, writeList } from "./moa-samples.js";

let extractor: TextExtractor;
const text = new Map<string, Extracted & { ok: true }>();
const fields = new Map<string, MoaFields>();

beforeAll(async () => {
  extractor = new TextExtractor();
  for (const name of [WSO, JEM, TFM]) {
    const x = await extractor.extract(sample(name));
    if (!x.ok) throw new Error(`${name}: ${x.error}`);
    text.set(name, x);
    fields.set(name, readFields({ pages: x.pages.map((p) => p.layout), title: x.title, url: ICE + name }));
  }
  // Measured figures for the report (the reading only; the thread's start is separate).
  console.log(
    `MOA text extraction: worker start ${extractor.startMs} ms; ${[...text].map(([n, x]) => `${n} ${x.pages.length} pages ${x.ms} ms`).join("; ")}`,
  );
}, 300_000);

afterAll(async () => {
  await extractor?.close();
});

const f = (name: string) => fields.get(name) as MoaFields;
const sig = (name: string, party: string) => f(name).signatures.filter((s) => s.party === party);

describe("reading the sample MOAs", () => {
  it("the 2019–2020 Warrant Service Officer template: Finney County Sheriff's Office, Kansas", () => {
    const x = f(WSO);
    expect(text.get(WSO)?.numPages).toBe(12);
    expect(x.template.value).toBe("wso-2019");
    // The title is only "MEMORANDUM OF AGREEMENT": the body's "only delegated the two authorities" decides.
    expect(x.modelTitle.value).toBeNull();
    expect(x.modelBody.value).toBe("WSO");
    expect(x.modelBody.page).toBe(8);
    expect(x.model.value).toBe("WSO");
    expect(x.modelFile.value).toBe("WSO");
    expect(x.localSigner.value).toBe("Kevin Bascue");
    expect(x.localSignerTitle.value).toBe("Sheriff");
    // The OCR layer of the scan reads "Enri . ucer" above "Executive Associate Dire ;tor".
    expect(x.iceSigner.value).toBe("Enrique M. Lucero");
    expect(x.iceSigner.snippet).toContain("Enri | . ucer");
    expect(x.iceSignerTitle.value).toBe("Executive Associate Director");
    expect(x.iceSigner.page).toBe(7);
    // Both dates are handwritten (3/17/20 by ICE, 2-28-20 by the sheriff, on the page image) and
    // absent from the text layer: no date is invented; the file name's date stands in.
    expect(x.iceSignedOn.value).toBeNull();
    expect(x.localSignedOn.value).toBeNull();
    expect(x.effectiveOn.value).toBeNull();
    expect(x.fileDate.value).toBe("2020-03-17");
    expect(x.iceFieldOffice.value).toBe("Chicago Field Office");
    expect(x.signatures.map((s) => s.party)).toEqual(["ice", "local"]);
  });

  it("the 2020 Jail Enforcement Model template: Florida Department of Corrections", () => {
    const x = f(JEM);
    expect(text.get(JEM)?.numPages).toBe(11);
    expect(x.template.value).toBe("jem-2020");
    expect(x.modelTitle).toMatchObject({ value: "JEM", source: "title", page: 1 });
    expect(x.modelTitle.snippet).toBe("MEMORANDUM OF AGREEMENT / 287(g) Jail Enforcement Model");
    expect(x.modelBody.value).toBe("JEM");
    expect(x.modelFile.value).toBe("JEM");
    expect(x.localSigner.value).toBe("Mark S. Inch");
    expect(x.localSignerTitle.value).toBe("Secretary");
    // The secretary's date is handwritten (08/17/2020); its OCR is noise, kept as written.
    expect(x.localSignedOn.value).toBeNull();
    expect(sig(JEM, "local")[0]?.dateRaw).toBe("_6._~___./L__/_7~/-~_o_-z.._o__");
    expect(x.iceSigner.value).toBe("C.M. Cronen");
    expect(x.iceSignerTitle.value).toBe("Assistant Director, Enforcement");
    // ICE signed digitally: "Date: 2020.08.21 09:55:42 -04'00'".
    expect(x.iceSignedOn).toMatchObject({ value: "2020-08-21", page: 7, source: "signature_block" });
    expect(sig(JEM, "ice")[0]?.dateRaw).toContain("2020.08.21");
    expect(x.effectiveOn.value).toBe("2020-08-21");
    expect(x.fileDate.value).toBe("2020-08-21");
    expect(x.iceFieldOffice.value).toBe("Miami Field Office");
    expect(x.iceFieldOffice.page).toBe(6);
    expect(x.signatures.map((s) => s.party)).toEqual(["ice", "local"]);
  });

  it("the 2025 LEA template: Kansas Bureau of Investigation, Task Force Model", () => {
    const x = f(TFM);
    expect(text.get(TFM)?.numPages).toBe(14);
    expect(text.get(TFM)?.title).toBe("287(g) MOA TF/WSO-Agency");
    expect(x.template.value).toBe("lea-2025");
    expect(x.templateRevision.value).toBe("2025-02-12");
    // The metadata title names two models (TF/WSO) and the body names none: the delegated power to
    // arrest without a warrant is the Task Force model's.
    expect(x.modelTitle.value).toBeNull();
    expect(x.modelBody).toMatchObject({ value: "TFM", page: 2 });
    expect(x.modelBody.snippet).toContain("arrest without a warrant");
    expect(x.model.value).toBe("TFM");
    expect(x.modelFile.value).toBe("TFM");
    // The signatures are handwritten; the typed dates and titles are text.
    expect(x.localSigner.value).toBeNull();
    expect(x.localSignerTitle.value).toBe("Director");
    expect(x.localSignedOn.value).toBe("2025-02-17");
    expect(x.iceSigner.value).toBeNull();
    expect(x.iceSignerTitle.value).toBe("Acting Director");
    expect(x.iceSignedOn).toMatchObject({ value: "2025-02-18", page: 9 });
    expect(sig(TFM, "other")).toMatchObject([{ title: "Attorney General of Kansas", date: "2025-02-17" }]);
    expect(x.effectiveOn.value).toBe("2025-02-18");
    expect(x.fileDate.value).toBe("2025-02-18");
    expect(x.iceFieldOffice.value).toBeNull();
  });

  it("tells the families apart by their phrases, and calls a text with none unknown", () => {
    const all = (name: string) =>
      text
        .get(name)
        ?.pages.map((p) => p.layout.lines.map(lineText).join("\n"))
        .join("\n") ?? "";
    expect(identifyFamily(all(WSO)).name).toBe("wso-2019");
    expect(identifyFamily(all(JEM)).name).toBe("jem-2020");
    expect(identifyFamily(all(TFM)).name).toBe("lea-2025");
    expect(identifyFamily(all(JEM)).hits.length).toBeGreaterThanOrEqual(3);
    expect(identifyFamily("MEMORANDUM OF AGREEMENT between two parties").name).toBe("unknown");
    // One phrase is not enough.
    expect(identifyFamily("facilitating the custodial transfer of aliens").name).toBe("unknown");
  });

  it("reads dates as MOAs and ICE's file names write them, and nothing from OCR noise", () => {
    expect(findDates("Date: February 17, 2025").map((d) => d.iso)).toEqual(["2025-02-17"]);
    expect(findDates("Date: 2020.08.21 09 :55:42 -04'00'").map((d) => d.iso)).toEqual(["2020-08-21"]);
    expect(findDates("Date: 3/17/20   Date: 2-28-20").map((d) => d.iso)).toEqual(["2020-03-17", "2020-02-28"]);
    expect(findDates("_6._~___./L__/_7~/-~_o_-z.._o__")).toEqual([]);
    expect(findDates("13/45/2020 and February 30, 2025")).toEqual([]);
    // Real file names from the lists' MOA links.
    expect(fileNameDate(`${ICE}NaplesPoliceDept_TFM_MOA_02.28.25.pdf`)?.iso).toBe("2025-02-28");
    expect(fileNameDate(`${ICE}FranklinCountyJailPA_WSO_MOA_030725.pdf`)?.iso).toBe("2025-03-07");
    expect(fileNameDate(`${ICE}CapeCoralPDFL_7.2.2025.pdf`)?.iso).toBe("2025-07-02");
    expect(fileNameDate(`${ICE}287gWSO_PolkCoFl2019-05-06.pdf`)?.iso).toBe("2019-05-06");
    expect(
      fileNameDate("https://www.ice.gov/doclib/about/offices/ero/287g/ArkansasStatePoliceTFM-07302025.pdf")?.iso,
    ).toBe("2025-07-30");
    expect(fileNameDate(`${ICE}SomeAgency_MOA.pdf`)).toBeNull();
  });

  it("guards the reader: a page limit, a time limit that kills the thread, a size limit, junk", async () => {
    const small = new TextExtractor({ maxBytes: 200_000, maxPages: 2, timeoutMs: 60_000, memoryMb: 256 });
    try {
      const two = await small.extract(sample(WSO));
      expect(two.ok && two.pages.length).toBe(2);
      expect(two.ok && two.numPages).toBe(12);
      const big = await small.extract(sample(TFM)); // 293152 bytes
      expect(big).toMatchObject({ ok: false, error: "larger than 200000 bytes" });
      const junk = await small.extract(new TextEncoder().encode("%PDF-1.7\nnot really a pdf\n%%EOF\n"));
      expect(junk.ok).toBe(false);
    } finally {
      await small.close();
    }
    const hasty = new TextExtractor({ maxBytes: 1e8, maxPages: 200, timeoutMs: 1, memoryMb: 256 });
    try {
      const late = await hasty.extract(sample(JEM));
      expect(late).toMatchObject({ ok: false, error: "timed out after 1 ms" });
      // The killed thread is replaced: the next document is read normally.
      (hasty.limits as { timeoutMs: number }).timeoutMs = 120_000;
      const next = await hasty.extract(sample(WSO));
      expect(next.ok && next.pages.length).toBe(12);
    } finally {
      await hasty.close();
    }
  }, 300_000);
});

describe("the real agreements of the samples agree with their MOAs", () => {
  it("links each sample to its agreement in the archive ledger, and finds no mismatch", async () => {
    const store = await openStore(copyArchiveDb());
    try {
      for (const [name, id] of [
        [WSO, "ks-finney-county-sheriffs-office/wso/2020-03-17"],
        [JEM, "fl-department-of-corrections/jem/2020-08-21"],
        [TFM, "ks-bureau-of-investigation/tfm/2025-02-18"],
      ] as const) {
        const ag = await store.db
          .selectFrom("agreement")
          .select(["moa_url"])
          .where("agreement_id", "=", id)
          .executeTakeFirstOrThrow();
        expect(ag.moa_url).toBe(ICE + name);
        const r = await addLocalDocument(store, path.join(MOA_DIR, name), {
          agreementId: id,
          url: ICE + name,
          extractor,
        });
        expect(r).toMatchObject({ result: "new", sha256: SHA[name], status: "ok" });
      }
      const m = await moaMismatches(store.db, { all: true });
      expect(m).toMatchObject({ checked: 3, ok: 3, mismatched: 0, unverified: 0 });
      const bases = Object.fromEntries(m.rows.map((r) => [r.agreement_id, r.date_basis]));
      expect(bases).toEqual({
        "fl-department-of-corrections/jem/2020-08-21": "signature",
        "ks-bureau-of-investigation/tfm/2025-02-18": "signature",
        "ks-finney-county-sheriffs-office/wso/2020-03-17": "file_name",
      });
      // The archive links 1,645 distinct MOA URLs; these three are now stored, the rest still to fetch.
      const todo = await moaTargets(store);
      expect(todo.some((t) => t.url === ICE + TFM)).toBe(false);
      expect(todo.filter((t) => t.kind === "moa").length).toBe(1645 - 3);
      const kbi = await moaTargets(store, { agency: "ks-bureau-of-investigation" });
      expect(kbi.map((t) => t.url)).toEqual([`${ICE}KansasBureauOfInv_WSO_MOA_02182025.pdf`]);
    } finally {
      await store.close();
    }
  }, 300_000);
});

describe("a hand-made ledger: search, mismatches, rebuilds", () => {
  const dir = tmpDir("g287-moa-");
  const db = path.join(dir, "moa.db");
  const list = writeList(path.join(dir, "participatingAgencies03012026am.xlsx"), [
    // SIGNED deliberately one day off: the MOA's signatures are dated 2025-02-17 and 2025-02-18.
    ["KANSAS", "Kansas Bureau of Investigation", "State", "Task Force Model", "2025-02-19"],
    ["KANSAS", "Finney County Sheriff's Office", "County", "Warrant Service Officer", "2020-03-17"],
    // The model deliberately wrong: the MOA is a Jail Enforcement Model agreement.
    ["FLORIDA", "Florida Department of Corrections", "State", "Task Force Model", "2020-08-21"],
  ]);
  const KBI = "ks-bureau-of-investigation/tfm/2025-02-19";
  const FINNEY = "ks-finney-county-sheriffs-office/wso/2020-03-17";
  const FDC = "fl-department-of-corrections/tfm/2020-08-21";
  let store: Store;

  beforeAll(async () => {
    store = await openStore(db);
    await ingest(store, [list]);
    for (const [name, id] of [
      [TFM, KBI],
      [WSO, FINNEY],
      [JEM, FDC],
    ] as const)
      await addLocalDocument(store, path.join(MOA_DIR, name), { agreementId: id, url: ICE + name, extractor });
  }, 300_000);

  afterAll(async () => {
    await store?.close();
  });

  it("stores each document once, with its pages, fields and links", async () => {
    const m = moaDb(store.db);
    const docs = await m.selectFrom("moa_document").selectAll().orderBy("url").execute();
    expect(docs.map((d) => [d.url, d.kind, d.bytes, d.pages, d.status, d.agreement_id])).toEqual([
      [ICE + JEM, "moa", 272483, 11, "ok", FDC],
      [ICE + WSO, "moa", 155209, 12, "ok", FINNEY],
      [ICE + TFM, "moa", 293152, 14, "ok", KBI],
    ]);
    const blob = await m.selectFrom("blob").select("bytes").where("sha256", "=", SHA[TFM]).executeTakeFirstOrThrow();
    expect(Buffer.from(blob.bytes).equals(Buffer.from(sample(TFM)))).toBe(true);
    const pages = await m.selectFrom("moa_page").select("page").where("sha256", "=", SHA[JEM]).execute();
    expect(pages.length).toBe(11);
    const signer = await m
      .selectFrom("moa_fields")
      .selectAll()
      .where("sha256", "=", SHA[JEM])
      .where("field", "=", "local_signer")
      .executeTakeFirstOrThrow();
    expect(signer).toMatchObject({ value: "Mark S. Inch", page: 7, source: "signature_block" });
    // What the API serves: one document, its kept bytes (never a list file's), one page's text.
    const one = await moaDocument(store.db, SHA[WSO]);
    expect(one?.agreements.map((a) => [a.agreement_id, a.kind])).toEqual([[FINNEY, "moa"]]);
    expect(one?.fields.template).toBe("wso-2019");
    expect(Buffer.from((await moaPdf(store.db, SHA[WSO])) ?? []).equals(Buffer.from(sample(WSO)))).toBe(true);
    const listFile = await store.db.selectFrom("snapshot").select("snapshot_id").executeTakeFirstOrThrow();
    expect(await moaPdf(store.db, listFile.snapshot_id)).toBeNull();
    expect(await moaPageText(store.db, SHA[WSO], 7)).toContain("Sheriff: Finney County");
    expect(await moaDocument(store.db, "0".repeat(64))).toBeNull();
    // The same bytes again only add a link.
    const again = await addLocalDocument(store, path.join(MOA_DIR, TFM), { agreementId: FINNEY, extractor });
    expect(again.result).toBe("linked");
    expect(await m.selectFrom("moa_document").select("sha256").execute()).toHaveLength(3);
    await m.deleteFrom("moa_link").where("agreement_id", "=", FINNEY).where("sha256", "=", SHA[TFM]).execute();
  });

  it("finds a known phrase in the right document, ranked, with a snippet", async () => {
    const hits = await searchMoa(store.db, '"sole discretion"');
    expect(hits.map((h) => h.sha256)).toEqual([SHA[JEM]]);
    expect(hits[0]).toMatchObject({ page: 1, template: "jem-2020", model: "JEM", url: ICE + JEM });
    expect(hits[0]?.snippet).toContain("ICE retains «sole discretion» in determining");
    expect(hits[0]?.agreements.map((a) => a.agreement_id)).toEqual([FDC]);
    // Stemming: "transfer" finds "transferred"; the WSO template's purpose ranks first.
    const ct = await searchMoa(store.db, "custodial transfer");
    expect(ct[0]?.sha256).toBe(SHA[WSO]);
    expect(ct[0]?.pages).toEqual([1, 8]);
    const lea = await searchMoa(store.db, '"Law Enforcement Agency" Kansas', { limit: 5 });
    expect(lea.map((h) => h.sha256)).toEqual([SHA[TFM]]);
    expect(await searchMoa(store.db, "zebra crossing")).toEqual([]);
    // Query syntax in the input is quoted, never run: no error, no injection.
    expect(await searchMoa(store.db, '287(g) AND "unbalanced')).toBeInstanceOf(Array);
    expect(ftsQuery('"sole discretion" 287(g) detain* OR -x')).toBe('"sole discretion" "287(g)" "detain"* OR "-x"');
    expect(ftsQuery('  "" ** ')).toBeNull();
  });

  it("flags the list rows that disagree with their MOA, and only those", async () => {
    const m = await moaMismatches(store.db);
    expect(m).toMatchObject({ checked: 3, ok: 1, mismatched: 2, unverified: 0 });
    const by = Object.fromEntries(m.rows.map((r) => [r.agreement_id, r]));
    expect(Object.keys(by).sort()).toEqual([FDC, KBI]);
    expect(by[KBI]).toMatchObject({
      model: "ok",
      date: "mismatch",
      date_basis: "signature",
      list_signed_on: "2025-02-19",
      moa_dates: ["2025-02-17", "2025-02-18"],
    });
    expect(by[FDC]).toMatchObject({ model: "mismatch", date: "ok", list_model: "TFM", moa_model: "JEM" });
    expect(by[FDC]?.reasons).toEqual(["the MOA is a JEM agreement; the list says TFM"]);
    const docs = await moaDocuments(store.db, { agencyId: "ks-finney-county-sheriffs-office" });
    expect(docs.map((d) => d.checks[0]?.date_basis)).toEqual(["file_name"]);
  });

  it("compares exactly: a date one day off is a mismatch, an earlier SIGNED value that matches is named", () => {
    const moa = { sha256: "x", model: "TFM", signatureDates: ["2025-02-17", "2025-02-18"], fileDate: null };
    const list = { agreement_id: "a", model: "TFM", signed_on: "2025-02-18", signed_history: [] };
    expect(compareMoa(list, moa)).toMatchObject({ model: "ok", date: "ok" });
    expect(compareMoa({ ...list, signed_on: "2025-02-17" }, moa).date).toBe("ok");
    const off = compareMoa({ ...list, signed_on: "2025-02-19", signed_history: [{ date: "2025-02-18" }] }, moa);
    expect(off).toMatchObject({ date: "mismatch", matched_earlier: "2025-02-18" });
    expect(compareMoa(list, { ...moa, model: null, signatureDates: [] })).toMatchObject({
      model: "unverified",
      date: "unverified",
      date_basis: "none",
    });
  });

  it("survives `g287 rebuild` and a full re-ingest: the MOA tables are not part of the replay", async () => {
    for (const t of [...REPLAY_TABLES, ...ENTITY_TABLES] as string[]) expect(t).not.toMatch(/^moa_|^blob$/);
    const before = await moaFingerprint(store);
    expect(before).toMatch(/^moa_document=3 moa_page=37 moa_fields=\d+ moa_link=3 blob=4 moa_fts=37 /);
    await store.close();
    const rebuilt = await cliAsync(["--db", db, "rebuild"]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain("replayed");
    const again = await cliAsync(["--db", db, "ingest", "--rebuild", list]);
    expect(again.status, again.stderr).toBe(0);
    store = await openStore(db);
    expect(await moaFingerprint(store)).toBe(before);
    // The links still resolve to the replayed agreements, and the check still runs.
    expect((await moaMismatches(store.db)).mismatched).toBe(2);
    expect((await searchMoa(store.db, '"sole discretion"'))[0]?.agreements[0]?.agreement_id).toBe(FDC);
  }, 300_000);

  it("answers on the command line: search, show, mismatches, and refuses a bad add", async () => {
    const s = await cliAsync(["--db", db, "--json", "moa", "search", '"sole discretion"']);
    expect(s.status, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ query: '"sole discretion"', count: 1, rows: [{ sha256: SHA[JEM] }] });
    const show = await cliAsync(["--db", db, "moa", "show", "ks-finney-county-sheriffs-office"]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toContain("template wso-2019");
    expect(show.stdout).toContain("Kevin Bascue");
    expect(show.stdout).toContain("Enrique M. Lucero");
    const mm = await cliAsync(["--db", db, "--json", "moa", "mismatches"]);
    expect(JSON.parse(mm.stdout)).toMatchObject({ checked: 3, mismatched: 2, count: 2 });
    const csv = await cliAsync(["--db", db, "moa", "mismatches", "--csv"]);
    expect(csv.stdout.split("\n")[0]).toBe(
      "state,agency,agreement_id,model,date,list_model,moa_model,list_signed_on,moa_dates,date_basis,url,reasons",
    );
    await store.close();
    const before = await readStore(db, moaFingerprint);
    const html = path.join(dir, "blocked.pdf");
    fs.writeFileSync(html, `<html><head><title>Access Denied</title></head><body>${"x".repeat(3000)}</body></html>`);
    const bad = await cliAsync(["--db", db, "moa", "add", html, "--agreement", KBI]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("an HTML page, not a PDF");
    const nowhere = await cliAsync([
      "--db",
      db,
      "moa",
      "add",
      path.join(MOA_DIR, WSO),
      "--agreement",
      "xx-nobody/tfm/2025-01-01",
    ]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain("no such agreement");
    const usage = await cliAsync(["--db", db, "moa", "search", "x", "--limit", "0"]);
    expect(usage.status).toBe(2);
    expect(await readStore(db, moaFingerprint)).toBe(before);
    store = await openStore(db);
  }, 300_000);
});
