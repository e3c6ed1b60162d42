// `g287 start`, `ingest` and `rebuild`: lists into the ledger, with a progress bar on a terminal and
// a summary on stderr.
import { fileURLToPath } from "node:url";
import { toJson } from "../../export/json.js";
import { type IngestSummary, ingest as ingestLists, rebuild as replayAll } from "../../pipeline/ingest.js";
import { DEFAULT_RELEASE_DIR, loadedFromOldRelease, loadRelease } from "../../pipeline/release.js";
import { isoDate, optional } from "../args.js";
import type { Ctx } from "../context.js";
import { progress } from "../format.js";
import { say } from "../say.js";
import { withStore } from "../store.js";
import { serveOptions, serveUntilStopped } from "./serve.js";
import { printStatus } from "./status.js";

function printIngest(c: Ctx, s: IngestSummary, json = c.g.json): void {
  if (json) {
    c.out(toJson(s));
    return;
  }
  if (c.g.quiet) return;
  const lines: string[] = [];
  if (s.mode === "nothing_new") {
    lines.push(`nothing new: all ${s.files} file(s) are already in the ledger`);
  } else {
    lines.push(
      `${s.mode === "rebuild" ? "replayed" : "ingested"} ${s.newObservations} new observation(s) of ${s.newSnapshots} new list file(s)` +
        ` (${s.applied} applied, ${s.quarantined.length} quarantined, ${s.events} event(s))`,
    );
    if (s.rebuildReason) lines.push(`full replay: ${s.rebuildReason}`);
  }
  for (const q of s.quarantined) lines.push(`quarantined ${q.date} ${q.file}: ${say(c, q.reason)}`);
  for (const k of s.skipped) lines.push(`skipped ${k}`);
  c.err(`${lines.join("\n")}\n`);
}

export async function start(c: Ctx, o: { port: string; host: string; serve: boolean }): Promise<void> {
  const { g } = c;
  const serving = o.serve ? serveOptions(o) : null;
  const archive = process.env.G287_ARCHIVE;
  const chatty = !g.quiet && !g.json;
  await withStore(c, async (store) => {
    const p = progress(chatty, c.io.stderr);
    if (archive) {
      if (chatty) c.err(`replaying ${archive} into ${store.file}\n`);
      const s = await ingestLists(store, [archive], { progress: p.update });
      p.stop();
      printIngest(c, s, false);
    } else {
      const has = await store.db.selectFrom("ledger_state").select("id").executeTakeFirst();
      const stale = has && (await loadedFromOldRelease(store));
      if (!has || stale) {
        const dir = fileURLToPath(DEFAULT_RELEASE_DIR);
        const m = await loadRelease(store, dir);
        if (chatty) {
          c.err(
            `${stale ? "reloaded" : "loaded"} the bundled release (${m.inputs.length} lists, latest ${m.latest_list}); set G287_ARCHIVE to replay an archive of lists instead\n`,
          );
        }
      } else if (chatty) {
        c.err("ledger already built; set G287_ARCHIVE to replay an archive of lists\n");
      }
    }
    await printStatus(c, store);
    if (serving) await serveUntilStopped(c, store, serving);
  });
}

export async function ingest(c: Ctx, paths: string[], o: { publishedAt?: string; rebuild?: boolean }): Promise<void> {
  const publishedAt = optional("--published-at", isoDate, o.publishedAt);
  await withStore(c, async (store) => {
    const p = progress(!c.g.quiet && !c.g.json, c.io.stderr);
    try {
      printIngest(c, await ingestLists(store, paths, { publishedAt, rebuild: o.rebuild, progress: p.update }));
    } finally {
      p.stop();
    }
  });
}

export async function rebuild(c: Ctx): Promise<void> {
  await withStore(
    c,
    async (store) => {
      const p = progress(!c.g.quiet && !c.g.json, c.io.stderr);
      try {
        printIngest(c, await replayAll(store, { progress: p.update }));
      } finally {
        p.stop();
      }
    },
    { readonly: true },
  );
}
