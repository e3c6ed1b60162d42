// Outbound requests go only where they should (issue 13): the shared fetch module's address and
// host checks, redirects and off-host links to a second loopback port standing in for a metadata
// service, a body trickled at a byte a second, and webhooks checked at subscribe and at delivery.
// Loopback is allowed only for the one host:port each case names (never the suite-wide test mode),
// so a second port is as foreign as 169.254.169.254. Each case is recorded in
// docs/security/outbound.json for SECURITY.md's table.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { securityLog } from "../scripts/security-table.js";
import { subscribe } from "../src/alerts/admin.js";
import { sendAlerts } from "../src/alerts/deliver.js";
import { enqueueAlerts } from "../src/alerts/outbox.js";
import { alertDb } from "../src/alerts/tables.js";
import { postWebhook } from "../src/alerts/webhook.js";
import { fetchDocuments, moaTargets } from "../src/moa/collect.js";
import { downloadPdf, FetchRejected } from "../src/moa/fetch.js";
import { moaDb } from "../src/moa/tables.js";
import { addressProblem } from "../src/net/address.js";
import { FetchError, type FetchOptions, fetchUrl } from "../src/net/fetch.js";
import { loopbackFromEnv } from "../src/net/policy.js";
import { ingest } from "../src/pipeline/ingest.js";
import { alertRoutes } from "../src/server/alert-routes.js";
import { openStore } from "../src/store/db.js";
import { ARCHIVE, cliAsync, tmpDir, writeXlsx } from "./helpers.js";
import { realList } from "./lists.js";
import { type Server, server } from "./receivers.js";
import { SECURITY_CASES, withCount } from "./security-cases.js";

/** The archive's first list: a small ledger to subscribe on. */
const FIRST_LIST = path.join(ARCHIVE, "participating_2021-01-13.csv");

const sec = securityLog("outbound", "test/outbound.test.ts");
afterAll(() => sec.flush());

const http0 = {
  connectTimeoutMs: 2000,
  readTimeoutMs: 2000,
  retries: 0,
  backoffBaseMs: 10,
  backoffMaxMs: 10,
  userAgent: "g287-test",
};

/** The failure of a fetch, as [failure kind, message]; ["ok", status] when it went through. */
async function outcome(url: string, o: Partial<FetchOptions>): Promise<[string, string]> {
  try {
    const r = await fetchUrl(url, { http: http0, accept: "*/*", maxBytes: 1 << 20, ...o });
    return ["ok", String(r.status)];
  } catch (e) {
    if (!(e instanceof FetchError)) throw e;
    return [e.failure, e.message];
  }
}

/** The CLI without blocking this process (the servers it talks to run here). */
const cliEnv = (args: string[], env: Record<string, string>) => cliAsync(args, { env });

/** One line on stderr, `g287: …`, and no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^g287: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

// ---------------------------------------------------------------- addresses

describe("addresses an outbound request may not reach", () => {
  const refused: [string, string, RegExp][] = [
    ["loopback", "127.0.0.1", /loopback/],
    ["loopback", "::1", /loopback/],
    ["private", "10.1.2.3", /private \(10/],
    ["private", "172.16.0.1", /private \(172\.16/],
    ["private", "192.168.1.1", /private \(192\.168/],
    ["link-local / metadata", "169.254.169.254", /link-local/],
    ["link-local / metadata", "fe80::1", /link-local/],
    ["link-local / metadata", "fd00:ec2::254", /unique-local/],
    ["carrier-grade NAT / metadata", "100.100.100.200", /carrier-grade NAT/],
    ["NAT64", "64:ff9b::a9fe:a9fe", /NAT64 form .*169\.254\.169\.254/],
    ["NAT64", "64:ff9b::10.0.0.1", /NAT64 form .*10\.0\.0\.1/],
    ["IPv4-mapped IPv6", "::ffff:127.0.0.1", /IPv4-mapped/],
    ["IPv4-mapped IPv6", "::ffff:a9fe:a9fe", /IPv4-mapped/],
    ["6to4", "2002:a00:1::1", /6to4 form .*10\.0\.0\.1/],
    ["unique-local", "fc00::1", /unique-local/],
    ["unspecified", "0.0.0.0", /unspecified/],
    ["unspecified", "::", /unspecified/],
    ["multicast", "224.0.0.251", /multicast/],
    ["multicast", "ff02::1", /multicast/],
    ["broadcast", "255.255.255.255", /reserved/],
  ];
  it("refuses every internal, NAT64, mapped and metadata form; passes public ones", () =>
    sec.check(
      "SSRF: internal addresses",
      `${refused.length} address forms (loopback, private, link-local, CGNAT, NAT64, mapped, 6to4, ULA, multicast)`,
      "no outbound request reaches this machine, its network or a metadata service",
      () => {
        for (const [, ip, why] of refused) expect(addressProblem(ip), ip).toMatch(why);
        for (const ip of [
          "8.8.8.8",
          "172.32.0.1",
          "100.128.0.1",
          "2606:4700::1111",
          "64:ff9b::808:808",
          "2002:808:808::1",
        ])
          expect(addressProblem(ip), ip).toBeNull();
      },
    ));

  it("G287_ALLOW_LOOPBACK: 1 is any loopback port, a list is exactly those, unset is none", () => {
    expect(loopbackFromEnv({})).toEqual([]);
    expect(loopbackFromEnv({ G287_ALLOW_LOOPBACK: "1" })).toBe("any");
    expect(loopbackFromEnv({ G287_ALLOW_LOOPBACK: "127.0.0.1:8080, LOCALHOST:9" })).toEqual([
      "127.0.0.1:8080",
      "localhost:9",
    ]);
  });

  it("names are resolved first, every address checked, and the connection pinned to it", () =>
    sec.check(...SECURITY_CASES.dns, async () => {
      const meta = await outcome("http://metadata.example/latest/", {
        policy: { resolve: async () => [{ address: "169.254.169.254", family: 4 }] },
      });
      expect(meta[0]).toBe("refused");
      expect(meta[1]).toBe(
        "refused: metadata.example resolves to 169.254.169.254, which is link-local (169.254.0.0/16, cloud metadata)",
      );
      const mixed = await outcome("http://mixed.example/", {
        policy: {
          resolve: async () => [
            { address: "93.184.216.34", family: 4 },
            { address: "10.0.0.7", family: 4 },
          ],
        },
      });
      expect(mixed).toEqual(["refused", "refused: mixed.example resolves to 10.0.0.7, which is private (10.0.0.0/8)"]);
      // The test mode allows loopback only, never the private network.
      const lan = await outcome("http://lan.example/", {
        policy: { allowLoopback: "any", resolve: async () => [{ address: "192.168.0.10", family: 4 }] },
      });
      expect(lan[0]).toBe("refused");
      // Pinning: the name has no DNS here at all, yet the request arrives at the checked address.
      const s = await server((_p, res, req) => res.end(`host=${req.headers.host}`));
      try {
        let calls = 0;
        const r = await fetchUrl(`http://pinned.example:${s.port}/x`, {
          http: http0,
          accept: "*/*",
          maxBytes: 1000,
          policy: {
            allowLoopback: [`pinned.example:${s.port}`],
            resolve: async () => {
              calls++;
              return [{ address: "127.0.0.1", family: 4 }];
            },
          },
        });
        expect(new TextDecoder().decode(r.bytes)).toBe(`host=pinned.example:${s.port}`);
        expect(calls).toBe(1);
      } finally {
        await s.close();
      }
    }));

  it("only http and https", () =>
    sec.check("SSRF: schemes", "file:, ftp:, gopher:, data: URLs", "only http and https are fetched", async () => {
      for (const u of ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/", "data:text/plain,hi"]) {
        const [kind, msg] = await outcome(u, {});
        expect(kind, u).toBe("refused");
        expect(msg).toMatch(/only http and https are allowed/);
      }
    }));
});

// ---------------------------------------------------------------- redirects and off-host links

describe("redirects and off-host links to a second loopback port (a stand-in metadata service)", () => {
  let ice: Server;
  let meta: Server;
  beforeAll(async () => {
    meta = await server((_p, res) => res.end("ami-id\ninstance-id\niam/security-credentials/\n"));
    ice = await server((p, res) => {
      if (p === "/to-meta") return res.writeHead(302, { location: meta.url("/latest/meta-data/") }).end();
      if (p === "/to-169") return res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      if (p === "/to-localhost") return res.writeHead(307, { location: `http://localhost:${ice.port}/ok` }).end();
      if (p === "/to-file") return res.writeHead(302, { location: "file:///etc/passwd" }).end();
      if (p === "/to-ok") return res.writeHead(302, { location: "/ok" }).end();
      if (p === "/ok") return res.end("fine");
      if (p === "/287g")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(
            `<html><head><title>287(g)</title></head><body><h2>Participating Agencies</h2><p><a href="${meta.url("/participatingAgencies.xlsx")}">Participating Agencies</a> (Excel)</p></body></html>`,
          );
      if (p === "/287g-moved") return res.writeHead(302, { location: meta.url("/287g") }).end();
      if (p === "/287g-other-name")
        return res
          .writeHead(200, { "content-type": "text/html" })
          .end(
            `<html><body><h2>Participating Agencies</h2><p><a href="http://localhost:${ice.port}/participatingAgencies.xlsx">Participating Agencies</a> (Excel)</p></body></html>`,
          );
      res.writeHead(404).end();
    });
  });
  afterAll(async () => {
    await ice.close();
    await meta.close();
  });
  const only = () => ({ allowLoopback: [ice.host] });

  it("a redirect within the allowed host:port is followed", async () => {
    expect(await outcome(ice.url("/to-ok"), { policy: only() })).toEqual(["ok", "200"]);
  });

  it("a redirect to another port, to 169.254.169.254, to another name or scheme is refused", () =>
    sec.check(...SECURITY_CASES.redirects, async () => {
      const before = meta.hits.length;
      const port = await outcome(ice.url("/to-meta"), { policy: only() });
      expect(port[0]).toBe("refused");
      expect(port[1]).toBe(`refused (redirected from ${ice.url("/to-meta")}): 127.0.0.1 is loopback (127.0.0.0/8)`);
      const md = await outcome(ice.url("/to-169"), { policy: { ...only(), allowHosts: ["127.0.0.1"] } });
      expect(md[0]).toBe("refused");
      expect(md[1]).toMatch(/host 169\.254\.169\.254 is not on the allow-list/);
      // Even with the host allowed by name, its address is not.
      const md2 = await outcome(ice.url("/to-169"), {
        policy: { ...only(), allowHosts: ["127.0.0.1", "169.254.169.254"] },
      });
      expect(md2[1]).toMatch(/169\.254\.169\.254 is link-local/);
      expect((await outcome(ice.url("/to-localhost"), { policy: only() }))[1]).toMatch(
        /host localhost:\d+ is not on the allow-list \(127\.0\.0\.1\)/,
      );
      expect((await outcome(ice.url("/to-file"), { policy: only() }))[1]).toMatch(/only http and https/);
      expect(meta.hits.length).toBe(before);
    }));

  it("`g287 sync`: an off-host link on the page, and a page redirected, to the second port: exit 1, one line, nothing kept", () =>
    sec.check(...SECURITY_CASES.sync, async () => {
      const dir = tmpDir("g287-outbound-sync-");
      const db = path.join(dir, "s.db");
      const archive = path.join(dir, "archive");
      const before = meta.hits.length;
      const run = async (page: string, allow: string) => {
        const r = await cliEnv(
          ["--db", db, "--quiet", "sync", "--archive", archive, "--url", ice.url(page), "--retries", "0"],
          { G287_ALLOW_LOOPBACK: allow },
        );
        expect(r.status, r.stderr).toBe(1);
        expect(fs.existsSync(db)).toBe(false);
        expect(fs.existsSync(path.join(archive, "MANIFEST.csv"))).toBe(false);
        return oneLine(r.stderr);
      };
      for (const page of ["/287g", "/287g-moved"])
        expect(await run(page, ice.host)).toMatch(
          /^g287: http:\/\/127\.0\.0\.1:\d+\/\S+: refused.*: 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)$/,
        );
      // The same server under another name: loopback is allowed for it, but the name is not ICE's.
      const hostsFirst = ice.hits.length;
      expect(await run("/287g-other-name", `${ice.host},localhost:${ice.port}`)).toMatch(
        /refused: host localhost:\d+ is not on the allow-list \(127\.0\.0\.1, www\.ice\.gov, ice\.gov\)$/,
      );
      expect(ice.hits.slice(hostsFirst)).toEqual(["/287g-other-name"]);
      expect(meta.hits.length).toBe(before);
    }));

  it("`moa fetch`: a PDF link that redirects to the second port, or to 169.254.169.254, is rejected, nothing stored", () =>
    sec.check(...SECURITY_CASES.moaFetch, async () => {
      const dir = tmpDir("g287-outbound-moa-");
      const header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA"];
      const urls = [ice.url("/to-meta"), ice.url("/to-169"), "http://169.254.169.254/moa.pdf"];
      const town = (i: number) => `Town ${i + 1} Police Department`;
      const rows = urls.map((u, i) => ["TEXAS", town(i), "Municipal", "Task Force Model", 45706, u]);
      const file = writeXlsx(path.join(dir, "participatingAgencies03012026am.xlsx"), [header, ...rows]);
      const store = await openStore(path.join(dir, "m.db"));
      try {
        await ingest(store, [file]);
        const targets = await moaTargets(store);
        expect(targets.map((t) => t.url).sort()).toEqual([...urls].sort());
        const before = meta.hits.length;
        const out = await fetchDocuments(store, targets, {
          delayMs: 0,
          fetch: { retries: 0, timeoutMs: 5000, allowLoopback: [ice.host] },
        });
        expect(out.map((o) => o.result)).toEqual(["rejected", "rejected", "rejected"]);
        const reasons = Object.fromEntries(out.map((o) => [o.url, o.reason]));
        expect(reasons[ice.url("/to-meta")]).toMatch(/^refused \(redirected from .*\): 127\.0\.0\.1 is loopback/);
        // The lists link 169.254.169.254 here, so its host is allowed; its address never is.
        expect(reasons[ice.url("/to-169")]).toMatch(/169\.254\.169\.254 is link-local/);
        expect(reasons["http://169.254.169.254/moa.pdf"]).toMatch(/^refused: 169\.254\.169\.254 is link-local/);
        expect(meta.hits.length).toBe(before);
        expect(await moaDb(store.db).selectFrom("moa_document").select("sha256").execute()).toEqual([]);
        // A redirect to a host no list links to is refused by name, before any address check.
        await expect(
          downloadPdf(ice.url("/to-ok"), { retries: 0, allowHosts: ["www.ice.gov"], allowLoopback: [ice.host] }),
        ).rejects.toThrow(FetchRejected);
      } finally {
        await store.close();
      }
    }));
});

// ---------------------------------------------------------------- deadlines

describe("a body trickled at one byte a second", () => {
  let slow: Server;
  beforeAll(async () => {
    slow = await server((_p, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "1000" });
      const t = setInterval(() => {
        if (res.destroyed) return clearInterval(t);
        res.write("x");
      }, 1000);
      res.on("close", () => clearInterval(t));
    });
  });
  afterAll(() => slow.close());

  it("is cut at the total deadline though it never trips the idle timeout", () =>
    sec.check(...SECURITY_CASES.slowBody, async () => {
      const t0 = Date.now();
      const r = await outcome(slow.url("/list.xlsx"), {
        http: { ...http0, readTimeoutMs: 2000, totalTimeoutMs: 3500, retries: 2 },
        policy: { allowLoopback: [slow.host] },
      });
      const ms = Date.now() - t0;
      expect(r).toEqual(["deadline", "not finished within the 3500 ms deadline"]);
      // Not retried: a second attempt would trickle the same way.
      expect(ms).toBeGreaterThanOrEqual(3400);
      expect(ms).toBeLessThan(5000);
      expect(slow.hits).toHaveLength(1);
    }));

  it("`g287 sync` against it: exit 1 with one line, by the deadline in the config file", () =>
    sec.check(...SECURITY_CASES.slowSync, async () => {
      const dir = tmpDir("g287-outbound-slow-");
      const cfg = path.join(dir, "sync.yaml");
      fs.writeFileSync(cfg, "http:\n  total_timeout: 3s\n  read_timeout: 2s\n  retries: 0\n");
      const t0 = Date.now();
      const db = path.join(dir, "s.db");
      const args = ["--db", db, "--quiet", "sync", "--config", cfg, "--archive", path.join(dir, "a")];
      const r = await cliEnv([...args, "--url", slow.url("/287g")], { G287_ALLOW_LOOPBACK: slow.host });
      expect(r.status, r.stderr).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/not finished within the 3000 ms deadline/);
      expect(Date.now() - t0).toBeLessThan(15_000);
    }));
});

// ---------------------------------------------------------------- webhooks

describe("webhook targets: checked at subscribe, and again at delivery", () => {
  const SECRET = "a-very-secret-key-123";
  const private_ = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://[fd00:ec2::254]/hook",
    "http://100.100.100.200/hook",
    "http://0.0.0.0:8080/hook",
  ];

  it("`g287 subscribe` refuses internal targets: exit 2, one line naming the field", () =>
    sec.check(...withCount(SECURITY_CASES.webhookSubscribe, private_.length), async () => {
      const dir = tmpDir("g287-outbound-sub-");
      const db = path.join(dir, "w.db");
      const store = await openStore(db);
      await ingest(store, [FIRST_LIST]);
      await store.close();
      const urls = [...private_, "http://127.0.0.1:9/h", "http://localhost:9/h"];
      // One process per target, all at once (each is refused before it writes anything).
      const runs = await Promise.all(
        urls.map((url) =>
          cliEnv(["--db", db, "subscribe", "--webhook", url, "--secret", SECRET], { G287_ALLOW_LOOPBACK: "" }),
        ),
      );
      for (const [i, r] of runs.entries()) {
        const url = urls[i];
        expect(r.status, `${url}: ${r.stderr}`).toBe(2);
        expect(oneLine(r.stderr)).toMatch(
          /^g287: subscribe: channel\.url: .* is (loopback|private|link-local|IPv4-mapped|NAT64|unique-local|carrier-grade|unspecified)/,
        );
      }
      const s = await openStore(db, { readonly: true });
      try {
        expect(await alertDb(s.db).selectFrom("subscription").selectAll().execute()).toEqual([]);
      } finally {
        await s.close();
      }
    }));

  it("the admin API refuses them with 400", async () => {
    const dir = tmpDir("g287-outbound-api-");
    const store = await openStore(path.join(dir, "a.db"));
    try {
      const app = alertRoutes(store, "t0ken-0123456789");
      for (const url of private_) {
        const res = await app.request("/subscriptions", {
          method: "POST",
          headers: { authorization: "Bearer t0ken-0123456789", "content-type": "application/json" },
          body: JSON.stringify({ channel: { type: "webhook", url, secret: SECRET } }),
        });
        expect(res.status, url).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_subscription");
      }
    } finally {
      await store.close();
    }
  });

  it("a delivery the policy refuses is marked failed (dead) at once, never re-queued, and nothing is sent", () =>
    sec.check(...SECURITY_CASES.webhookDelivery, async () => {
      const hook = await server((_p, res) => res.writeHead(204).end());
      const dir = tmpDir("g287-outbound-deliver-");
      const store = await openStore(path.join(dir, "d.db"));
      try {
        const first = realList("participating_2021-01-13.csv");
        await ingest(store, [FIRST_LIST]);
        // Subscribed while the target was allowed (the suite's test mode).
        const sub = await subscribe(store, {
          channel: { type: "webhook", url: hook.url("/h"), secret: SECRET },
        });
        const extra = first.row({
          STATE: "TEXAS",
          "LAW ENFORCEMENT AGENCY": "Example City Police Department",
          "SUPPORT TYPE": "Task Force Model",
        });
        await ingest(store, [first.write("participatingAgencies01202021am.xlsx", [...first.body, extra])]);
        const q = await enqueueAlerts(store);
        expect(q.queued).toBeGreaterThan(0);
        const t0 = new Date();
        // Outside the test mode: loopback is refused.
        const s1 = await sendAlerts(store, { allowLoopback: [], now: () => t0, backoffMs: 1 });
        expect(s1).toMatchObject({ due: q.queued, sent: 0, dead: q.queued, failed: 0 });
        expect(s1.errors[0]?.error).toMatch(/^refused: 127\.0\.0\.1 is loopback/);
        const rows = await alertDb(store.db)
          .selectFrom("outbox")
          .select(["status", "attempts", "last_error"])
          .where("subscription_id", "=", sub.id)
          .execute();
        expect(rows.every((r) => r.status === "dead" && r.attempts === 1 && /refused/.test(r.last_error ?? ""))).toBe(
          true,
        );
        // Later runs, even days later, take nothing.
        const later = new Date(t0.getTime() + 7 * 86_400_000);
        expect(await sendAlerts(store, { allowLoopback: [], now: () => later })).toMatchObject({ due: 0 });
        expect(hook.hits).toEqual([]);
        // postWebhook itself reports it as refused and not retryable, after one attempt.
        const r = await postWebhook(hook.url("/h"), SECRET, "ob_x", () => "{}", { allowLoopback: [], backoffMs: 1 });
        expect(r).toMatchObject({ ok: false, retryable: false, refused: true, attempts: 1 });
        expect(hook.hits).toEqual([]);
      } finally {
        await store.close();
        await hook.close();
      }
    }));
});
