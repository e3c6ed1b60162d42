// The pure parts of change alerts: which subscription a change reaches, the key that names a
// change, the wording of digests and headlines, and the checks on webhook targets.
import { describe, expect, it } from "vitest";
import { receiver } from "../../test/receivers.js";
import type { Change } from "./changes.js";
import { changeKey } from "./changes.js";
import { digest, escapeHtml, headline, links, publicBase } from "./compose.js";
import { matches } from "./match.js";
import { filtersSchema } from "./subscriptions.js";
import { isPrivateAddress, postWebhook, webhookUrlProblem } from "./webhook.js";

const agency = (o: Partial<NonNullable<Change["agency"]>> = {}) => ({
  id: "tx-pasadena-police-department",
  name: "Pasadena Police Department",
  state: "TX",
  county_fips: "48201",
  county_name: "Harris County",
  statewide: false,
  ...o,
});
const change = (o: Partial<Change> = {}): Change => ({
  key: "added|x",
  kind: "added",
  event: "appeared",
  date: "2026-03-30",
  agency: agency(),
  agreement: {
    id: "tx-pasadena-police-department/tfm/2026-03-30",
    model: "TFM",
    signed_on: "2026-03-30",
    status: "active",
  },
  application: null,
  models: ["TFM"],
  detail: {},
  list: {
    file_name: "participatingAgencies03302026am.xlsx",
    published_at: "2026-03-30",
    date_basis: "publication",
    kind: "participating",
    status: "applied",
    snapshot_id: "ab",
    obs_id: "2026-03-30|am|ab",
  },
  ...o,
});
const f = (o: Record<string, string[]>) => filtersSchema.parse(o);

describe("matching (pure)", () => {
  it("no filters: everything", () => {
    expect(matches(f({}), change())).toBe(true);
  });
  it("state, county and agency filters are alternatives", () => {
    expect(matches(f({ state: ["TX"] }), change())).toBe(true);
    expect(matches(f({ state: ["FL"] }), change())).toBe(false);
    expect(matches(f({ county_fips: ["48201"] }), change())).toBe(true);
    expect(matches(f({ county_fips: ["48113"] }), change())).toBe(false);
    expect(matches(f({ agency: ["tx-pasadena-police-department"] }), change())).toBe(true);
    expect(matches(f({ agency: ["tx-houston-police-department"] }), change())).toBe(false);
    expect(matches(f({ state: ["FL"], county_fips: ["48201"] }), change())).toBe(true);
    expect(matches(f({ state: ["FL"], agency: ["tx-houston-police-department"] }), change())).toBe(false);
  });
  it("an agency with no county matches no county filter, unless it is statewide in that state", () => {
    const unplaced = change({ agency: agency({ county_fips: null }) });
    expect(matches(f({ county_fips: ["48201"] }), unplaced)).toBe(false);
    const dps = change({ agency: agency({ id: "tx-dps", county_fips: null, statewide: true }) });
    expect(matches(f({ county_fips: ["48201"] }), dps)).toBe(true);
    expect(matches(f({ county_fips: ["12086"] }), dps)).toBe(false);
  });
  it("model and kind narrow the place filters", () => {
    expect(matches(f({ state: ["TX"], model: ["JEM"] }), change())).toBe(false);
    expect(matches(f({ state: ["TX"], model: ["TFM", "JEM"] }), change())).toBe(true);
    expect(matches(f({ kind: ["removed"] }), change())).toBe(false);
    expect(matches(f({ kind: ["removed", "added"] }), change())).toBe(true);
    const relabel = change({ kind: "model_changed", event: "model_changed", models: ["JEM", "WSO"] });
    expect(matches(f({ model: ["WSO"] }), relabel)).toBe(true);
  });
  it("a suspicious-list notice reaches every subscription, whatever its filters", () => {
    const q = change({ kind: "suspicious_list", event: "list_quarantined", agency: null, agreement: null, models: [] });
    expect(matches(f({ state: ["WY"], model: ["JEM"], kind: ["removed"] }), q)).toBe(true);
  });
  it("a change without an agency matches no place filter", () => {
    expect(matches(f({ state: ["TX"] }), change({ agency: null }))).toBe(false);
  });
});

describe("change keys (pure)", () => {
  const ev = {
    date: "2026-03-30",
    obs_id: "2026-03-30|am|ab",
    snapshot_id: "ab",
    agency_id: "tx-a",
    agreement_id: "tx-a/tfm/2026-03-01",
    application_id: null,
    detail: {},
  };
  it("name the change, not the list that showed it first", () => {
    const a = changeKey({ ...ev, type: "appeared" });
    expect(changeKey({ ...ev, type: "appeared", date: "2026-03-28", obs_id: "2026-03-28|am|cd" })).toBe(a);
    expect(a).toBe("added|tx-a/tfm/2026-03-01");
    expect(changeKey({ ...ev, type: "redated", detail: { from: "2026-03-01", to: "2026-02-01" } })).toBe(
      "redated|tx-a/tfm/2026-03-01|2026-03-01>2026-02-01",
    );
    expect(changeKey({ ...ev, type: "list_quarantined", obs_id: "x" })).toBe(
      changeKey({ ...ev, type: "list_quarantined", obs_id: "y", date: "2026-03-31" }),
    );
  });
});

describe("composing (pure)", () => {
  it("escapes HTML from list cells and builds hash-route links under the public URL", () => {
    const evil = change({ agency: agency({ name: `<img src=x onerror="alert(1)"> & Co's PD` }) });
    const d = digest([evil], publicBase("https://g287.example/sub/"), "sub_1");
    expect(d.html).not.toContain("<img");
    expect(d.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co&#39;s PD");
    expect(d.text).toContain(`<img src=x onerror="alert(1)"> & Co's PD`);
    expect(escapeHtml(`"'<>&`)).toBe("&quot;&#39;&lt;&gt;&amp;");
    expect(links(evil, publicBase("https://g287.example/sub/"))).toEqual({
      agency: "https://g287.example/sub/#/agency/tx-pasadena-police-department",
      state: "https://g287.example/sub/#/state/TX",
    });
    expect(publicBase("javascript:alert(1)")).toBeNull();
    expect(publicBase(undefined)).toBeNull();
  });
  it("says what changed for each kind", () => {
    expect(
      headline(
        change({
          kind: "pending_signed",
          event: "pending_signed",
          agreement: null,
          application: { id: "x", model: "WSO", status: "signed", first_listed: "2025-02-21" },
          agency: agency({ name: "Campbell County Sheriff's Office", state: "WY", county_name: "Campbell County" }),
          detail: { signed_on: "2025-02-26", days_pending: 5 },
        }),
      ),
    ).toBe(
      "Pending application signed: Campbell County Sheriff's Office (Wyoming), Warrant Service Officer model, signed 2025-02-26 after 5 days on the pending list.",
    );
    expect(
      headline(
        change({
          kind: "pending_added",
          event: "pending_added",
          agreement: null,
          application: { id: "x", model: "TFM", status: "pending", first_listed: "2026-03-30" },
        }),
      ),
    ).toBe(
      "New pending application: Pasadena Police Department (Texas, Harris County) applied for the Task Force Model.",
    );
  });
});

describe("webhook safety (pure and local)", () => {
  it("only http(s) URLs without credentials", () => {
    expect(webhookUrlProblem("https://example.org/hook")).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:8080/x")).toBeNull();
    for (const u of ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "gopher://x", "/relative"])
      expect(webhookUrlProblem(u)).not.toBeNull();
    expect(webhookUrlProblem("https://user:pw@example.org/")).toMatch(/credentials/);
  });
  it("private addresses are recognised (for G287_WEBHOOK_DENY_PRIVATE)", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "2606:4700::1111", "172.32.0.1"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });
  it("refuses a private target when asked, without sending; never follows a redirect", async () => {
    const hook = await receiver({ "/r": "r-secret-0123456789" }, () => 302);
    const body = () => "{}";
    const denied = await postWebhook(hook.url("/r"), "k", "ob_1", body, { denyPrivate: true });
    expect(denied).toMatchObject({ ok: false, retryable: false });
    expect(hook.hits).toHaveLength(0);
    const redirected = await postWebhook(hook.url("/r"), "k", "ob_1", body, { backoffMs: 1 });
    expect(redirected).toMatchObject({
      ok: false,
      error: "HTTP 302 (redirects are not followed)",
      retryable: false,
      attempts: 1,
    });
    await hook.close();
  });
  it("times out a receiver that never answers", async () => {
    const hook = await receiver({}, () => 0);
    const r = await postWebhook(hook.url("/slow"), "k", "ob_1", () => "{}", {
      timeoutMs: 200,
      attempts: 2,
      backoffMs: 1,
    });
    expect(r).toMatchObject({ ok: false, error: "timed out after 200 ms", attempts: 2 });
    await hook.close();
  });
});
