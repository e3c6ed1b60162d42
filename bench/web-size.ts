// The home page's JavaScript, gzipped: builds the web app with a Vite manifest and adds up every
// script the home page loads (the entry, the Home page chunk and everything they import
// statically). Target: under 150 kB. `npx tsx bench/web-size.ts` runs it alone; `npm run bench`
// calls benchWebSize().
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { viteBuild } from "../scripts/vite-build.js";

const ROOT = path.resolve(import.meta.dirname, "..");
export const HOME_JS_TARGET = 150_000;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

export interface WebSize {
  files: { file: string; bytes: number; gzip: number }[];
  home_js_bytes: number;
  home_js_gzip: number;
  target_gzip: number;
  /** Every script of the build, for comparison: what a page with all of it would cost. */
  all_js_gzip: number;
}

/** The scripts a page loads: its chunks and their static imports, transitively. */
function closure(manifest: Record<string, ManifestChunk>, keys: string[]): string[] {
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(k)) return;
    const c = manifest[k];
    if (!c) throw new Error(`web-size: ${k} is not in the Vite manifest`);
    seen.add(k);
    for (const i of c.imports ?? []) visit(i);
  };
  for (const k of keys) visit(k);
  return [...seen].map((k) => (manifest[k] as ManifestChunk).file).filter((f) => f.endsWith(".js"));
}

/** Measures a build: `dist` must hold `.vite/manifest.json` (vite build --manifest). */
export function measureHomeJs(dist: string): WebSize {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  const home = Object.keys(manifest).find((k) => /pages\/Home\.tsx$/.test(k));
  if (!entry || !home) throw new Error("web-size: no entry or no Home page chunk in the manifest");
  const size = (file: string) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const files = closure(manifest, [entry, home]).sort().map(size);
  const all = [...new Set(Object.values(manifest).map((c) => c.file))].filter((f) => f.endsWith(".js")).map(size);
  return {
    files,
    home_js_bytes: files.reduce((a, f) => a + f.bytes, 0),
    home_js_gzip: files.reduce((a, f) => a + f.gzip, 0),
    target_gzip: HOME_JS_TARGET,
    all_js_gzip: all.reduce((a, f) => a + f.gzip, 0),
  };
}

/** Builds the app into a temporary folder, measures it, prints one line and returns the figures. */
export function benchWebSize(): WebSize {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), "g287-web-size-"));
  try {
    viteBuild(dist, ["--manifest"], "error");
    const s = measureHomeJs(dist);
    const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
    console.log(
      `web: home page JS ${kb(s.home_js_gzip)} gzipped in ${s.files.length} scripts (${kb(s.home_js_bytes)} raw; target under ${kb(s.target_gzip)}, ${((s.home_js_gzip / s.target_gzip) * 100).toFixed(0)}% of it); every script of the app: ${kb(s.all_js_gzip)} gzipped`,
    );
    return s;
  } finally {
    fs.rmSync(dist, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) benchWebSize();
