// `g287 sync` (fetch ICE's current lists once) and `g287 watch` (sync on a schedule). Exit codes are
// for cron: 0 = a new list was ingested, 3 = nothing new, 1 = failure (2 = usage error).
import { z } from "zod";
import { enqueueAlerts, sendAlerts } from "../../alerts/index.js";
import { CliError, UsageError } from "../../errors.js";
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
import { type Ctx, withGlobals } from "../context.js";
import { say } from "../say.js";
import { withStore } from "../store.js";

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

function report(c: Ctx, s: SyncSummary): void {
  const { g } = c;
  if (g.json) {
    c.write(toJson(s));
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
    for (const q of s.ingest.quarantined) lines.push(`quarantined ${q.date} ${q.file}: ${say(c, q.reason)}`);
  }
  if (s.outcome !== "failed") lines.push(s.outcome === "new" ? "new list ingested" : "nothing new");
  if (lines.length) c.err(`${lines.join("\n")}\n`);
}

function runOptions(c: Ctx, s: SyncSettings & { archiveDir: string }, signal?: AbortSignal): SyncOptions {
  return {
    ...s,
    signal,
    log: (line) => {
      if (!c.g.quiet && !c.g.json) c.err(`g287 sync: ${line}\n`);
    },
  };
}

/**
 * Turns what the run changed into alerts and sends them. Every run that did not fail does this,
 * not only runs with a new list, so alerts left in the outbox by a crashed run go out; a delivery failure is logged
 * and never changes sync's exit code (cron reads that as "was there a new list").
 */
async function deliverAlerts(c: Ctx, store: Store): Promise<void> {
  const { g } = c;
  try {
    await enqueueAlerts(store);
    const sent = await sendAlerts(store);
    if (!g.quiet && !g.json && (sent.sent || sent.failed))
      c.err(`g287 sync: alerts sent ${sent.sent}, failed ${sent.failed}\n`);
  } catch (e) {
    if (!g.quiet) c.err(`g287 sync: alerts not delivered: ${(e as Error).message}\n`);
  }
}

export async function syncOnce(c: Ctx, f: SyncFlags): Promise<void> {
  const s = settings(f);
  const summary = await withStore(c, async (store) => {
    const r = await sync(store, runOptions(c, s));
    report(c, r);
    // A failed run leaves the store exactly as it was, so it sends nothing either.
    if (r.exitCode !== 1) await deliverAlerts(c, store);
    // Nothing was written to the store: a ledger file this run created is removed again.
    if (r.exitCode === 1 && !r.ingest?.newObservations) throw new CliError(r.error ?? "", r.exitCode);
    return r;
  });
  if (summary.exitCode !== 0) throw new CliError(summary.exitCode === 1 ? (summary.error ?? "") : "", summary.exitCode);
}

export async function watchSync(c: Ctx, f: WatchFlags): Promise<void> {
  const { g } = c;
  const everyMs = durationFlag("--every", f.every);
  if (everyMs < 60_000)
    throw new UsageError(`--every ${JSON.stringify(f.every)}: at least 1m (be kind to ICE's server)`);
  const jitterMs = durationFlag("--jitter", f.jitter);
  const maxRuns = f.maxRuns === undefined ? undefined : check("--max-runs", count, f.maxRuns);
  const s = settings(f);
  const quiet = withGlobals(c, { quiet: true });
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    // A second signal means now, not after the current step.
    if (stop.signal.aborted) process.exit(130);
    if (!g.quiet) c.err(`g287 watch: ${sig}, stopping after the current step\n`);
    stop.abort(new Error(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (!g.quiet && !g.json) {
    c.err(
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
        const r = await withStore(c, async (store) => {
          const out = await sync(store, { ...runOptions(quiet, s), signal });
          if (out.exitCode !== 1) await deliverAlerts(quiet, store);
          return out;
        });
        return { line: runLine(r), ok: r.exitCode !== 1, data: r };
      },
      log: (report, at, next) => {
        const when = { at: at.toISOString(), next: next?.toISOString() ?? null };
        if (g.json) {
          const data = report.data ?? { outcome: "failed", exitCode: 1, error: report.line.replace(/^failed: /, "") };
          c.write(`${JSON.stringify({ ...when, ...(data as object) })}\n`);
        } else c.write(`${when.at} ${report.line}${next ? `; next run ${when.next}` : ""}\n`);
      },
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
