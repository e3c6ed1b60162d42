// /feeds/changes.atom: agreements added, removed, renamed and re-dated, and lists quarantined, as
// Atom, newest first. Each entry links to its agency page in the web app and names the list it
// came from. Entry ids hash the event's content, so they stay the same across rebuilds.
import { createHash } from "node:crypto";
import { allEvents, type EventRow, filterEvents } from "./api/events.js";
import { type AtomEntry, renderAtom } from "./atom.js";
import type { Ctx } from "./resource.js";

export const FEED_TYPES = ["appeared", "removed", "renamed", "redated", "list_quarantined"] as const;
export const FEED_DEFAULT_LIMIT = 100;

const MODEL_NAMES: Record<string, string> = {
  JEM: "Jail Enforcement Model",
  TFM: "Task Force Model",
  WSO: "Warrant Service Officer",
};

export interface FeedFilter {
  state?: string;
  agency?: string;
  model?: string;
  limit: number;
}

interface ObsInfo {
  file: string;
  date: string;
  kind: string;
  at: string;
}

/** When and in which file each observation was published (order_key starts with its time). */
function observations(ctx: Ctx): Promise<Map<string, ObsInfo>> {
  return ctx.memo("feed-observations", async () => {
    const rows = await ctx.db
      .selectFrom("observation")
      .select(["obs_id", "original_filename", "date", "kind", "order_key"])
      .execute();
    return new Map(
      rows.map((o) => {
        const t = o.order_key.split("|")[0] as string;
        const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(t) ? t : `${o.date}T00:00:00Z`;
        return [o.obs_id, { file: o.original_filename, date: o.date, kind: o.kind, at }];
      }),
    );
  });
}

/** A stable id from what the event says, not from its row number in this ledger file. */
export function entryId(e: EventRow): string {
  const detail = Object.fromEntries(Object.entries(e.detail).sort(([a], [b]) => (a < b ? -1 : 1)));
  const h = createHash("sha256")
    .update(JSON.stringify([e.type, e.date, e.agency_id, e.agreement_id, e.obs_id, e.list, detail]))
    .digest("hex")
    .slice(0, 24);
  return `tag:g287.ledger,2026:event/${h}`;
}

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

function describe(e: EventRow): { title: string; text: string; label: string } {
  const who = `${e.agency ?? e.agency_id ?? "unknown agency"}${e.state ? ` (${e.state})` : ""}`;
  const model = e.model ? `${MODEL_NAMES[e.model] ?? e.model}` : "";
  const d = e.detail;
  switch (e.type) {
    case "appeared":
      return {
        label: "Added",
        title: `Added: ${who}, ${model}`,
        text: `A new 287(g) agreement appeared on ICE's list: ${who}, ${model}, signed ${str(d.signed_on) || "on an unknown date"}.`,
      };
    case "removed":
      return {
        label: "Removed",
        title: `Removed: ${who}, ${model}`,
        text: `The agreement of ${who} (${model}) is no longer listed: last listed ${str(d.last_listed)}, absent from ${str(d.lists_missed)} consecutive lists (confirmed ${str(d.confirmed_on)}).`,
      };
    case "renamed":
      return {
        label: "Renamed",
        title: `Renamed: ${str(d.from)} → ${str(d.to)}${e.state ? ` (${e.state})` : ""}`,
        text: `ICE's list now names ${str(d.from)} as ${str(d.to)}${e.state ? ` (${e.state})` : ""}; matched as the same agency (${str(d.tier) || "rule"}).`,
      };
    case "redated":
      return {
        label: "Re-dated",
        title: `Signed date changed: ${who}, ${model}`,
        text: `The signed date of ${who}'s ${model} agreement changed from ${str(d.from)} to ${str(d.to)}.`,
      };
    case "list_quarantined":
      return {
        label: "List quarantined",
        title: `List quarantined: ${e.list ?? "a list"}`,
        text: `This list was recorded but not applied, so it removed nothing: ${str(d.reason)}.`,
      };
    default:
      return { label: e.type, title: `${e.type}: ${who}`, text: `${e.type}: ${who}` };
  }
}

/** The newest matching events as Atom; `base` is the site root, absolute or relative ("../"). */
export async function changesFeed(ctx: Ctx, f: FeedFilter, base: string, selfHref: string): Promise<string> {
  const all = await allEvents(ctx);
  const obs = await observations(ctx);
  const wanted = new Set<string>(FEED_TYPES);
  // A quarantined list concerns every reader, whatever the filter: it is in every feed.
  const picked = all.filter(
    (e) =>
      wanted.has(e.type) &&
      (e.type === "list_quarantined" ||
        filterEvents([e], { state: f.state, agency: f.agency, model: f.model }).length === 1),
  );
  const newest = picked.slice(-f.limit).reverse();
  const entries: AtomEntry[] = newest.map((e) => {
    const o = obs.get(e.obs_id);
    const { title, text, label } = describe(e);
    const from = o ? `From the list ${o.file}, published ${o.date}.` : e.list ? `From the list ${e.list}.` : "";
    const links =
      e.type === "list_quarantined" || !e.agency_id
        ? [
            { rel: "alternate", type: "text/html", href: `${base}#/changes` },
            {
              rel: "related",
              type: "application/json",
              href: `${base}api/v1/snapshots/${encodeURIComponent(e.obs_id)}`,
              title: o?.file,
            },
          ]
        : [
            { rel: "alternate", type: "text/html", href: `${base}#/agency/${encodeURIComponent(e.agency_id)}` },
            {
              rel: "related",
              type: "application/json",
              href: `${base}api/v1/agencies/${encodeURIComponent(e.agency_id)}`,
            },
          ];
    return {
      id: entryId(e),
      title,
      updated: o?.at ?? `${e.date}T00:00:00Z`,
      summary: `${text} ${from}`.trim(),
      links,
      categories: [{ term: e.type, label }, ...(e.state ? [{ term: `state:${e.state}` }] : [])],
    };
  });
  const filters = [
    f.state ? `state=${f.state}` : "",
    f.agency ? `agency=${f.agency}` : "",
    f.model ? `model=${f.model}` : "",
  ].filter(Boolean);
  const latest = [...obs.values()].reduce((a, o) => (o.at > a ? o.at : a), "1970-01-01T00:00:00Z");
  return renderAtom({
    id: `tag:g287.ledger,2026:feeds/changes${filters.length ? `?${filters.join("&")}` : ""}`,
    title: `g287: changes to ICE 287(g) agreements${filters.length ? ` (${filters.join(", ")})` : ""}`,
    subtitle:
      "Agreements added, removed, renamed and re-dated on ICE's published 287(g) lists, and lists quarantined as unsafe to apply.",
    updated: entries[0]?.updated && entries[0].updated > latest ? entries[0].updated : latest,
    links: [
      { rel: "self", type: "application/atom+xml", href: selfHref },
      { rel: "alternate", type: "text/html", href: `${base}#/changes` },
    ],
    author: "g287",
    entries,
  });
}
