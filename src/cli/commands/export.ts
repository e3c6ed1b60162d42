// `g287 export`: one dataset as CSV or JSON (stdout, or a file written whole), or the release bundle.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DATASETS, type DatasetName, dataset } from "../../analysis/datasets.js";
import { toCsv } from "../../domain/csv.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { DEFAULT_RELEASE_DIR, writeRelease } from "../../pipeline/release.js";
import type { Ctx } from "../context.js";
import { readStore } from "../store.js";

export async function exportData(c: Ctx, what: string, o: { format: "csv" | "json"; out?: string }): Promise<void> {
  const { g } = c;
  if (what === "release") {
    const dir = o.out ?? fileURLToPath(DEFAULT_RELEASE_DIR);
    await readStore(c, async (store) => {
      const m = await writeRelease(store, dir);
      if (g.json) return c.out(toJson(m));
      if (!g.quiet) c.err(`wrote ${m.files.length} files to ${dir} (${m.inputs.length} input lists)\n`);
    });
    return;
  }
  if (!(DATASETS as readonly string[]).includes(what)) {
    throw new UsageError(`export: unknown dataset ${JSON.stringify(what)}; expected ${DATASETS.join(", ")} or release`);
  }
  await readStore(c, async (store) => {
    const d = await dataset(store.db, what as DatasetName);
    const text = o.format === "csv" ? toCsv(d.columns, d.rows) : toJson(listEnvelope(d.rows));
    if (o.out) {
      const dir = path.dirname(path.resolve(o.out));
      if (!fs.existsSync(dir)) throw new InputError(o.out, `folder ${dir} does not exist`);
      const tmp = `${o.out}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, o.out);
      if (!g.quiet) c.err(`wrote ${d.rows.length} ${what} to ${o.out}\n`);
    } else c.write(text);
  });
}
