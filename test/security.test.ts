// The smaller holes of issue 13 on the real ledger: LIKE wildcards in searches, feed links under a
// spoofed Host header, the static site's CSP; and SECURITY.md's attack-class table, which must be
// what the recorded test outcomes (docs/security/*.json) give. Rows go to docs/security/serving.json.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  allRows,
  END,
  renderInto,
  renderTable,
  SECURITY_MD,
  SecurityRow,
  securityLog,
} from "../scripts/security-table.js";
import { containsPattern, findAgencies } from "../src/analysis/queries.js";
import { createApp } from "../src/server/app.js";
import { APP_CSP, DATA_CSP } from "../src/server/security.js";
import { type Running, startServer } from "../src/server/serve.js";
import { HEADERS_FILE, renderSite, withCspMeta } from "../src/server/site.js";
import { openStore, type Store } from "../src/store/db.js";
import { ARCHIVE, cli, fakeWebDist, ingestInto, openArchive, tmpDir } from "./helpers.js";
import { SECURITY_CASES } from "./security-cases.js";

const sec = securityLog("serving", "test/security.test.ts");
afterAll(() => sec.flush());

let store: Store;
beforeAll(async () => {
  store = await openArchive();
});
afterAll(async () => {
  await store.close();
});

type Listed = { total: number; rows: { agency_id: string }[] };

describe("LIKE wildcards", () => {
  it("`q=%` and `q=_` match nothing through the API; a word next to them matches only itself", () =>
    sec.check(...SECURITY_CASES.likeApi, async () => {
      const app = createApp({ store, webDist: null });
      const get = async (p: string) => (await (await app.request(p)).json()) as Listed;
      const all = (await get("/api/v1/agencies?limit=all")).total;
      expect(all).toBeGreaterThan(1000);
      for (const q of ["%25", "_", "%25%25", "%25_%25", "*", "%5C"]) {
        expect((await get(`/api/v1/agencies?q=${q}`)).total, q).toBe(0);
        expect((await get(`/api/v1/agreements?q=${q}`)).total, q).toBe(0);
      }
      // "%sheriff" is the word "sheriff": the same rows as "sheriff", far fewer than all.
      const plain = await get("/api/v1/agencies?q=sheriff&limit=all");
      const wild = await get("/api/v1/agencies?q=%25sheriff&limit=all");
      expect(wild.total).toBe(plain.total);
      expect(plain.total).toBeLessThan(all);
      expect(wild.rows.map((r) => r.agency_id)).toEqual(plain.rows.map((r) => r.agency_id));
    }));

  it("the CLI's agency search and the LIKE pattern escape % _ and \\", () =>
    sec.check(...SECURITY_CASES.likeCli, async () => {
      expect(containsPattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
      expect(await findAgencies(store.db, "%")).toEqual([]);
      expect(await findAgencies(store.db, "_")).toEqual([]);
      const r = cli(["--db", store.file, "agency", "%"]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe("g287: %: no agency matches (try fewer words, or `g287 agreements --state XX`)");
    }));
});

/** A GET with a Host header of our choosing (fetch() will not send one). */
function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
  });
}

const hrefs = (atom: string) => [...atom.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);

describe("feed links under a spoofed Host header", () => {
  let configured: Running;
  let bare: Running;
  beforeAll(async () => {
    configured = await startServer(store, {
      port: 0,
      host: "127.0.0.1",
      webDist: null,
      publicUrl: "https://g287.example/ledger/",
    });
    bare = await startServer(store, { port: 0, host: "127.0.0.1", webDist: null, publicUrl: null });
  });
  afterAll(async () => {
    await configured.close();
    await bare.close();
  });

  it("links name G287_PUBLIC_URL, or the listening address, never the Host header", () =>
    sec.check(...SECURITY_CASES.hostHeader, async () => {
      const spoofed = await getWithHost(`${configured.url}feeds/changes.atom`, "evil.example");
      expect(spoofed).not.toContain("evil.example");
      const links = hrefs(spoofed);
      expect(links.length).toBeGreaterThan(100);
      expect(links.every((h) => h.startsWith("https://g287.example/ledger/"))).toBe(true);
      // The cached answer another reader then gets is the same, unpoisoned.
      const clean = await getWithHost(`${configured.url}feeds/changes.atom`, configured.url.slice(7, -1));
      expect(clean).toBe(spoofed);

      const plain = await getWithHost(`${bare.url}feeds/changes.atom?state=TX`, "evil.example:666");
      expect(plain).not.toContain("evil.example");
      expect(hrefs(plain).every((h) => h.startsWith(bare.url))).toBe(true);
      expect(bare.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    }));
});

describe("the static site's CSP", () => {
  it("index.html carries the app's CSP in a meta tag before any script, and _headers sends both policies", () =>
    sec.check(...SECURITY_CASES.staticCsp, async () => {
      const web = fakeWebDist(
        {
          "index.html":
            '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <script type="module" src="./assets/i.js"></script>\n  </head>\n  <body><div id="app"></div></body>\n</html>\n',
          "assets/i.js": "document.title = 'ok';\n",
        },
        "g287-sec-web-",
      );
      // The policy is the same whatever the ledger holds: one real list keeps the render short.
      const small = path.join(tmpDir("g287-sec-db-"), "one-list.db");
      await ingestInto(small, path.join(ARCHIVE, "participating_2021-01-13.csv"));
      const one = await openStore(small, { readonly: true });
      const out = path.join(tmpDir("g287-sec-site-"), "site");
      const summary = await renderSite(one, out, { webDist: web }).finally(() => one.close());
      const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
      const meta = `<meta http-equiv="Content-Security-Policy" content="${APP_CSP}">`;
      expect(index).toContain(meta);
      expect(index.indexOf(meta)).toBeLessThan(index.indexOf("<script"));
      expect(index.indexOf(meta)).toBeGreaterThan(index.indexOf("<head>"));
      expect(withCspMeta(index)).toBe(index); // never twice
      const headers = fs.readFileSync(path.join(out, "_headers"), "utf8");
      expect(headers).toBe(HEADERS_FILE);
      expect(headers.startsWith(`/*\n  Content-Security-Policy: ${APP_CSP}\n`)).toBe(true);
      for (const p of ["/api/*", "/feeds/*", "/data/*"])
        expect(headers).toContain(`${p}\n  Content-Security-Policy: ${DATA_CSP}\n`);
      expect(summary.files.web).toBe(3);
      // The policy forbids inline script: the app itself must need none.
      expect(index).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }));
});

describe("the served API and site under hostile requests", () => {
  it("SQL in filters and search text is data: a bad filter is a 400, search text matches nothing, no table is touched", () =>
    sec.check(...SECURITY_CASES.sql, async () => {
      const app = createApp({ store, webDist: null });
      const agencies = async () =>
        Number(
          (await store.db.selectFrom("agency").select(store.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow())
            .n,
        );
      const n = await agencies();
      expect((await app.request("/api/v1/agreements?state=TX'%20OR%201=1--")).status).toBe(400);
      expect((await app.request("/api/v1/agreements?agency=x'%20OR%20'1'='1")).status).toBe(400);
      const q = (await (await app.request("/api/v1/agencies?q='%3B%20DROP%20TABLE%20agency%3B--")).json()) as Listed;
      expect(q.total).toBe(0);
      expect(await findAgencies(store.db, "'; DROP TABLE agency; --")).toEqual([]);
      expect(await agencies()).toBe(n);
    }));

  it("path traversal in URLs never leaves the web app's folder", () =>
    sec.check(...SECURITY_CASES.traversal, async () => {
      const web = tmpDir("g287-sec-trav-");
      fs.writeFileSync(path.join(web, "index.html"), "<!doctype html><html><head></head><body>app</body></html>");
      const app = createApp({ store, webDist: web });
      for (const p of [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2f..%2fpackage.json",
        "/data/..%2f..%2fg287.db",
        "/..%5c..%5cpackage.json",
      ]) {
        const res = await app.request(p);
        const text = await res.text();
        expect(text, p).not.toMatch(/root:x:0:0|"name": "g287"|SQLite format/);
      }
    }));

  it("writes need the admin token; data is readable cross-origin without credentials", () =>
    sec.check(...SECURITY_CASES.access, async () => {
      const token = "admin-token-0123456789abcdef";
      const app = createApp({ store, webDist: null, adminToken: token });
      const body = JSON.stringify({ channel: { type: "email", to: "a@example.org" } });
      for (const auth of [undefined, "Bearer wrong", `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
        const res = await app.request("/api/v1/subscriptions", {
          method: "POST",
          headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
          body,
        });
        expect(res.status, String(auth)).toBe(401);
      }
      const res = await app.request("/api/v1/agencies?limit=1", { headers: { origin: "https://evil.example" } });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }));

  it("answers with data never run as a page: JSON, CSV and Atom carry the sandbox CSP and nosniff", () =>
    sec.check(...SECURITY_CASES.dataXss, async () => {
      const app = createApp({ store, webDist: null });
      for (const p of [
        "/api/v1/agencies?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/api/v1/agencies.csv?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/feeds/changes.atom?state=TX",
      ]) {
        const res = await app.request(p);
        expect(res.status, p).toBeLessThan(500);
        expect(res.headers.get("content-security-policy"), p).toBe(DATA_CSP);
        expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
        expect(res.headers.get("content-type"), p).not.toMatch(/html/);
        if (p.includes("atom")) expect(await res.text(), p).not.toMatch(/<script/i);
      }
    }));
});

describe("SECURITY.md", () => {
  it("every row file is well formed, and the table is what the rows give", () => {
    const groups = allRows();
    expect(groups.map((g) => g.file)).toContain("outbound.json");
    for (const g of groups)
      for (const r of g.rows) expect(SecurityRow.safeParse(r).success, `${g.file}: ${JSON.stringify(r)}`).toBe(true);
    const md = fs.readFileSync(SECURITY_MD, "utf8");
    expect(md).toContain(END);
    const want = renderInto(md, renderTable(groups));
    expect(md === want, "SECURITY.md is stale: run `npx tsx scripts/security-table.ts`").toBe(true);
  });

  it("says what fails: a failed row is shown as failed, not as held", () => {
    const t = renderTable([
      {
        file: "x.json",
        rows: [
          { class: "A", case: "one", guarantee: "g", result: "held" },
          { class: "A", case: "two | pipe", guarantee: "g", result: "failed: it broke" },
        ],
      },
    ]);
    expect(t).toContain("2 cases from docs/security/x.json: 1 held, 1 failed.");
    expect(t).toContain("| A | two \\| pipe | g | **failed: it broke** | x.json |");
  });
});
