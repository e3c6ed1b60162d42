// `g287 agency` (one agency with its agreements, names, events and source rows) and `g287 diff`
// (what changed between two dates).
import { agencyDetail, diff as diffDates, findAgencies } from "../../analysis/queries.js";
import { countyShown } from "../../context/geography.js";
import { InputError, UsageError } from "../../errors.js";
import { listEnvelope, toJson } from "../../export/json.js";
import { check, isoDate } from "../args.js";
import type { Ctx } from "../context.js";
import { table } from "../format.js";
import { readStore } from "../store.js";
import { ROSTER_HUMAN, summarize } from "./lists.js";

export async function agency(c: Ctx, words: string[]): Promise<void> {
  const text = words.join(" ").trim();
  if (!text) throw new UsageError("agency: give an agency id or some words of its name");
  await readStore(c, async (store) => {
    const found = await findAgencies(store.db, text);
    if (found.length === 0)
      throw new InputError(text, "no agency matches (try fewer words, or `g287 agreements --state XX`)");
    if (found.length > 1) {
      const rows = found.map((a) => ({ agency_id: a.agency_id, state: a.state, name: a.name, type: a.type }));
      if (c.g.json) return c.out(toJson(listEnvelope(rows, { query: text })));
      c.out(table(["agency_id", "state", "name", "type"], rows));
      c.out(`${found.length} agencies match "${text}"; pass an agency_id for one`);
      return;
    }
    const d = await agencyDetail(store.db, (found[0] as { agency_id: string }).agency_id);
    if (!d) throw new InputError(text, "agency vanished while reading");
    if (c.g.json) return c.out(toJson(d));
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
    c.out(lines.join("\n"));
    c.out("\nagreements:");
    c.out(
      table(["model", "signed_on", "first_listed", "last_listed", "status", "ended_on", "moa_url"], d.agreements, {
        maxWidth: 90,
      }),
    );
    for (const x of d.agreements) {
      if (x.first_source) {
        c.out(
          `  ${x.agreement_id}: first read from ${x.first_source.original_filename} row ${x.first_source.row} (${x.first_source.tier}); ${x.listings} list rows in all`,
        );
      }
    }
    if (d.applications.length) {
      c.out("\npending-list entries:");
      c.out(table(["model", "first_listed", "last_listed", "status", "agreement_id"], d.applications));
    }
    c.out("\nevents:");
    c.out(
      table(
        ["date", "type", "agreement_id", "list", "detail"],
        d.events.map((e) => ({ ...e, detail: summarize(e.detail) })),
        { maxWidth: 70 },
      ),
    );
  });
}

export async function diff(c: Ctx, a: string, b: string): Promise<void> {
  const from = check("date-a", isoDate, a);
  const to = check("date-b", isoDate, b);
  if (from > to) throw new UsageError(`diff: ${from} is after ${to}; give the earlier date first`);
  await readStore(c, async (store) => {
    const d = await diffDates(store.db, from, to);
    if (c.g.json) return c.out(toJson(d));
    c.out(
      `${d.counts.from} agreements listed on ${from}, ${d.counts.to} on ${to}: ${d.counts.added} added, ${d.counts.removed} gone, ${d.counts.changed} changed`,
    );
    if (d.added.length) {
      c.out("\nadded:");
      c.out(table(ROSTER_HUMAN, d.added));
    }
    if (d.removed.length) {
      c.out("\nno longer listed:");
      c.out(table([...ROSTER_HUMAN.slice(0, 5), "ended_on", "status"], d.removed));
    }
    if (d.changed.length) {
      c.out("\nchanged:");
      c.out(
        table(
          ["state", "agency", "change"],
          d.changed.flatMap((x) =>
            x.changes.map((ch) => ({
              state: x.state,
              agency: x.agency,
              change: `${ch.date} ${ch.type} ${summarize(ch.detail as Record<string, unknown>)}`,
            })),
          ),
          { maxWidth: 90 },
        ),
      );
    }
  });
}
