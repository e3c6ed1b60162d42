// Worker side of the parse pool: parses one file at a time for the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { loadCorrections } from "../normalize/corrections.js";
import type { SourceFile } from "../sources/types.js";
import { parseSnapshot } from "./parse.js";

const fixes = loadCorrections(workerData.correctionsDir);
parentPort?.on("message", (msg: { id: number; file: SourceFile }) => {
  try {
    // JSON crosses the thread boundary faster than a structured clone of many small objects; the
    // compressed raw rows travel as a transferred buffer, and the file's bytes are not sent back.
    const { file: _file, rawRowsGz, ...rest } = parseSnapshot(msg.file, fixes);
    const gz = new Uint8Array(rawRowsGz);
    parentPort?.postMessage({ id: msg.id, json: JSON.stringify(rest), gz }, [gz.buffer]);
  } catch (e) {
    const err = e as Error & { file?: string; row?: number };
    parentPort?.postMessage({
      id: msg.id,
      error: { name: err.name, message: err.message, file: err.file, row: err.row },
    });
  }
});
