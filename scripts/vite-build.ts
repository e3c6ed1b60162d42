// Builds the web app with Vite into a folder of the caller's, as a child process: the tests, the
// benchmarks and the global setup share this one way to do it.
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Builds web/ into `outDir` (emptied first); throws with Vite's output when the build fails. */
export function viteBuild(outDir: string, extra: string[] = [], logLevel: "warn" | "error" = "warn"): void {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules/vite/bin/vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--outDir",
      outDir,
      "--emptyOutDir",
      ...extra,
      "--logLevel",
      logLevel,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}
