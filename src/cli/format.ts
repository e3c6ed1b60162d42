// Human output: aligned tables without borders, and a progress bar on a TTY for long work.
import { SingleBar } from "cli-progress";
import Table from "cli-table3";
import type { OutStream } from "./context.js";

export function table(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  opts: { maxWidth?: number } = {},
): string {
  const max = opts.maxWidth ?? 48;
  const t = new Table({
    head: [...columns],
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  for (const r of rows) {
    t.push(
      columns.map((c) => {
        const v = r[c];
        const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
        return s.length > max ? `${s.slice(0, max - 1)}…` : s;
      }),
    );
  }
  return t.toString();
}

export interface Progress {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

const PHASES: Record<string, string> = {
  read: "reading files ",
  parse: "parsing lists ",
  replay: "replaying     ",
  write: "writing ledger",
};

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI, --json, tests). */
export function progress(enabled: boolean, stderr: OutStream): Progress {
  if (!enabled || !stderr.isTTY) return { update() {}, stop() {} };
  let bar: SingleBar | null = null;
  let current = "";
  return {
    update(phase, done, total) {
      if (phase !== current) {
        bar?.stop();
        current = phase;
        bar = new SingleBar({
          format: `${PHASES[phase] ?? phase} [{bar}] {value}/{total}`,
          // Only a terminal gets here: the process's own stderr.
          stream: stderr as NodeJS.WritableStream,
          hideCursor: true,
        });
        bar.start(total, 0);
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
