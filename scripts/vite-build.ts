// Builds the web app with Vite into a folder of the caller's, as a child process: the tests, the
// benchmarks and the global setup share this one way to do it.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

function viteArgs(outDir: string, extra: string[], logLevel: "warn" | "error"): string[] {
  return [
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
  ];
}

/** Builds web/ into `outDir` (emptied first); throws with Vite's output when the build fails. */
export function viteBuild(outDir: string, extra: string[] = [], logLevel: "warn" | "error" = "warn"): void {
  const r = spawnSync(process.execPath, viteArgs(outDir, extra, logLevel), { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The same build without blocking, so a caller can replay the archive meanwhile. */
export function viteBuildAsync(
  outDir: string,
  extra: string[] = [],
  logLevel: "warn" | "error" = "warn",
): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, viteArgs(outDir, extra, logLevel), { cwd: ROOT });
    const out: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.stderr.on("data", (b: Buffer) => out.push(b));
    p.on("error", reject);
    p.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed:\n${Buffer.concat(out).toString("utf8")}`)),
    );
  });
}
