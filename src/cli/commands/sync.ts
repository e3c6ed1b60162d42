// `g287 sync` (fetch ICE's current lists once) and `g287 watch` (sync on a schedule). Exit codes are
// for cron: 0 = a new list was ingested, 3 = nothing new, 1 = failure (2 = usage error).
import { Option } from "commander";
import { z } from "zod";
import { enqueueAlerts, sendAlerts } from "../../alerts/index.js";
import { ExitStatus, UsageError } from "../../errors.js";
import { toJson } from "../../export/json.js";
import { type SyncOptions, type SyncSummary, sync } from "../../pipeline/sync.js";
import {
  formatDuration,
  parseDuration,
  readConfigFile,
  resolveSettings,
  type SyncSettings,
} from "../../pipeline/sync-config.js";
import { watch } from "../../pipeline/watch.js";
import type { Store } from "../../store/db.js";
import { check } from "../args.js";
import { type Globals, type RegisterCommands, say, withStore } from "../common.js";

interface SyncFlags {
  url?: string;
  archive?: string;
  mirror?: string[];
  config?: string;
  connectTimeout?: string;
  timeout?: string;
  retries?: string;
}

interface WatchFlags extends SyncFlags {
  every: string;
  jitter: string;
  maxRuns?: string;
}

const durationFlag = (flag: string, v: string): number => {
  const ms = parseDuration(v);
  if (ms === null) throw new UsageError(`${flag} ${JSON.stringify(v)}: expected a duration such as 30s, 10m or 6h`);
  return ms;
};
const httpUrl = z.string().refine((u) => URL.canParse(u) && /^https?:\/\//i.test(u), "expected an http(s) URL");
const count = z.string().regex(/^\d+$/, "expected a whole number").transform(Number);

function settings(f: SyncFlags): SyncSettings & { archiveDir: string } {
  const file = f.config ?? process.env.G287_SYNC_CONFIG;
  const s = resolveSettings(file ? readConfigFile(file) : null, {
    url: f.url,
    archive: f.archive,
    mirrors: f.mirror?.map((m) => check("--mirror", httpUrl, m)),
    connectTimeoutMs: f.connectTimeout === undefined ? undefined : durationFlag("--connect-timeout", f.connectTimeout),
    readTimeoutMs: f.timeout === undefined ? undefined : durationFlag("--timeout", f.timeout),
    retries: f.retries === undefined ? undefined : check("--retries", count, f.retries),
  });
  check(f.url ? "--url" : "G287_ICE_URL", httpUrl, s.pageUrl);
  if (!s.archiveDir) {
    throw new UsageError(
      "sync needs an archive folder to keep the downloaded lists in: pass --archive DIR or set G287_ARCHIVE",
    );
  }
  return { ...s, archiveDir: s.archiveDir };
}

function addSourceOptions<T extends import("commander").Command>(c: T): T {
  return c
    .option(
      "--url <url>",
      "ICE's 287(g) page (default $G287_ICE_URL, else https://www.ice.gov/identify-and-arrest/287g)",
    )
    .option("--archive <dir>", "archive folder that keeps every downloaded list (default $G287_ARCHIVE)")
    .option(
      "--mirror <url>",
      "a public archive of past lists (a folder with MANIFEST.csv and SIGHTINGS.csv) used to fill gaps; repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      "--config <file>",
      "YAML or JSON settings: url, archive, mirrors, http timeouts (default $G287_SYNC_CONFIG)",
    )
    .option("--connect-timeout <duration>", "give up connecting after this long (default 15s)")
    .option("--timeout <duration>", "give up when the server is silent this long (default 30s)")
    .option("--retries <n>", "retries on 5xx, 429, timeouts and dropped connections (default 3)");
}

/** One line for a run: what came in, or why not. */
export function runLine(s: SyncSummary): string {
  if (s.outcome === "failed") return `failed: ${s.error}`;
  const lists = s.files
    .map(
      (f) =>
        `${f.kind ?? f.linkKind} ${f.status.replace("_", " ")} ${f.originalFilename}${f.publishedAt ? ` (${f.publishedAt})` : ""}`,
    )
    .join(", ");
  const ev = s.events ? `, events ${s.events.from}-${s.events.to} (${s.events.count})` : "";
  const ingested = s.ingest?.newObservations ? `, ${s.ingest.newObservations} new observation(s)` : "";
  return `${s.outcome === "new" ? "new list ingested" : "nothing new"}: ${lists || "no files"}${ingested}${ev}`;
}

function report(s: SyncSummary, g: Globals): void {
  if (g.json) {
    process.stdout.write(toJson(s));
    return;
  }
  if (g.quiet) return;
  const lines: string[] = [];
  if (s.page) {
    lines.push(
      `page ${s.page.url}${s.page.title ? ` ("${s.page.title}")` : ""}: participating ${s.page.participating ?? "not linked"}, pending ${s.page.pending ?? "not linked"}`,
    );
  }
  for (const f of s.files) {
    lines.push(
      `  ${(f.kind ?? f.linkKind ?? "?").padEnd(13)} ${f.status.replace("_", " ").padEnd(12)} ${f.originalFilename}` +
        (f.rows !== null ? `  ${f.rows} rows` : "") +
        (f.publishedAt ? `  published ${f.publishedAt} (${f.publishedBasis})` : "") +
        (f.sha256 ? `  sha256 ${f.sha256.slice(0, 12)}` : ""),
    );
  }
  for (const m of s.mirrors)
    lines.push(`mirror ${m.url}: ${m.error ? `failed (${m.error})` : `${m.files} file(s) taken of ${m.gaps} gap(s)`}`);
  const a = s.archive;
  if (a.files || a.sightings || a.fetches)
    lines.push(
      `archive ${a.dir}: ${a.files} new file(s), ${a.sightings} new sighting(s), ${a.fetches} download(s) logged`,
    );
  if (s.ingest && s.ingest.mode !== "nothing_new") {
    lines.push(
      `ledger: ${s.ingest.newObservations} new observation(s), ${s.ingest.applied} applied, ${s.ingest.quarantined.length} quarantined, ${s.ingest.events} event(s)` +
        (s.events ? ` (seq ${s.events.from}-${s.events.to}${s.events.renumbered ? ", after a full replay" : ""})` : ""),
    );
    for (const q of s.ingest.quarantined) lines.push(`quarantined ${q.date} ${q.file}: ${say(q.reason)}`);
  }
  if (s.outcome !== "failed") lines.push(s.outcome === "new" ? "new list ingested" : "nothing new");
  if (lines.length) process.stderr.write(`${lines.join("\n")}\n`);
}

function runOptions(s: SyncSettings & { archiveDir: string }, g: Globals, signal?: AbortSignal): SyncOptions {
  return {
    ...s,
    signal,
    log: (line) => {
      if (!g.quiet && !g.json) process.stderr.write(`g287 sync: ${line}\n`);
    },
  };
}

/**
 * Turns what the run changed into alerts and sends them. Every run that did not fail does this,
 * not only runs with a new list, so alerts left in the outbox by a crashed run go out; a delivery failure is logged
 * and never changes sync's exit code (cron reads that as "was there a new list").
 */
async function deliverAlerts(store: Store, g: Globals): Promise<void> {
  try {
    await enqueueAlerts(store);
    const sent = await sendAlerts(store);
    if (!g.quiet && !g.json && (sent.sent || sent.failed))
      process.stderr.write(`g287 sync: alerts sent ${sent.sent}, failed ${sent.failed}\n`);
  } catch (e) {
    if (!g.quiet) process.stderr.write(`g287 sync: alerts not delivered: ${(e as Error).message}\n`);
  }
}

export const register: RegisterCommands = (program, globals) => {
  addSourceOptions(
    program
      .command("sync")
      .description(
        "fetch ICE's 287(g) page, download the participating and pending lists, keep them in the archive folder and ingest them (exit 0 = new list, 3 = nothing new, 1 = failure)",
      ),
  ).action(async (f: SyncFlags) => {
    const g = globals();
    const s = settings(f);
    const summary = await withStore(g, async (store) => {
      const r = await sync(store, runOptions(s, g));
      report(r, g);
      // A failed run leaves the store exactly as it was, so it sends nothing either.
      if (r.exitCode !== 1) await deliverAlerts(store, g);
      // Nothing was written to the store: a ledger file this run created is removed again.
      if (r.exitCode === 1 && !r.ingest?.newObservations) throw new ExitStatus(r.exitCode, r.error ?? "");
      return r;
    });
    if (summary.exitCode !== 0)
      throw new ExitStatus(summary.exitCode, summary.exitCode === 1 ? (summary.error ?? "") : "");
  });

  addSourceOptions(
    program
      .command("watch")
      .description(
        "run sync now and then every --every (plus up to --jitter), logging one line per run; keeps going through failures until SIGINT or SIGTERM",
      )
      .addOption(new Option("--every <duration>", "time between runs, e.g. 6h").default("6h"))
      .addOption(new Option("--jitter <duration>", "random extra delay of up to this much per run").default("10m"))
      .option("--max-runs <n>", "stop after this many runs (default: run until stopped)"),
  ).action(async (f: WatchFlags) => {
    const g = globals();
    const everyMs = durationFlag("--every", f.every);
    if (everyMs < 60_000)
      throw new UsageError(`--every ${JSON.stringify(f.every)}: at least 1m (be kind to ICE's server)`);
    const jitterMs = durationFlag("--jitter", f.jitter);
    const maxRuns = f.maxRuns === undefined ? undefined : check("--max-runs", count, f.maxRuns);
    const s = settings(f);
    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.signal.aborted) process.exit(130);
      if (!g.quiet) process.stderr.write(`g287 watch: ${sig}, stopping after the current step\n`);
      stop.abort(new Error(sig));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    if (!g.quiet && !g.json) {
      process.stderr.write(
        `g287 watch: syncing ${s.pageUrl} into ${s.archiveDir} every ${formatDuration(everyMs)} (+ up to ${formatDuration(jitterMs)})\n`,
      );
    }
    try {
      await watch({
        everyMs,
        jitterMs,
        maxRuns,
        signal: stop.signal,
        run: async (signal) => {
          const r = await withStore(g, async (store) => {
            const out = await sync(store, { ...runOptions(s, { ...g, quiet: true }), signal });
            if (out.exitCode !== 1) await deliverAlerts(store, { ...g, quiet: true });
            return out;
          });
          return { line: runLine(r), ok: r.exitCode !== 1, data: r };
        },
        log: (report, at, next) => {
          const when = { at: at.toISOString(), next: next?.toISOString() ?? null };
          if (g.json) {
            const data = report.data ?? { outcome: "failed", exitCode: 1, error: report.line.replace(/^failed: /, "") };
            process.stdout.write(`${JSON.stringify({ ...when, ...(data as object) })}\n`);
          } else process.stdout.write(`${when.at} ${report.line}${next ? `; next run ${when.next}` : ""}\n`);
        },
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
};
