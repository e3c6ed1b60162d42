// bin/g287 as a whole process: it runs the compiled dist/, answers like main() in-process, exits with
// the command's code, says how to build when dist/ is missing, and takes a closed pipe quietly.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { archiveDbPath, BIN, ROOT, runCli, tmpDir } from "./helpers.js";

const bin = (args: string[]) => spawnSync(BIN, args, { encoding: "utf8", cwd: ROOT });

describe("bin/g287", () => {
  beforeAll(() => {
    // The global setup builds dist/; a run of this file alone builds it here.
    if (!fs.existsSync(path.join(ROOT, "dist/cli/run.js")))
      execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT });
  }, 300_000);

  it("prints the same help and status as main() in-process", async () => {
    for (const args of [
      ["--help"],
      ["--db", archiveDbPath(), "status"],
      ["--db", archiveDbPath(), "--json", "status"],
    ]) {
      const p = bin(args);
      const m = await runCli(args);
      expect({ status: p.status, stdout: p.stdout, stderr: p.stderr }).toEqual(m);
      expect(p.status).toBe(0);
    }
  });

  it("exits 2 on a usage error and 1 on a failure, with one line on stderr", () => {
    const usage = bin(["--db", archiveDbPath(), "roster", "--as-of", "2024-13-01"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe('g287: --as-of "2024-13-01": expected a date as YYYY-MM-DD\n');
    const unknown = bin(["frobnicate"]);
    expect(unknown.status).toBe(2);
    const missing = bin(["--db", archiveDbPath(), "agency", "zzzz qqqq"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.split("\n")).toHaveLength(2);
  });

  it("loads only the module of the command that runs", () => {
    // A loader hook that names every module the process loads, on stderr.
    const hook = path.join(tmpDir(), "trace.mjs");
    const trace = `export async function load(url, ctx, next) { process._rawDebug("LOADED " + url); return next(url, ctx); }`;
    fs.writeFileSync(
      hook,
      `import { register } from "node:module";\nregister("data:text/javascript," + encodeURIComponent(${JSON.stringify(trace)}));\n`,
    );
    const loaded = (args: string[]) => {
      const r = spawnSync(process.execPath, ["--import", hook, path.join(ROOT, "dist/cli/run.js"), ...args], {
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      return r.stderr;
    };
    const commandsLoaded = (args: string[]) =>
      [...loaded(args).matchAll(/^LOADED .*\/dist\/cli\/commands\/([\w-]+)\.js$/gm)].map((m) => m[1]);
    // The help is the registry and commander alone: no store, no analysis, no schemas.
    expect(loaded(["--help"])).not.toMatch(/node_modules\/(kysely|zod|better-sqlite3)\/|\/dist\/analysis\//);
    expect(commandsLoaded(["--help"])).toEqual([]);
    expect(commandsLoaded(["stats", "--help"])).toEqual([]);
    expect(commandsLoaded(["--db", archiveDbPath(), "status"])).toEqual(["status"]);
  });

  it("says to build when dist/ is missing", () => {
    const root = tmpDir();
    fs.mkdirSync(path.join(root, "bin"));
    fs.copyFileSync(BIN, path.join(root, "bin/g287"));
    fs.chmodSync(path.join(root, "bin/g287"), 0o755);
    const r = spawnSync(path.join(root, "bin/g287"), ["--help"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`g287: ${root}/dist is missing: run npm run build\n`);
  });

  it("exits 0 when the reader closes the pipe early", () => {
    // pipefail: the pipeline's status is g287's, not head's.
    const line = `set -o pipefail; "${BIN}" --db "${archiveDbPath()}" export events | head -c 10 >/dev/null`;
    const r = spawnSync("bash", ["-c", line], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
