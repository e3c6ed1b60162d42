// Runs pdf.js inside a worker thread, so a hostile PDF that loops or swells can be killed from the
// outside (Worker.terminate, resourceLimits) instead of hanging the CLI or the server. pdf.js's
// own "worker" code runs in this same thread: no nested worker, no canvas, no eval.

import { createRequire } from "node:module";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import type { TextItem } from "pdfjs-dist/types/src/display/api.js";

export interface ExtractRequest {
  id: number;
  bytes: Uint8Array;
  maxPages: number;
}

/** One piece of text on a page: x, y of its baseline (PDF units, y up), width, height. */
export type RawItem = [x: number, y: number, w: number, h: number, text: string];

export interface ExtractReply {
  id: number;
  ok: boolean;
  error?: string;
  numPages?: number;
  title?: string | null;
  pages?: { width: number; height: number; items: RawItem[] }[];
}

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve("pdfjs-dist/package.json"));
// pdf.js looks for `globalThis.pdfjsWorker` and, when found, runs its parser in this thread.
// (The worker module ships without type declarations; a variable specifier keeps tsc from asking.)
const WORKER_MODULE = "pdfjs-dist/legacy/build/pdf.worker.mjs";
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import(WORKER_MODULE);
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");

async function extract(req: ExtractRequest): Promise<ExtractReply> {
  const task = pdfjs.getDocument({
    data: req.bytes,
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    // Text only: images are never decoded beyond this, fonts are read for their encodings.
    maxImageSize: 1,
    cMapUrl: `${pkg}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${pkg}/standard_fonts/`,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    const meta = await doc.getMetadata().catch(() => null);
    const info = (meta?.info ?? {}) as { Title?: unknown };
    const pages: NonNullable<ExtractReply["pages"]> = [];
    const n = Math.min(doc.numPages, req.maxPages);
    for (let i = 1; i <= n; i++) {
      const page = await doc.getPage(i);
      const [, , width, height] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const items: RawItem[] = [];
      for (const it of content.items) {
        const t = it as TextItem;
        if (typeof t.str !== "string" || !t.str) continue;
        const tr = t.transform as number[];
        items.push([tr[4] ?? 0, tr[5] ?? 0, t.width, t.height || Math.abs(tr[3] ?? 0), t.str]);
      }
      pages.push({ width, height, items });
      page.cleanup();
    }
    return {
      id: req.id,
      ok: true,
      numPages: doc.numPages,
      title: typeof info.Title === "string" && info.Title.trim() ? info.Title.trim() : null,
      pages,
    };
  } finally {
    await doc.destroy();
  }
}

parentPort?.on("message", (req: ExtractRequest) => {
  extract(req).then(
    (r) => parentPort?.postMessage(r),
    (e: unknown) => parentPort?.postMessage({ id: req.id, ok: false, error: (e as Error)?.message ?? String(e) }),
  );
});
parentPort?.postMessage({ ready: true });
