// The golden copy of every output: each CLI answer, API resource, web data file, feed, export,
// release file and static-site data file, hashed. A refactor proves it changed no byte by running
// test/golden.test.ts against it. Regenerate (before a refactor, never to make a test pass):
//   node --import tsx scripts/golden.ts LEDGER.db test/golden/outputs.json [BODIES_DIR]
// BODIES_DIR, if given, keeps every body, so a failing comparison can be diffed byte for byte.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");

export interface Golden {
  /** What the hashes were made from: the archive's list count and the commit. */
  made_from: { commit: string; lists: number };
  /** URL -> "status content-type sha256". */
  http: Record<string, string>;
  /** JSON argv -> "exit sha256(stdout) sha256(stderr)". */
  cli: Record<string, string>;
  /** "release/<file>" or "site/<file>" -> sha256. */
  files: Record<string, string>;
}

// 96 bits: enough to tell two bodies apart, and half the size of the golden file.
export const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex").slice(0, 24);

/** The API's list dates and questions every run asks (the same as test/release-parity.test.ts). */
export const AS_OF = ["2021-06-30", "2024-12-01", "2025-04-21", "2025-09-22"];
export const LOOKUPS = ["q=Tampa%2C%20FL", "q=33602", "q=Harris%20County%2C%20TX", "lat=27.95&lon=-82.46"];

/** Every CLI question: text and --json forms of each read-only command. */
export function cliQuestions(): string[][] {
  const q: string[][] = [];
  const both = (...a: string[]) => q.push(a, ["--json", ...a]);
  both("status");
  both("roster");
  both("roster", "--include-unconfirmed");
  both("roster", "--as-of", "2025-04-21", "--state", "FL");
  both("roster", "--model", "wso", "--state", "TX");
  both("agreements");
  both("agreements", "--status", "removed");
  both("agreements", "--status", "pending_removal");
  both("agency", "tampa police");
  both("agency", "harris county");
  both("diff", "2025-01-20", "2026-05-01");
  both("diff", "2026-04-21", "2026-05-01");
  both("events");
  both("events", "--type", "holder_changed");
  both("events", "--since", "2026-01-01", "--state", "TX");
  both("review");
  for (const by of ["state", "model", "type", "year", "month", "administration", "trifecta", "battleground", "policy"])
    both("stats", "--by", by);
  both("stats", "--by", "state", "--per-capita");
  both("stats", "--ever", "--by", "model");
  q.push(["stats", "--csv"], ["stats", "--by", "policy", "--csv"]);
  both("timeline");
  both("timeline", "--by", "day", "--from", "2026-01-01", "--state", "FL");
  q.push(["timeline", "--csv"], ["--json", "timeline", "--ids", "--from", "2026-03-01"]);
  both("funnel");
  both("funnel", "--list");
  q.push(["funnel", "--csv"], ["funnel", "--list", "--csv"]);
  both("coverage");
  both("coverage", "--by", "model");
  q.push(["coverage", "--csv"], ["coverage", "--by", "model", "--csv"]);
  for (const f of fs
    .readdirSync(path.join(ROOT, "data/claims"))
    .filter((x) => x.endsWith(".yaml"))
    .sort())
    both("claims", "check", `data/claims/${f}`);
  both("claims", "conflicts");
  both("conflicts");
  both("conflicts", "--as-of", "2025-09-22", "--state", "FL");
  q.push(["conflicts", "--csv"]);
  both("policies");
  both("policies", "--as-of", "2026-01-01");
  both("litigation");
  both("politics", "--year", "2025");
  both("politics", "--state", "VA");
  both("history");
  both("history", "--agencies");
  both("places");
  both("places", "--unplaced");
  both("types");
  both("types", "--type", "other");
  both("moa", "mismatches");
  q.push(["--lang", "es", "status"], ["--lang", "es", "claims", "conflicts"]);
  q.push(["--help"], ["roster", "--help"], ["stats", "--help"], ["nosuchcommand"], ["roster", "--state", "ZZ"]);
  return q;
}

export const DATASET_FORMATS = ["csv", "json"] as const;

/** The store path and temp folders vary from run to run; everything else must not. */
export function normalise(s: string, subst: Record<string, string>): string {
  let r = s;
  for (const [from, to] of Object.entries(subst)) r = r.split(from).join(to);
  return r;
}

/** A built web app's file names carry content hashes (`index-Ab12Cd.js`); the data does not. */
export function siteFileKey(rel: string, bytes: Buffer): string | null {
  if (rel.startsWith("assets/")) return null;
  if (rel.endsWith(".html"))
    return sha(bytes.toString("utf8").replace(/assets\/[\w.-]+?-[\w-]{8}\.(js|css)/g, "assets/X.$1"));
  return sha(bytes);
}

export function walk(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
    )
    .sort();
}

async function main(): Promise<void> {
  const [db, outFile, bodiesDir] = process.argv.slice(2);
  if (!db || !outFile) {
    console.error("usage: golden.ts LEDGER.db OUT.json [BODIES_DIR]");
    process.exit(2);
  }
  const { openStore } = await import("../src/store/db.js");
  const { createApp } = await import("../src/server/app.js");
  const { RESOURCES } = await import("../src/server/api/index.js");
  const { dataPaths } = await import("../src/server/pages/index.js");
  const store = await openStore(db, { readonly: true });
  const app = createApp({ store, webDist: null });
  const keep = (kind: string, key: string, body: string | Buffer) => {
    if (!bodiesDir) return;
    const f = path.join(bodiesDir, kind, sha(key).slice(0, 16));
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, body);
    fs.appendFileSync(path.join(bodiesDir, `${kind}.index`), `${sha(key).slice(0, 16)}\t${key}\n`);
  };
  const g: Golden = {
    made_from: {
      commit: spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim(),
      lists: 0,
    },
    http: {},
    cli: {},
    files: {},
  };
  const get = async (url: string) => {
    const r = await app.request(url);
    const body = Buffer.from(await r.arrayBuffer());
    g.http[url] = `${r.status} ${r.headers.get("content-type")} ${sha(body)}`;
    keep("http", url, body);
    return body.toString("utf8");
  };
  const rows = async <T>(url: string) => (JSON.parse(await get(url)) as { rows: T[] }).rows;

  for (const r of RESOURCES) {
    if (r.path.includes("{")) continue;
    const required = Object.entries(r.query).filter(([, s]) => !s.safeParse(undefined).success);
    const q = required.length ? `&${required.map(([k]) => `${k}=sheriff`).join("&")}` : "";
    if (r.kind === "list") {
      await get(`/api/v1${r.path}.json?limit=all${q}`);
      await get(`/api/v1${r.path}.csv?${q.slice(1)}`);
      await get(`/api/v1${r.path}.json?limit=5&offset=3${q}`);
    } else if (r.path !== "/diff") {
      for (const lq of r.path === "/lookup" ? LOOKUPS : [""]) {
        await get(`/api/v1${r.path}.json?${lq}`);
        await get(`/api/v1${r.path}.csv?${lq}`);
      }
    }
    if ("as_of" in r.query)
      for (const d of AS_OF) await get(`/api/v1${r.path}.json?as_of=${d}${r.kind === "list" ? "&limit=all" : ""}`);
  }
  const lists = (
    await rows<{ published_at: string }>("/api/v1/snapshots.json?limit=all&kind=participating&status=applied")
  ).map((s) => s.published_at);
  g.made_from.lists = lists.length;
  const at = (i: number) => lists[(i + lists.length) % lists.length] as string;
  for (const [from, to] of [
    [at(0), at(-1)],
    [at(0), at(lists.length >> 1)],
    [at(-2), at(-1)],
  ]) {
    await get(`/api/v1/diff.json?from=${from}&to=${to}`);
    await get(`/api/v1/diff.csv?from=${from}&to=${to}`);
  }
  for (const s of await rows<{ state: string }>("/api/v1/states.json?limit=all"))
    await get(`/api/v1/states/${s.state}.json`);
  for (const { agency_id } of await rows<{ agency_id: string }>("/api/v1/agencies.json?limit=all")) {
    const id = encodeURIComponent(agency_id);
    await get(`/api/v1/agencies/${id}.json`);
    await get(`/api/v1/agencies/${id}/listings.json?limit=all`);
  }
  const snaps = await rows<{ sha256: string }>("/api/v1/snapshots.json?limit=all");
  for (const id of [...new Set(snaps.map((s) => s.sha256))]) await get(`/api/v1/snapshots/${id}.json`);
  for (const p of await dataPaths(store)) await get(`/${p}`);
  for (const u of [
    "/feeds/changes.atom",
    "/feeds/changes.atom?state=TX",
    "/feeds/changes.atom?model=TFM",
    "/api/openapi.json",
  ])
    await get(u);
  await store.close();
  console.error(`http: ${Object.keys(g.http).length} bodies`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "g287-golden-"));
  const subst = { [path.resolve(db)]: "<DB>", [db]: "<DB>", [tmp]: "<OUT>" };
  const run = (args: string[]) => {
    const r = spawnSync(path.join(ROOT, "bin/g287"), ["--db", db, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, TZ: "America/Los_Angeles" },
    });
    const [o, e] = [normalise(r.stdout, subst), normalise(r.stderr, subst)];
    const key = normalise(JSON.stringify(args), subst);
    g.cli[key] = `${r.status} ${sha(o)} ${sha(e)}`;
    keep("cli", key, `${r.status}\n--- stdout\n${o}\n--- stderr\n${e}`);
  };
  for (const a of cliQuestions()) run(a);
  const { DATASETS } = await import("../src/analysis/datasets.js");
  for (const d of DATASETS) for (const f of DATASET_FORMATS) run(["export", d, "--format", f]);
  run(["--quiet", "export", "release", "--out", path.join(tmp, "release")]);
  for (const f of walk(path.join(tmp, "release")))
    g.files[`release/${f}`] = sha(fs.readFileSync(path.join(tmp, "release", f)));
  const web = path.join(tmp, "web");
  const { viteBuild } = await import("./vite-build.js");
  viteBuild(web);
  // The web build's folder is a temp path like the others: the key names it <OUT>/web.
  run(["--quiet", "site", path.join(tmp, "site"), "--web", web]);
  for (const f of walk(path.join(tmp, "site"))) {
    const k = siteFileKey(f, fs.readFileSync(path.join(tmp, "site", f)));
    if (k) g.files[`site/${f}`] = k;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`cli: ${Object.keys(g.cli).length} answers; files: ${Object.keys(g.files).length}`);
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(g, null, 1)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
