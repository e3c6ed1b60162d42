// The Atom feed of changes on the real ledger: valid Atom (well-formed, required elements), entries
// that link to their agency page and name their list, filters, stable entry ids, escaping.
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { renderAtom, xmlEscape } from "../src/server/atom.js";
import { openStore, type Store } from "../src/store/db.js";
import { copyArchiveDb, openArchive } from "./helpers.js";

let store: Store;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await openArchive();
  app = createApp({ store, webDist: null });
});
afterAll(async () => {
  await store.close();
});

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/** A strict little XML reader: throws on anything not well-formed (enough for Atom as we write it). */
function parseXml(xml: string): El {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why}: ${JSON.stringify(xml.slice(i, i + 60))}`);
  };
  const checkText = (t: string) => {
    if (t.includes("<")) fail("raw < in text");
    if (t.replace(ENTITY, "").includes("&")) fail("raw & in text");
    for (const ch of t) {
      const n = ch.charCodeAt(0);
      if (n < 0x20 && n !== 0x09 && n !== 0x0a && n !== 0x0d) fail("control character");
    }
  };
  const decode = (t: string) =>
    t
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&");
  if (!xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')) fail("no XML declaration");
  i = xml.indexOf("\n") + 1;
  const stack: El[] = [];
  let root: El | null = null;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    checkText(text);
    if (stack.length) (stack[stack.length - 1] as El).text += decode(text);
    else if (text.trim()) fail("text outside the root");
    if (lt < 0) break;
    const gt = xml.indexOf(">", lt);
    if (gt < 0) fail("unclosed tag");
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith("/")) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1)) fail(`mismatched </${tag.slice(1)}>`);
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const m = /^([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) fail(`bad tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of (m?.[2] ?? "").matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      checkText(a[2] as string);
      if ((a[1] as string) in attrs) fail("repeated attribute");
      attrs[a[1] as string] = decode(a[2] as string);
    }
    const el: El = { name: m?.[1] as string, attrs, children: [], text: "" };
    if (stack.length) (stack[stack.length - 1] as El).children.push(el);
    else if (root) fail("two roots");
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length || !root) fail("unclosed elements");
  return root as El;
}

const kids = (e: El, name: string) => e.children.filter((c) => c.name === name);
const one = (e: El, name: string) => {
  const k = kids(e, name);
  expect(k.length, `${e.name} > ${name}`).toBe(1);
  return k[0] as El;
};
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function feed(url: string, a = app) {
  const r = await a.request(url);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
  const xml = await r.text();
  return { xml, root: parseXml(xml), res: r };
}

/** Atom's required elements (RFC 4287 §4.1.1, §4.1.2). */
function checkAtom(root: El) {
  expect(root.name).toBe("feed");
  expect(root.attrs.xmlns).toBe("http://www.w3.org/2005/Atom");
  expect(one(root, "id").text).toMatch(/^tag:g287\.ledger,2026:feeds\/changes/);
  expect(one(root, "title").text.length).toBeGreaterThan(0);
  expect(one(root, "updated").text).toMatch(RFC3339);
  expect(one(one(root, "author"), "name").text).toBe("g287");
  expect(kids(root, "link").some((l) => l.attrs.rel === "self")).toBe(true);
  for (const e of kids(root, "entry")) {
    expect(one(e, "id").text).toMatch(/^tag:g287\.ledger,2026:event\/[0-9a-f]{24}$/);
    expect(one(e, "title").text.length).toBeGreaterThan(0);
    expect(one(e, "updated").text).toMatch(RFC3339);
    expect(kids(e, "link").filter((l) => l.attrs.rel === "alternate").length).toBe(1);
    expect(one(e, "summary").attrs.type).toBe("text");
  }
}

describe("/feeds/changes.atom", () => {
  it("is valid Atom: newest first, 100 entries by default, updated at the latest list", async () => {
    const { root } = await feed("/feeds/changes.atom");
    checkAtom(root);
    const entries = kids(root, "entry");
    expect(entries.length).toBe(100);
    const times = entries.map((e) => one(e, "updated").text);
    expect(times).toEqual([...times].sort().reverse());
    expect(one(root, "updated").text).toBe("2026-05-01T16:00:00Z");
    expect(times[0]).toBe("2026-05-01T16:00:00Z");
    const ids = entries.map((e) => one(e, "id").text);
    expect(new Set(ids).size).toBe(ids.length);
    const types = new Set(entries.flatMap((e) => kids(e, "category").map((c) => c.attrs.term)));
    for (const t of types) expect(t).toMatch(/^(appeared|removed|renamed|redated|list_quarantined|state:[A-Z]{2})$/);
  });

  it("each entry links to its agency page and names the list it came from", async () => {
    const { root } = await feed("/feeds/changes.atom?agency=al-etowah-county-sheriffs-office");
    checkAtom(root);
    const entries = kids(root, "entry");
    // Two agreements appeared and one was re-dated; the quarantined list is in every feed.
    expect(entries.map((e) => kids(e, "category")[0]?.attrs.term)).toEqual([
      "appeared",
      "list_quarantined",
      "redated",
      "appeared",
    ]);
    const [tfm, quarantine, redated, jem] = entries as [El, El, El, El];
    expect(one(redated, "title").text).toBe(
      "Signed date changed: Etowah County Sheriff's Office (AL), Jail Enforcement Model",
    );
    expect(one(redated, "summary").text).toContain("from 2016-06-08 to 2020-06-09");
    expect(one(redated, "summary").text).toContain("ParticipatingEntities-20220305091122.xlsx, published 2022-03-05");
    const alt = (e: El) => kids(e, "link").find((l) => l.attrs.rel === "alternate")?.attrs.href;
    expect(alt(jem)).toBe("http://localhost/#/agency/al-etowah-county-sheriffs-office");
    expect(one(jem, "title").text).toBe("Added: Etowah County Sheriff's Office (AL), Jail Enforcement Model");
    expect(one(jem, "summary").text).toContain(
      "From the list ParticipatingEntities-20210113002027.xlsx, published 2021-01-13.",
    );
    expect(one(jem, "updated").text).toBe("2021-01-13T00:20:27Z");
    expect(one(tfm, "title").text).toBe("Added: Etowah County Sheriff's Office (AL), Task Force Model");
    expect(one(quarantine, "title").text).toBe("List quarantined: participatingAgencies04212025am.xlsx");
    expect(one(quarantine, "summary").text).toContain("mass drop: 308 usable rows against 445");
    expect(one(quarantine, "summary").text).toContain("published 2025-04-21");
    expect(alt(quarantine)).toBe("http://localhost/#/changes");
    const related = kids(quarantine, "link").find((l) => l.attrs.rel === "related")?.attrs.href;
    expect(related).toBe("http://localhost/api/v1/snapshots/2025-04-21%7Cam%7C2a49c89d7a7f4374");
    expect((await app.request(new URL(related as string).pathname)).status).toBe(200);
  });

  it("filters by state and model; removals, renames and re-datings are entries too", async () => {
    const tx = kids((await feed("/feeds/changes.atom?state=tx&limit=1000")).root, "entry");
    expect(tx.length).toBeGreaterThan(100);
    for (const e of tx) {
      const terms = kids(e, "category").map((c) => c.attrs.term);
      expect(terms.includes("state:TX") || terms.includes("list_quarantined")).toBe(true);
    }
    const sql = new Sqlite(store.file, { readonly: true });
    const n = (q: string) => (sql.prepare(q).get() as { n: number }).n;
    const txEvents = n(
      "select count(*) n from event e join agency a using(agency_id) where a.state='TX' and e.type in ('appeared','removed','renamed','redated')",
    );
    sql.close();
    expect(tx.length).toBe(Math.min(1000, txEvents + 1));
    const tfm = kids((await feed("/feeds/changes.atom?model=tfm&limit=50")).root, "entry");
    for (const e of tfm) {
      const t = one(e, "title").text;
      expect(t.includes("Task Force Model") || t.startsWith("List quarantined") || t.startsWith("Renamed")).toBe(true);
    }
    const all = kids((await feed("/feeds/changes.atom?limit=1000")).root, "entry");
    const kinds = new Set(all.map((e) => kids(e, "category")[0]?.attrs.term));
    // The newest thousand reach back past the one quarantined list (2025-04-21); it is checked above.
    expect([...kinds].sort()).toEqual(["appeared", "redated", "removed", "renamed"]);
    const renamed = all.find((e) => kids(e, "category")[0]?.attrs.term === "renamed") as El;
    expect(one(renamed, "title").text).toMatch(/^Renamed: .+ → .+ \([A-Z]{2}\)$/);
  });

  it("entry ids stay the same across runs: they hash the event, not its row number", async () => {
    const ids = async (a: ReturnType<typeof createApp>) =>
      kids((await feed("/feeds/changes.atom?limit=1000", a)).root, "entry").map((e) => one(e, "id").text);
    const first = await ids(app);
    const file = copyArchiveDb();
    const sql = new Sqlite(file);
    sql.exec("update event set seq = seq + 1000000");
    sql.close();
    const s = await openStore(file, { readonly: true });
    try {
      expect(await ids(createApp({ store: s, webDist: null }))).toEqual(first);
    } finally {
      await s.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("escapes everything: an agency name with markup stays text", async () => {
    const file = copyArchiveDb();
    const sql = new Sqlite(file);
    sql
      .prepare("update agency set name = ? where agency_id = ?")
      .run(`<script>alert("x")</script> & Co's \u0007Office`, "al-etowah-county-sheriffs-office");
    sql.close();
    const s = await openStore(file, { readonly: true });
    try {
      const { xml, root } = await feed(
        "/feeds/changes.atom?agency=al-etowah-county-sheriffs-office",
        createApp({ store: s, webDist: null }),
      );
      checkAtom(root);
      expect(xml).not.toContain("<script>");
      expect(xml).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&apos;s Office");
      expect(one(kids(root, "entry")[0] as El, "title").text).toBe(
        `Added: <script>alert("x")</script> & Co's Office (AL), Task Force Model`,
      );
    } finally {
      await s.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("has an ETag and answers 304; links are relative when the site is static", async () => {
    const { res } = await feed("/feeds/changes.atom?state=MD");
    const tag = res.headers.get("etag") as string;
    expect(tag).toMatch(/^"/);
    expect(res.headers.get("cache-control")).toMatch(/max-age/);
    expect((await app.request("/feeds/changes.atom?state=MD", { headers: { "If-None-Match": tag } })).status).toBe(304);
    const rel = createApp({ store, webDist: null, feedBase: "../" });
    const { root } = await feed("/feeds/changes.atom?limit=1", rel);
    expect(kids(root, "link").find((l) => l.attrs.rel === "self")?.attrs.href).toBe("../feeds/changes.atom?limit=1");
    expect(kids(kids(root, "entry")[0] as El, "link")[0]?.attrs.href).toMatch(/^\.\.\/#\//);
  });
});

describe("atom.ts", () => {
  it("xmlEscape drops characters XML cannot hold and escapes the five specials", () => {
    expect(xmlEscape(`a<b>&"c"'\u0000\u001f\ud800`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;");
    expect(xmlEscape("tab\there\nnewline é 😀")).toBe("tab\there\nnewline é 😀");
  });

  it("renders a feed the reader above accepts, attributes escaped", () => {
    const xml = renderAtom({
      id: "tag:x,2026:f",
      title: "T & t",
      subtitle: "s",
      updated: "2026-01-01T00:00:00Z",
      links: [{ rel: "self", href: "http://x/?a=1&b=<2>", type: "application/atom+xml" }],
      author: "g287",
      entries: [
        {
          id: "tag:x,2026:e",
          title: 'say "hi"',
          updated: "2026-01-01T00:00:00Z",
          summary: "<p>",
          links: [{ rel: "alternate", href: "/#/agency/a" }],
          categories: [{ term: "appeared", label: 'A "b"' }],
        },
      ],
    });
    const root = parseXml(xml);
    expect(one(root, "title").text).toBe("T & t");
    expect(kids(root, "link")[0]?.attrs.href).toBe("http://x/?a=1&b=<2>");
    expect(one(kids(root, "entry")[0] as El, "summary").text).toBe("<p>");
    expect(() => parseXml(xml.replace("&amp;", "&"))).toThrow(/raw &/);
  });
});
