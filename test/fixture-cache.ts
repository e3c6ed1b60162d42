// A cache, keyed by the content of everything that shapes them, for the two fixtures the global
// setup makes (the archive replayed into a ledger, the built web app): a developer's second run of a
// test file skips the 20 s replay. Runs always read fresh copies, so no test can spoil an entry.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const CACHE = path.join(os.tmpdir(), "g287-test-cache");
/** Entries unused for this long are removed by the next run that builds one (never one in use). */
const STALE_MS = 30 * 60_000;

/** Every input of the replay and of the web build: sources, data, web app, locked packages, tools, archive. */
const INPUTS = [
  "src",
  "data",
  "web",
  "package-lock.json",
  "scripts/vite-build.ts",
  "test/fixture-cache.ts",
  "test/global-setup.ts",
];

function files(dir: string): string[] {
  if (!fs.statSync(dir).isDirectory()) return [dir];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== "node_modules" && e.name !== "dist")
    .flatMap((e) => files(path.join(dir, e.name)))
    .sort();
}

/** sha256 over the names and bytes of every input, the archive's lists and the Node version. */
export function fixtureKey(archive: string): string {
  const h = createHash("sha256").update(process.version);
  for (const f of [...INPUTS.flatMap((p) => files(path.join(ROOT, p))), ...files(archive)]) {
    h.update(`\0${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f));
  }
  return h.digest("hex").slice(0, 32);
}

/**
 * The cached folder for `key`, made by `build(dir)` on a miss. Concurrent runs (several developers'
 * shells) each build into a private folder and rename it into place; the first rename wins.
 * G287_TEST_CACHE=0 builds afresh every time, in a folder the caller removes.
 */
export async function cachedFixture(
  key: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  if (process.env.G287_TEST_CACHE === "0") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-fixture-"));
    await build(dir);
    return { dir, hit: false };
  }
  const dir = path.join(CACHE, key);
  if (fs.existsSync(path.join(dir, "done"))) {
    const now = new Date();
    fs.utimesSync(dir, now, now);
    return { dir, hit: true };
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE, "building-"));
  try {
    await build(tmp);
    fs.writeFileSync(path.join(tmp, "done"), "");
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Another run finished the same entry first: use it.
    if (!fs.existsSync(path.join(dir, "done"))) throw e;
  }
  evictStale(dir);
  return { dir, hit: false };
}

function evictStale(keep: string): void {
  for (const name of fs.readdirSync(CACHE)) {
    const p = path.join(CACHE, name);
    if (p !== keep && Date.now() - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { recursive: true, force: true });
  }
}
