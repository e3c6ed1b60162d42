// Reads the text of a PDF page by page with pdf.js (the legacy build, for Node), in a worker
// thread that is killed when it runs too long or grows too big: MOA files come from a website we do
// not control. One extractor can read many files in turn; close() ends its thread.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExtractReply, ExtractRequest } from "./extract-worker.js";
import { layoutPage, type PageLayout, pageText } from "./layout.js";

export interface ExtractLimits {
  maxBytes: number;
  maxPages: number; // text is read from the first maxPages pages; the count of all pages is kept
  timeoutMs: number; // per document, including the worker's start
  memoryMb: number; // the worker's heap
}

export const DEFAULT_LIMITS: ExtractLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPages: 200,
  timeoutMs: 60_000,
  memoryMb: 512,
};

export interface ExtractedPage {
  page: number;
  text: string;
  layout: PageLayout;
}

export type Extracted =
  | { ok: true; numPages: number; title: string | null; pages: ExtractedPage[]; ms: number }
  | { ok: false; error: string; ms: number };

// Compiled (dist/), the worker is JavaScript; from the sources it is TypeScript, loaded through the
// tsx hook that `npm run g287:dev` uses.
const COMPILED = import.meta.url.endsWith(".js");
const WORKER = new URL(COMPILED ? "./extract-worker.js" : "./extract-worker.ts", import.meta.url);
const TSX_HOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../cli/register.mjs");

/** Starting the thread (tsx, pdf.js) takes a second or two, much longer on a busy machine. */
const STARTUP_MS = 120_000;

export class TextExtractor {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private seq = 0;
  /** How long the last start of the thread took, for the record. */
  startMs = 0;

  constructor(readonly limits: ExtractLimits = DEFAULT_LIMITS) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    if (!COMPILED && !fs.existsSync(TSX_HOOK)) throw new Error(`cannot start the PDF reader: ${TSX_HOOK} is missing`);
    const w = new Worker(WORKER, {
      execArgv: COMPILED ? [] : ["--import", TSX_HOOK],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: true,
      stderr: true,
    });
    // pdf.js warns on stdout/stderr about odd fonts; those are not ours to print.
    w.stdout.resume();
    w.stderr.resume();
    w.unref();
    this.worker = w;
    const t0 = performance.now();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after ${STARTUP_MS} ms`)), STARTUP_MS);
      const onMsg = (m: { ready?: boolean }) => {
        if (m?.ready) {
          w.off("message", onMsg);
          w.off("error", reject);
          clearTimeout(timer);
          this.startMs = Math.round(performance.now() - t0);
          resolve();
        }
      };
      w.on("message", onMsg);
      w.once("error", reject);
      w.once("exit", (code) => reject(new Error(`the PDF reader stopped while starting (exit ${code})`)));
    });
    return this.ready;
  }

  /**
   * Ends one thread. Only that one: a late "exit" from a thread killed on a timeout must not take
   * down the fresh thread started for the next document.
   */
  private kill(w: Worker | null = this.worker): void {
    if (!w) return;
    if (this.worker === w) {
      this.worker = null;
      this.ready = null;
    }
    void w.terminate();
  }

  /**
   * Reads one PDF; never throws for a bad PDF (it returns ok: false with the reason). The time limit
   * and the reported time cover the reading only, not the start of the thread.
   */
  async extract(bytes: Uint8Array): Promise<Extracted> {
    if (bytes.length > this.limits.maxBytes)
      return { ok: false, error: `larger than ${this.limits.maxBytes} bytes`, ms: 0 };
    try {
      await this.start();
    } catch (e) {
      this.kill();
      throw new Error(`cannot start the PDF reader: ${(e as Error).message}`);
    }
    const t0 = performance.now();
    const ms = () => Math.round(performance.now() - t0);
    const id = ++this.seq;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<ExtractReply>((resolve, reject) => {
        const w = this.worker;
        if (!w) return reject(new Error("the PDF reader stopped"));
        timer = setTimeout(() => {
          cleanup();
          this.kill(w);
          reject(new Error(`timed out after ${this.limits.timeoutMs} ms`));
        }, this.limits.timeoutMs);
        const onMsg = (m: ExtractReply) => {
          if (m?.id !== id) return;
          cleanup();
          resolve(m);
        };
        const onErr = (e: Error) => {
          cleanup();
          this.kill(w);
          reject(e);
        };
        const onExit = (code: number) => {
          cleanup();
          this.kill(w);
          reject(new Error(`the PDF reader stopped (exit ${code})`));
        };
        const cleanup = () => {
          w.off("message", onMsg);
          w.off("error", onErr);
          w.off("exit", onExit);
        };
        w.on("message", onMsg);
        w.once("error", onErr);
        w.once("exit", onExit);
        // A copy: the caller keeps its bytes to store them.
        const req: ExtractRequest = { id, bytes: new Uint8Array(bytes), maxPages: this.limits.maxPages };
        w.postMessage(req, [req.bytes.buffer as ArrayBuffer]);
      });
      if (!reply.ok) return { ok: false, error: reply.error ?? "unreadable", ms: ms() };
      const pages = (reply.pages ?? []).map((p, i) => {
        const layout = layoutPage(i + 1, p.width, p.height, p.items);
        return { page: i + 1, text: pageText(layout), layout };
      });
      return { ok: true, numPages: reply.numPages ?? pages.length, title: reply.title ?? null, pages, ms: ms() };
    } catch (e) {
      return { ok: false, error: (e as Error).message, ms: ms() };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
  }
}

/** Reads one PDF with a fresh extractor. */
export async function extractText(bytes: Uint8Array, limits: ExtractLimits = DEFAULT_LIMITS): Promise<Extracted> {
  const x = new TextExtractor(limits);
  try {
    return await x.extract(bytes);
  } finally {
    await x.close();
  }
}
