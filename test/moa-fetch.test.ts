// Fetching MOAs: downloaded bytes are checked (a PDF, whole, not an error page), a local imitation
// of ICE serves good, blocked, missing, truncated and cut-off files, and a refused one stores
// nothing. Nothing here touches the internet: the "ICE" server is a node:http server on loopback.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchDocuments, type MoaTarget, moaTargets } from "../src/moa/collect.js";
import { TextExtractor } from "../src/moa/extract-text.js";
import { BROWSER_USER_AGENT, checkPdf, downloadPdf, FetchRejected } from "../src/moa/fetch.js";
import { moaDb } from "../src/moa/tables.js";
import { ingest } from "../src/pipeline/ingest.js";
import { openStore } from "../src/store/db.js";
import { cliAsync, tmpDir } from "./helpers.js";
import { moaFingerprint, SHA, sample, TFM, WSO, writeList } from "./moa-samples.js";

let extractor: TextExtractor;

beforeAll(() => {
  extractor = new TextExtractor();
});

afterAll(async () => {
  await extractor?.close();
});

describe("checking downloaded bytes", () => {
  it("accepts a whole PDF and refuses HTML, a cut-off file and tiny files", () => {
    const pdf = sample(WSO);
    expect(checkPdf(pdf)).toBeNull();
    const html = new TextEncoder().encode(
      `<!DOCTYPE html><html><head><title>Access Denied</title></head><body>${"x".repeat(4000)}</body></html>`,
    );
    expect(checkPdf(html)).toBe('an HTML page, not a PDF ("Access Denied"): an error or block page');
    expect(checkPdf(pdf, { contentType: "text/html; charset=utf-8" })).toMatch(/^an HTML page/);
    expect(checkPdf(pdf.subarray(0, 100_000))).toBe("truncated: the file does not end with a %%EOF marker");
    expect(checkPdf(pdf.subarray(0, 500))).toBe("only 500 bytes: too small to be an MOA");
    expect(checkPdf(new Uint8Array(5000).fill(65))).toBe("not a PDF (no %PDF- signature at the start)");
    expect(checkPdf(pdf, { maxBytes: 100_000 })).toBe("155209 bytes: over the 100000-byte limit");
  });
});

// ---- downloads against a local imitation of ICE ----------------------------------------------

describe("fetching from a local server", () => {
  const pdf = Buffer.from(sample(TFM));
  const seen: { path: string; ua: string | undefined }[] = [];
  let flaky = 0;
  let server: http.Server;
  let base = "";

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? "", ua: req.headers["user-agent"] });
      const send = (status: number, type: string, body: Buffer | string) => {
        res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
        res.end(body);
      };
      switch (req.url) {
        case "/ok.pdf":
          return send(200, "application/pdf", pdf);
        case "/blocked.pdf":
          return send(
            200,
            "text/html",
            `<!DOCTYPE html><html><head><title>Access Denied</title></head><body>${"Reference #18".repeat(300)}</body></html>`,
          );
        case "/truncated.pdf":
          return send(200, "application/pdf", pdf.subarray(0, 120_000));
        case "/cut.pdf":
          // Promises the whole file, sends a third, hangs up.
          res.writeHead(200, { "content-type": "application/pdf", "content-length": pdf.length });
          res.write(pdf.subarray(0, 100_000));
          setTimeout(() => res.destroy(), 20);
          return;
        case "/flaky.pdf":
          flaky++;
          return flaky === 1 ? send(503, "text/plain", "busy") : send(200, "application/pdf", Buffer.from(sample(WSO)));
        default:
          return send(404, "text/html", "<html><title>Not Found</title></html>");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const quick = { retries: 2, backoffMs: 10, timeoutMs: 10_000 };

  it("downloads a PDF like a browser, and retries a 503", async () => {
    const d = await downloadPdf(`${base}/ok.pdf`, quick);
    expect(d).toMatchObject({ status: 200, sha256: SHA[TFM], contentType: "application/pdf" });
    expect(seen.find((s) => s.path === "/ok.pdf")?.ua).toBe(BROWSER_USER_AGENT);
    const f = await downloadPdf(`${base}/flaky.pdf`, quick);
    expect(f.sha256).toBe(SHA[WSO]);
    expect(seen.filter((s) => s.path === "/flaky.pdf")).toHaveLength(2);
  });

  it("refuses an HTML page served with 200, a 404, a truncated PDF and a cut connection", async () => {
    const reason = async (p: string) => {
      try {
        await downloadPdf(`${base}${p}`, quick);
        return "accepted";
      } catch (e) {
        expect(e).toBeInstanceOf(FetchRejected);
        return (e as FetchRejected).reason;
      }
    };
    expect(await reason("/blocked.pdf")).toBe('an HTML page, not a PDF ("Access Denied"): an error or block page');
    expect(await reason("/missing.pdf")).toBe("HTTP 404");
    expect(seen.filter((s) => s.path === "/missing.pdf")).toHaveLength(1); // a 404 is not retried
    expect(await reason("/truncated.pdf")).toBe("truncated: the file does not end with a %%EOF marker");
    expect(await reason("/cut.pdf")).toMatch(/^truncated: .* \(after 3 attempts\)$/);
  });

  it("stores what it accepts and nothing from what it refuses", async () => {
    const dir = tmpDir("g287-moa-fetch-");
    const db = path.join(dir, "fetch.db");
    const paths = ["/ok.pdf", "/blocked.pdf", "/missing.pdf", "/truncated.pdf", "/cut.pdf"];
    const list = writeList(
      path.join(dir, "participatingAgencies03012026am.xlsx"),
      paths.map((_, i) => ["TEXAS", `Town ${i + 1} Police Department`, "Municipal", "Task Force Model", "2025-02-18"]),
      paths.map((p) => `${base}${p}`),
    );
    let store = await openStore(db);
    await ingest(store, [list]);
    const targets = await moaTargets(store);
    expect(targets.map((t) => new URL(t.url).pathname).sort()).toEqual([...paths].sort());
    const empty = await moaFingerprint(store);
    // The refused ones alone: the store does not move.
    const refused: MoaTarget[] = targets.filter((t) => !t.url.endsWith("/ok.pdf"));
    const out = await fetchDocuments(store, refused, { delayMs: 0, fetch: quick, extractor });
    expect(out.map((o) => o.result)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect(await moaFingerprint(store)).toBe(empty);
    await store.close();

    // The command line: fetches the rest politely, shows what it refused, keeps only the PDF.
    const run = await cliAsync(["--db", db, "--json", "moa", "fetch", "--delay", "50", "--timeout", "10000"]);
    expect(run.status, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout).rows as { url: string; result: string; reason: string | null }[];
    const by = Object.fromEntries(rows.map((r) => [new URL(r.url).pathname, r]));
    expect(by["/ok.pdf"]).toMatchObject({ result: "new", reason: null });
    expect(by["/missing.pdf"]).toMatchObject({ result: "rejected", reason: "HTTP 404" });
    expect(by["/blocked.pdf"]?.result).toBe("rejected");
    store = await openStore(db, { readonly: true });
    try {
      const docs = await moaDb(store.db).selectFrom("moa_document").select(["sha256", "url", "http_status"]).execute();
      expect(docs).toEqual([{ sha256: SHA[TFM], url: `${base}/ok.pdf`, http_status: 200 }]);
      // Only the refused URLs are left to fetch.
      expect((await moaTargets(store)).length).toBe(4);
    } finally {
      await store.close();
    }
  }, 300_000);
});
