// The `g287` command line. Other tools script against it, so command and flag names are a
// contract: see README.md. Errors go to stderr as one line: exit 1 for bad input or a failed
// operation, 2 for a usage error.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { DATASETS, type DatasetName, dataset } from "../analysis/datasets.js";
import {
  agencyDetail,
  agreements,
  diff,
  events,
  findAgencies,
  reviewQueue,
  roster,
  status,
} from "../analysis/queries.js";
import { countyShown } from "../context/geography.js";
import { toCsv } from "../domain/csv.js";
import { ExitStatus, InputError, UsageError } from "../errors.js";
import { listEnvelope, toJson } from "../export/json.js";
import { EVENT_TYPES } from "../ledger/types.js";
import { type IngestSummary, ingest, rebuild } from "../pipeline/ingest.js";
import { DEFAULT_RELEASE_DIR, loadedFromOldRelease, loadRelease, writeRelease } from "../pipeline/release.js";
import { type Store, StoreError } from "../store/db.js";
import { agreementStatus, check, isoDate, model, optional, stateCode } from "./args.js";
import { COMMAND_MODULES } from "./commands/index.js";
import { serveOptions, serveUntilStopped } from "./commands/serve.js";
import { type Globals, out, say, setLang, today, withStore } from "./common.js";
import { progress, table } from "./format.js";

function printIngest(s: IngestSummary, g: Globals): void {
  if (g.json) {
    out(toJson(s));
    return;
  }
  if (g.quiet) return;
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
  for (const q of s.quarantined) lines.push(`quarantined ${q.date} ${q.file}: ${say(q.reason)}`);
  for (const k of s.skipped) lines.push(`skipped ${k}`);
  process.stderr.write(`${lines.join("\n")}\n`);
}

async function printStatus(store: Store, g: Globals): Promise<void> {
  const s = await status(store.db);
  const files = s.snapshots;
  const json = {
    snapshots: {
      applied: s.observations - s.quarantined.length,
      quarantined: s.quarantined.length,
      files: files.total,
    },
    quarantined: s.quarantined,
    agreements: s.agreements,
    agencies: s.agencies,
    applications: s.applications,
    latest_list: s.latest_list,
    latest_pending_list: s.latest_pending_list,
    review: s.review,
    kind_mismatches: s.kind_mismatches,
    db: store.file,
  };
  if (g.json) return out(toJson(json));
  const a = s.agreements;
  const lines = [
    `g287 ledger ${store.file}`,
    `latest participating list  ${s.latest_list ?? "none"}${s.latest_pending_list ? `   (latest pending list ${s.latest_pending_list})` : ""}`,
    `lists                      ${files.total} files, ${s.observations} dated observations: ${json.snapshots.applied} applied, ${s.quarantined.length} quarantined`,
    `agreements                 ${a.total}: ${a.active} on the latest list, ${a.pending_removal} missing from it (removal not yet confirmed), ${a.removed} removed, ${a.superseded} superseded`,
    `agencies                   ${s.agencies}`,
    `pending applications       ${s.applications.pending} pending, ${s.applications.signed} signed, ${s.applications.dropped} dropped`,
  ];
  if (s.quarantined.length) {
    lines.push("quarantined lists (recorded, not applied):");
    for (const q of s.quarantined)
      lines.push(`  ${q.published_at}  ${q.file}  ${q.reason === null ? "" : say(q.reason)}`);
  }
  for (const k of s.kind_mismatches) {
    lines.push(
      `flagged: ${k.date} ${k.file} is named as ${k.file_name_says} but holds a ${k.content_is} list (read by content)`,
    );
  }
  if (s.review || s.review_decided)
    lines.push(
      `review queue               ${s.review} open, ${s.review_decided} decided near miss(es): see \`g287 review\``,
    );
  out(lines.join("\n"));
}

const ROSTER_HUMAN = ["state", "agency", "model", "signed_on", "first_listed", "listing_state", "agreement_id"];

export function buildProgram(): Command {
  const program = new Command("g287");
  program
    .description(
      "A public ledger of ICE 287(g) agreements: every published list replayed into a stable, sourced history.",
    )
    .option("--db <file>", "ledger file (default ./g287.db, or $G287_DB)")
    .option("--json", "machine-readable output on stdout")
    .option("--quiet", "no progress or summary on stderr")
    .option("--lang <lang>", "language of analysis sentences (reasons, summaries): en (default) or es")
    .hook("preAction", () => setLang(program.opts<Globals>().lang))
    .showHelpAfterError("(run g287 --help for usage)")
    .exitOverride();
  const globals = () => program.opts<Globals>();

  program
    .command("start")
    .description(
      "build or refresh the ledger ($G287_ARCHIVE, else the bundled release), print the status, then serve the web app and API",
    )
    .option("--port <n>", "port to serve on (0 picks a free one)", "8287")
    .option("--host <addr>", "address to serve on", "127.0.0.1")
    .option("--no-serve", "stop after printing the status")
    .action(async (o: { port: string; host: string; serve: boolean }) => {
      const g = globals();
      const serving = o.serve ? serveOptions(o) : null;
      const archive = process.env.G287_ARCHIVE;
      await withStore(g, async (store) => {
        const p = progress(!g.quiet && !g.json);
        if (archive) {
          if (!g.quiet && !g.json) process.stderr.write(`replaying ${archive} into ${store.file}\n`);
          const s = await ingest(store, [archive], { progress: p.update });
          p.stop();
          printIngest(s, { ...g, json: false });
        } else {
          const has = await store.db.selectFrom("ledger_state").select("id").executeTakeFirst();
          const stale = has && (await loadedFromOldRelease(store));
          if (!has || stale) {
            const dir = fileURLToPath(DEFAULT_RELEASE_DIR);
            const m = await loadRelease(store, dir);
            if (!g.quiet && !g.json) {
              process.stderr.write(
                `${stale ? "reloaded" : "loaded"} the bundled release (${m.inputs.length} lists, latest ${m.latest_list}); set G287_ARCHIVE to replay an archive of lists instead\n`,
              );
            }
          } else if (!g.quiet && !g.json) {
            process.stderr.write("ledger already built; set G287_ARCHIVE to replay an archive of lists\n");
          }
        }
        await printStatus(store, g);
        if (serving) await serveUntilStopped(store, g, serving);
      });
    });

  program
    .command("ingest")
    .description(
      "read lists into the ledger: an archive folder (MANIFEST.csv + SIGHTINGS.csv), a folder of lists, or files",
    )
    .argument("<path...>", "files or folders")
    .option("--published-at <date>", "publication date for every file (overrides the date in the file name)")
    .option("--rebuild", "replay every stored list from its kept bytes, not just the new ones")
    .action(async (paths: string[], o: { publishedAt?: string; rebuild?: boolean }) => {
      const g = globals();
      const publishedAt = optional("--published-at", isoDate, o.publishedAt);
      await withStore(g, async (store) => {
        const p = progress(!g.quiet && !g.json);
        try {
          printIngest(await ingest(store, paths, { publishedAt, rebuild: o.rebuild, progress: p.update }), g);
        } finally {
          p.stop();
        }
      });
    });

  program
    .command("rebuild")
    .description("replay every stored list from its kept bytes (after a change to the fix tables or rules)")
    .action(async () => {
      const g = globals();
      await withStore(
        g,
        async (store) => {
          const p = progress(!g.quiet && !g.json);
          try {
            printIngest(await rebuild(store, { progress: p.update }), g);
          } finally {
            p.stop();
          }
        },
        { readonly: true },
      );
    });

  program
    .command("status")
    .description("what the ledger holds: lists applied and quarantined, agreements by status, the latest list")
    .action(async () => withStore(globals(), (s) => printStatus(s, globals()), { readonly: true }));

  program
    .command("roster")
    .description("agreements listed on a date (default: today)")
    .option("--as-of <date>", "date, YYYY-MM-DD")
    .option("--state <XX>", "two-letter state code")
    .addOption(new Option("--model <model>", "jem, tfm or wso"))
    .option(
      "--include-unconfirmed",
      "also agreements missing from the list in force whose removal is not yet confirmed (listing_state unconfirmed)",
    )
    .action(async (o: { asOf?: string; state?: string; model?: string; includeUnconfirmed?: boolean }) => {
      const g = globals();
      const asOf = optional("--as-of", isoDate, o.asOf) ?? today();
      const f = {
        asOf,
        state: optional("--state", stateCode, o.state),
        model: optional("--model", model, o.model),
        includeUnconfirmed: o.includeUnconfirmed === true,
      };
      await withStore(
        g,
        async (store) => {
          const rows = await roster(store.db, f);
          if (g.json) return out(toJson(listEnvelope(rows, { as_of: asOf })));
          out(table(ROSTER_HUMAN, rows));
          const unconfirmed = rows.filter((r) => r.listing_state === "unconfirmed").length;
          out(
            `${rows.length - unconfirmed} agreement(s) listed on ${asOf}${f.state ? ` in ${f.state}` : ""}${f.model ? ` (${f.model})` : ""}` +
              (f.includeUnconfirmed ? `, and ${unconfirmed} missing from that list, removal not yet confirmed` : ""),
          );
        },
        { readonly: true },
      );
    });

  program
    .command("agreements")
    .description("every agreement ever listed, with its status")
    .option("--status <status>", "active, removed, superseded or pending_removal")
    .option("--state <XX>", "two-letter state code")
    .option("--model <model>", "jem, tfm or wso")
    .action(async (o: { status?: string; state?: string; model?: string }) => {
      const g = globals();
      const f = {
        status: optional("--status", agreementStatus, o.status),
        state: optional("--state", stateCode, o.state),
        model: optional("--model", model, o.model),
      };
      await withStore(
        g,
        async (store) => {
          const rows = await agreements(store.db, f);
          if (g.json) return out(toJson(listEnvelope(rows)));
          out(
            table(["state", "agency", "model", "signed_on", "first_listed", "last_listed", "status", "ended_on"], rows),
          );
          out(`${rows.length} agreement(s)`);
        },
        { readonly: true },
      );
    });

  program
    .command("agency")
    .description("one agency: its agreements, name variants, events and the list rows behind them")
    .argument("<id-or-text...>", "an agency id (tx-harris-county-sheriffs-office) or words of its name")
    .action(async (words: string[]) => {
      const g = globals();
      const text = words.join(" ").trim();
      if (!text) throw new UsageError("agency: give an agency id or some words of its name");
      await withStore(
        g,
        async (store) => {
          const found = await findAgencies(store.db, text);
          if (found.length === 0)
            throw new InputError(text, "no agency matches (try fewer words, or `g287 agreements --state XX`)");
          if (found.length > 1) {
            const rows = found.map((a) => ({ agency_id: a.agency_id, state: a.state, name: a.name, type: a.type }));
            if (g.json) return out(toJson(listEnvelope(rows, { query: text })));
            out(table(["agency_id", "state", "name", "type"], rows));
            out(`${found.length} agencies match "${text}"; pass an agency_id for one`);
            return;
          }
          const d = await agencyDetail(store.db, (found[0] as { agency_id: string }).agency_id);
          if (!d) throw new InputError(text, "agency vanished while reading");
          if (g.json) return out(toJson(d));
          const a = d.agency;
          const lines = [
            `${a.name}  (${a.agency_id})`,
            `state ${a.state}   type ${a.type}   level ${a.jurisdiction ?? "unknown"}   county ${countyShown(a) ?? "unknown"}`,
            `listed ${a.first_seen} → ${a.last_seen}`,
          ];
          if (a.names.length > 1) {
            lines.push("names as published:");
            for (const n of a.names as { name: string; firstSeen: string; lastSeen: string }[])
              lines.push(`  ${n.name}  (${n.firstSeen} → ${n.lastSeen})`);
          }
          out(lines.join("\n"));
          out("\nagreements:");
          out(
            table(
              ["model", "signed_on", "first_listed", "last_listed", "status", "ended_on", "moa_url"],
              d.agreements,
              { maxWidth: 90 },
            ),
          );
          for (const x of d.agreements) {
            if (x.first_source) {
              out(
                `  ${x.agreement_id}: first read from ${x.first_source.original_filename} row ${x.first_source.row} (${x.first_source.tier}); ${x.listings} list rows in all`,
              );
            }
          }
          if (d.applications.length) {
            out("\npending-list entries:");
            out(table(["model", "first_listed", "last_listed", "status", "agreement_id"], d.applications));
          }
          out("\nevents:");
          out(
            table(
              ["date", "type", "agreement_id", "list", "detail"],
              d.events.map((e) => ({ ...e, detail: summarize(e.detail) })),
              { maxWidth: 70 },
            ),
          );
        },
        { readonly: true },
      );
    });

  program
    .command("diff")
    .description("what changed between two dates")
    .argument("<date-a>", "YYYY-MM-DD")
    .argument("<date-b>", "YYYY-MM-DD")
    .action(async (a: string, b: string) => {
      const g = globals();
      const from = check("date-a", isoDate, a);
      const to = check("date-b", isoDate, b);
      if (from > to) throw new UsageError(`diff: ${from} is after ${to}; give the earlier date first`);
      await withStore(
        g,
        async (store) => {
          const d = await diff(store.db, from, to);
          if (g.json) return out(toJson(d));
          out(
            `${d.counts.from} agreements listed on ${from}, ${d.counts.to} on ${to}: ${d.counts.added} added, ${d.counts.removed} gone, ${d.counts.changed} changed`,
          );
          if (d.added.length) {
            out("\nadded:");
            out(table(ROSTER_HUMAN, d.added));
          }
          if (d.removed.length) {
            out("\nno longer listed:");
            out(table([...ROSTER_HUMAN.slice(0, 5), "ended_on", "status"], d.removed));
          }
          if (d.changed.length) {
            out("\nchanged:");
            out(
              table(
                ["state", "agency", "change"],
                d.changed.flatMap((c) =>
                  c.changes.map((x) => ({
                    state: c.state,
                    agency: c.agency,
                    change: `${x.date} ${x.type} ${summarize(x.detail as Record<string, unknown>)}`,
                  })),
                ),
                { maxWidth: 90 },
              ),
            );
          }
        },
        { readonly: true },
      );
    });

  program
    .command("events")
    .description("the change log: appeared, removed, renamed, redated, quarantined…")
    .option("--type <type>", `one of ${EVENT_TYPES.join(", ")}`)
    .option("--since <date>", "on or after this date")
    .option("--until <date>", "on or before this date")
    .option("--state <XX>", "two-letter state code")
    .action(async (o: { type?: string; since?: string; until?: string; state?: string }) => {
      const g = globals();
      if (o.type && !(EVENT_TYPES as readonly string[]).includes(o.type))
        throw new UsageError(`--type ${JSON.stringify(o.type)}: expected one of ${EVENT_TYPES.join(", ")}`);
      const f = {
        type: o.type,
        since: optional("--since", isoDate, o.since),
        until: optional("--until", isoDate, o.until),
        state: optional("--state", stateCode, o.state),
      };
      await withStore(
        g,
        async (store) => {
          const rows = await events(store.db, f);
          if (g.json) return out(toJson(listEnvelope(rows)));
          out(
            table(
              ["date", "type", "state", "agency", "list", "detail"],
              rows.map((e) => ({ ...e, detail: summarize(e.detail) })),
              { maxWidth: 60 },
            ),
          );
          out(`${rows.length} event(s)`);
        },
        { readonly: true },
      );
    });

  program
    .command("review")
    .description(
      "near misses the identity rules would not merge: check them, then add aliases to data/corrections/agencies.csv",
    )
    .action(async () => {
      const g = globals();
      await withStore(
        g,
        async (store) => {
          const rows = await reviewQueue(store.db);
          if (g.json) return out(toJson(listEnvelope(rows)));
          out(
            table(
              ["date", "reason", "state", "name", "candidate_name", "status", "decision", "list", "row"],
              rows.map((r) => ({ ...r.detail, ...r })),
              { maxWidth: 50 },
            ),
          );
          const open = rows.filter((r) => r.status === "open").length;
          out(`${rows.length} item(s): ${open} open, ${rows.length - open} decided`);
        },
        { readonly: true },
      );
    });

  program
    .command("export")
    .description(`write a dataset (${DATASETS.join(", ")}) as csv or json, or the whole release bundle`)
    .argument("<what>", `${DATASETS.join("|")}|release`)
    .addOption(new Option("--format <format>", "csv or json").choices(["csv", "json"]).default("csv"))
    .option("--out <file>", "write here instead of stdout (for release: a folder, default data/release)")
    .action(async (what: string, o: { format: "csv" | "json"; out?: string }) => {
      const g = globals();
      if (what === "release") {
        const dir = o.out ?? fileURLToPath(DEFAULT_RELEASE_DIR);
        await withStore(
          g,
          async (store) => {
            const m = await writeRelease(store, dir);
            if (g.json) return out(toJson(m));
            if (!g.quiet)
              process.stderr.write(`wrote ${m.files.length} files to ${dir} (${m.inputs.length} input lists)\n`);
          },
          { readonly: true },
        );
        return;
      }
      if (!(DATASETS as readonly string[]).includes(what)) {
        throw new UsageError(
          `export: unknown dataset ${JSON.stringify(what)}; expected ${DATASETS.join(", ")} or release`,
        );
      }
      await withStore(
        g,
        async (store) => {
          const d = await dataset(store.db, what as DatasetName);
          const text = o.format === "csv" ? toCsv(d.columns, d.rows) : toJson(listEnvelope(d.rows));
          if (o.out) {
            const dir = path.dirname(path.resolve(o.out));
            if (!fs.existsSync(dir)) throw new InputError(o.out, `folder ${dir} does not exist`);
            const tmp = `${o.out}.tmp-${process.pid}`;
            fs.writeFileSync(tmp, text);
            fs.renameSync(tmp, o.out);
            if (!g.quiet) process.stderr.write(`wrote ${d.rows.length} ${what} to ${o.out}\n`);
          } else process.stdout.write(text);
        },
        { readonly: true },
      );
    });

  for (const register of COMMAND_MODULES) register(program, globals);
  return program;
}

function summarize(detail: Record<string, unknown>): string {
  const { list: _l, row: _r, ...rest } = detail;
  return Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ExitStatus) {
      if (e.message) process.stderr.write(`g287: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`g287: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`g287: ${e.describe()}\n`);
      return 1;
    }
    if (e instanceof StoreError) {
      process.stderr.write(`g287: ${e.message}\n`);
      return 1;
    }
    const err = e as Error;
    process.stderr.write(`g287: ${err.message || String(e)}\n`);
    if (process.env.G287_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
