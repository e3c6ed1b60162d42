// Data flows one way: sources → sheets → normalize → ledger → store → analysis → interfaces. This
// test reads every import in src/ and web/src/ and fails on one that runs against the flow, or on an
// interface that reaches into another. src/domain (pure values and shapes) and src/util may be
// imported from anywhere.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Each layer's rank: a module may import its own layer or a lower rank. Layers of one rank are
 * siblings that may not import each other unless listed in SIBLINGS.
 */
const RANK: Record<string, number> = {
  domain: 0,
  util: 0,
  errors: 0, // src/errors.ts: the error types every layer throws
  net: 1, // the one outbound HTTP client
  sources: 2, // where list files come from: the ICE page, mirrors, the archive folder
  sheets: 3,
  normalize: 4,
  context: 5, // reference tables (Census, FBI, state law) that identity and analysis consult
  ledger: 6,
  store: 7,
  moa: 7.5, // MOA documents: fetched, read and kept beside the ledger's agreements
  analysis: 8,
  pipeline: 9, // ingest, sync, release: orchestrates the layers below and writes the store
  alerts: 9,
  export: 9,
  cli: 10,
  server: 10,
  web: 10,
};

/** Imports allowed between layers of one rank, each for a stated reason. */
const SIBLINGS: Record<string, string[]> = {
  // Sync and watch enqueue alerts for the changes an ingest made.
  pipeline: ["alerts", "export"],
  // The release bundle and the alert bodies are written as formula-safe CSV/JSON.
  alerts: ["export"],
  // `g287 serve`, `start` and `site` launch the server: the CLI's one door into it.
  cli: ["server"],
};

function layerOf(file: string): string | null {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === "web") return "web";
  if (rel[0] !== "src") return null;
  if (rel.length === 2) return (rel[1] as string).replace(/\.tsx?$/, "");
  return rel[1] as string;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] as string;
    if (spec.startsWith(".")) out.push(path.resolve(path.dirname(file), spec));
    else if (spec.startsWith("@domain")) out.push(path.join(ROOT, "src/domain"));
  }
  return out;
}

function violations(files: string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = layerOf(f);
    if (!from || !(from in RANK)) continue;
    for (const target of importsOf(f)) {
      const to = layerOf(target);
      if (!to || to === from || !(to in RANK)) continue;
      const [rf, rt] = [RANK[from] as number, RANK[to] as number];
      const ok = rt === 0 || rt < rf || (rt === rf && (SIBLINGS[from] ?? []).includes(to));
      if (!ok) bad.push(`${path.relative(ROOT, f)} imports ${path.relative(ROOT, target)} (${from} → ${to})`);
    }
  }
  return bad;
}

describe("the flow of imports", () => {
  const files = [...sources(path.join(ROOT, "src")), ...sources(path.join(ROOT, "web/src"))];

  it("names a layer for every folder of src/", () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((l) => l !== null && !(l in RANK))).toEqual([]);
    expect(layers.size).toBeGreaterThan(10);
  });

  it("has no import against sources → sheets → normalize → ledger → store → analysis → interfaces", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it("catches an import against the flow, and one between interfaces", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, "src", "store", ".layering-"));
    const web = fs.mkdtempSync(path.join(ROOT, "src", "server", ".layering-"));
    try {
      const a = path.join(dir, "bad.ts");
      fs.writeFileSync(a, 'import { x } from "../../analysis/queries.js";\nexport const y = x;\n');
      const b = path.join(web, "bad.ts");
      fs.writeFileSync(b, 'import { x } from "../../cli/args.js";\nimport { s } from "../../domain/state.js";\n');
      const v = violations([a, b]);
      expect(v).toHaveLength(2);
      expect(v[0]).toContain("store → analysis");
      expect(v[1]).toContain("server → cli");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(web, { recursive: true, force: true });
    }
  });
});
