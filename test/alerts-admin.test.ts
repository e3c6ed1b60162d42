// Managing alert subscriptions: the admin API behind its bearer token, and the CLI's subscribe /
// subscriptions / unsubscribe / alerts commands, on copies of the real ledger.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertRoutes } from "../src/server/alert-routes.js";
import { openStore, type Store } from "../src/store/db.js";
import { cli, copyArchiveDb, tmpDir } from "./helpers.js";

const dir = tmpDir("g287-alerts-");

describe("POST/GET/DELETE /subscriptions behind the admin token", () => {
  let store: Store;
  const TOKEN = "admin-token-for-tests-0123456789";
  let app: ReturnType<typeof alertRoutes>;
  beforeAll(async () => {
    store = await openStore(copyArchiveDb());
    app = alertRoutes(store, TOKEN);
  });
  afterAll(async () => {
    await store.close();
  });
  const req = (method: string, p: string, opts: { token?: string; body?: unknown } = {}) =>
    app.request(p, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    });

  type Reply = {
    error: { status: number; code: string; message: string };
    data: { id: string; active: boolean };
    count: number;
  };
  const json = async (r: Response) => (await r.json()) as Reply;

  it("401 without the token or with a wrong one", async () => {
    for (const token of [undefined, "wrong", `${TOKEN}x`]) {
      const r = await req("GET", "/subscriptions", { token });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await json(r)).error).toMatchObject({ status: 401, code: "unauthorized" });
    }
    expect((await req("POST", "/subscriptions", { body: {} })).status).toBe(401);
    expect((await req("DELETE", "/subscriptions/sub_x")).status).toBe(401);
    // A server without a token refuses every admin call.
    expect(
      (await alertRoutes(store, undefined).request("/subscriptions", { headers: { authorization: "Bearer " } })).status,
    ).toBe(401);
  });

  it("validates the body, never echoes the secret, lists and ends subscriptions", async () => {
    const bad = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: { channel: { type: "webhook", url: "file:///etc/passwd", secret: "x" }, filters: { state: ["ZZ"] } },
    });
    expect(bad.status).toBe(400);
    const err = (await json(bad)).error;
    expect(err.code).toBe("invalid_subscription");
    expect(err.message).toContain("only http:// and https:// webhooks are allowed, not file:");
    expect(err.message).toContain("filters.state.0: expected a two-letter state code");
    expect(err.message).toContain("at least 16 characters");
    expect((await req("POST", "/subscriptions", { token: TOKEN, body: "{not json" })).status).toBe(400);
    const unknownAgency = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: { channel: { type: "email", to: "a@example.org" }, filters: { agency: ["tx-no-such-agency"] } },
    });
    expect(unknownAgency.status).toBe(400);

    const ok = await req("POST", "/subscriptions", {
      token: TOKEN,
      body: {
        channel: { type: "webhook", url: "https://hooks.example.org/g287", secret: "a-very-secret-key-123" },
        filters: { state: ["tx", "FL"], model: ["tfm"] },
      },
    });
    expect(ok.status).toBe(201);
    const text = await ok.text();
    expect(text).not.toContain("a-very-secret-key-123");
    const created = JSON.parse(text).data;
    expect(created).toMatchObject({
      active: true,
      channel: { type: "webhook", url: "https://hooks.example.org/g287", secret: "(set)" },
      filters: { state: ["FL", "TX"], model: ["TFM"], county_fips: [], agency: [], kind: [] },
    });
    expect(created.id).toMatch(/^sub_[0-9a-f]{12}$/);

    const list = await json(await req("GET", "/subscriptions", { token: TOKEN }));
    expect(list.count).toBe(1);
    expect(JSON.stringify(list)).not.toContain("a-very-secret-key-123");
    const del = await req("DELETE", `/subscriptions/${created.id}`, { token: TOKEN });
    expect(del.status).toBe(200);
    expect((await json(del)).data.active).toBe(false);
    expect((await json(await req("GET", "/subscriptions", { token: TOKEN }))).count).toBe(0);
    expect((await req("DELETE", "/subscriptions/sub_000000000000", { token: TOKEN })).status).toBe(404);
  });
});

// ---------------------------------------------------------------- the CLI

describe("g287 subscribe / subscriptions / unsubscribe / alerts", () => {
  it("round trip, with usage errors for bad flags", () => {
    const db = copyArchiveDb();
    const r = cli(["--db", db, "subscribe", "--email", "a@example.org", "--state", "tx,fl", "--model", "jem"]);
    expect(r.status, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^sub_[0-9a-f]{12}$/);
    const w = cli(["--db", db, "subscribe", "--webhook", "http://127.0.0.1:9/h", "--county", "48201"], {
      G287_WEBHOOK_SECRET: "from-the-environment-123",
    });
    expect(w.status, w.stderr).toBe(0);
    const list = JSON.parse(cli(["--db", db, "--json", "subscriptions"]).stdout);
    expect(list.count).toBe(2);
    expect(list.rows[0]).toMatchObject({ id, filters: { state: ["FL", "TX"], model: ["JEM"] } });
    expect(list.rows[1].channel).toEqual({ type: "webhook", url: "http://127.0.0.1:9/h", secret: "(set)" });

    const bad = cli(["--db", db, "subscribe", "--webhook", "gopher://x", "--secret", "0123456789abcdef"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "g287: subscribe: channel.url: only http:// and https:// webhooks are allowed, not gopher:",
    );
    expect(cli(["--db", db, "subscribe", "--email", "a@example.org", "--webhook", "http://x"]).status).toBe(2);
    expect(cli(["--db", db, "subscribe", "--email", "a@example.org", "--kind", "everything"]).status).toBe(2);
    expect(cli(["--db", path.join(dir, "none.db"), "subscribe", "--email", "a@example.org"]).status).toBe(1);
    expect(fs.existsSync(path.join(dir, "none.db"))).toBe(false);

    expect(cli(["--db", db, "unsubscribe", id]).status).toBe(0);
    const u = cli(["--db", db, "unsubscribe", "sub_nope"]);
    expect(u.status).toBe(1);
    expect(u.stderr.trim()).toBe("g287: sub_nope: no such subscription (see `g287 subscriptions --all`)");
    expect(JSON.parse(cli(["--db", db, "--json", "subscriptions", "--all"]).stdout).count).toBe(2);
    const st = cli(["--db", db, "alerts", "status"]);
    expect(st.status).toBe(0);
    expect(st.stdout).toMatch(/^subscriptions {3}1 active, 1 ended$/m);
  });
});

// ---------------------------------------------------------------- pure parts
