// Parses many files on all cores. Reading xlsx is the slowest step of a full replay (SheetJS
// spends ~20 ms on a 1,800-row list), and files are independent, so they are spread over workers.
import os from "node:os";
import { Worker } from "node:worker_threads";
import { InputError } from "../errors.js";
import { type Corrections, dirUrl } from "../normalize/corrections.js";
import type { SourceFile } from "../sources/types.js";
import { type ParsedSnapshot, parseSnapshot } from "./parse.js";

/** Below this many files, starting workers costs more than it saves. */
const MIN_FILES_FOR_POOL = 24;

export async function parseMany(
  files: SourceFile[],
  fixes: Corrections,
  opts: { correctionsDir?: URL | string; progress?: (done: number, total: number) => void; workers?: number } = {},
): Promise<ParsedSnapshot[]> {
  const n = Math.min(opts.workers ?? Math.max(1, os.availableParallelism() - 0), 4);
  if (files.length < MIN_FILES_FOR_POOL || n < 2) {
    return files.map((f, i) => {
      const p = parseSnapshot(f, fixes);
      opts.progress?.(i + 1, files.length);
      return p;
    });
  }
  const out: ParsedSnapshot[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const dir = opts.correctionsDir === undefined ? undefined : dirUrl(opts.correctionsDir).href;
  // SheetJS allocates heavily; a larger young generation saves a fifth of its time.
  const workers = Array.from(
    { length: n },
    () =>
      new Worker(new URL("./parse-worker.mjs", import.meta.url), {
        workerData: { correctionsDir: dir },
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
      }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= files.length) return resolve();
              const id = next++;
              w.postMessage({ id, file: files[id] });
            };
            w.on(
              "message",
              (m: {
                id: number;
                json?: string;
                gz?: Uint8Array;
                error?: { message: string; file?: string; row?: number };
              }) => {
                if (m.error) {
                  reject(
                    m.error.file
                      ? new InputError(m.error.file, m.error.message, m.error.row)
                      : new Error(m.error.message),
                  );
                  return;
                }
                const parsed = JSON.parse(m.json as string) as ParsedSnapshot;
                parsed.file = files[m.id] as SourceFile;
                parsed.rawRowsGz = m.gz as Uint8Array;
                out[m.id] = parsed;
                opts.progress?.(++done, files.length);
                feed();
              },
            );
            w.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
