// What each alert says: the change in one sentence, links to the agency and state pages of the web
// app (hash routes under G287_PUBLIC_URL), and the list it came from. Pure; HTML is escaped here.
import { stateByUsps } from "../domain/state.js";
import type { Change } from "./changes.js";

const MODEL_NAMES: Record<string, string> = {
  JEM: "Jail Enforcement Model",
  TFM: "Task Force Model",
  WSO: "Warrant Service Officer model",
};
const modelName = (m: string | null | undefined) => (m ? (MODEL_NAMES[m] ?? m) : "unknown model");

export interface Links {
  agency: string | null;
  state: string | null;
}

/** The base URL of the web app, or null when unset or not http(s) (then alerts carry no links). */
export function publicBase(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    return u.href.replace(/#.*$/, "").replace(/\/+$/, "");
  } catch {
    return null;
  }
}

export function links(c: Change, base: string | null): Links {
  if (!base || !c.agency) return { agency: null, state: null };
  return {
    agency: `${base}/#/agency/${encodeURIComponent(c.agency.id)}`,
    state: `${base}/#/state/${encodeURIComponent(c.agency.state)}`,
  };
}

function who(c: Change): string {
  const a = c.agency;
  if (!a) return "an agency";
  const state = stateByUsps(a.state)?.name ?? a.state;
  const county = a.county_name && !a.name.includes(a.county_name) ? `, ${a.county_name}` : "";
  return `${a.name} (${state}${county})`;
}

/** The change in one line: what happened, to whom, under which model. */
export function headline(c: Change): string {
  const d = c.detail;
  const model = modelName(c.agreement?.model ?? c.application?.model);
  switch (c.event) {
    case "appeared": {
      const signed = c.agreement?.signed_on ? `, signed ${c.agreement.signed_on}` : "";
      const re = d.predecessor ? ` It replaces the earlier agreement ${String(d.predecessor)}.` : "";
      return `New 287(g) agreement: ${who(c)}, ${model}${signed}.${re}`;
    }
    case "reappeared":
      return `Listed again: ${who(c)}, ${model}; it had been off ICE's list since ${String(d.ended_on ?? "an earlier list")}.`;
    case "removed":
      return `Agreement removed: ${who(c)}, ${model}${c.agreement?.signed_on ? ` signed ${c.agreement.signed_on}` : ""}. Missing from ICE's list since ${c.date}${d.lists_missed ? ` (${String(d.lists_missed)} lists in a row)` : ""}.`;
    case "renamed":
      return `Renamed on ICE's list: "${String(d.from)}" is now "${String(d.to)}" (${c.agency?.state ?? ""}).`;
    case "redated":
      return `Signing date changed: ${who(c)}, ${model}: ${String(d.from ?? "none")} → ${String(d.to)}.`;
    case "model_changed":
      return `Model relabelled: ${who(c)}: ${modelName(String(d.from))} → ${modelName(String(d.to))}.`;
    case "pending_added":
      return `New pending application: ${who(c)} applied for the ${model}.`;
    case "pending_signed":
      return `Pending application signed: ${who(c)}, ${model}${d.signed_on ? `, signed ${String(d.signed_on)}` : ""}${typeof d.days_pending === "number" ? ` after ${d.days_pending} days on the pending list` : ""}.`;
    case "pending_dropped":
      return `Pending application dropped: ${who(c)}, ${model}; last listed ${String(d.last_listed ?? "")}.`;
    case "list_quarantined":
      return `ICE published a suspicious list: ${c.list.file_name} (${c.list.published_at}) was recorded but not applied: ${String(d.reason ?? "it failed the sanity checks")}. No agreement is marked removed because of it.`;
    default:
      return `${c.event}: ${who(c)}.`;
  }
}

/** Where the change came from, in words a reader can cite. */
export function sourceLine(c: Change): string {
  const when =
    c.list.date_basis === "capture"
      ? `first captured by a public archive on ${c.list.published_at}`
      : `published ${c.list.published_at}`;
  const what =
    c.list.kind === "pending" ? "pending list" : c.list.kind === "participating" ? "participating list" : "list";
  return `Source: ICE ${what} ${c.list.file_name}, ${when}.`;
}

/** The JSON an alert carries in a webhook body. */
export function alertJson(c: Change, base: string | null) {
  return {
    key: c.key,
    kind: c.kind,
    event: c.event,
    date: c.date,
    summary: headline(c),
    source: sourceLine(c),
    agency: c.agency,
    agreement: c.agreement,
    application: c.application,
    models: c.models,
    detail: c.detail,
    list: c.list,
    links: links(c, base),
  };
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] as string,
  );
}

export interface Digest {
  subject: string;
  text: string;
  html: string;
}

/** One e-mail for several changes: the suspicious-list notices first, then by state and agency. */
export function digest(changes: readonly Change[], base: string | null, subscriptionId: string): Digest {
  const sorted = [...changes].sort((a, b) => {
    const ka = `${a.kind === "suspicious_list" ? 0 : 1}|${a.agency?.state ?? ""}|${a.agency?.name ?? ""}|${a.key}`;
    const kb = `${b.kind === "suspicious_list" ? 0 : 1}|${b.agency?.state ?? ""}|${b.agency?.name ?? ""}|${b.key}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const states = [...new Set(sorted.map((c) => c.agency?.state).filter((s): s is string => !!s))].sort();
  const suspicious = sorted.filter((c) => c.kind === "suspicious_list").length;
  const n = sorted.length;
  const subject =
    suspicious === n
      ? "g287: ICE published a suspicious list"
      : `g287: ${n} change${n === 1 ? "" : "s"} to 287(g) agreements${states.length ? ` (${states.slice(0, 6).join(", ")}${states.length > 6 ? ", …" : ""})` : ""}`;

  const text: string[] = [`${n} change${n === 1 ? "" : "s"} in ICE's published 287(g) lists:`, ""];
  const html: string[] = [
    `<p>${n} change${n === 1 ? "" : "s"} in ICE's published 287(g) lists:</p>`,
    '<ul style="padding-left:1.2em">',
  ];
  for (const c of sorted) {
    const l = links(c, base);
    text.push(`* ${headline(c)}`, `  ${sourceLine(c)}`);
    if (l.agency) text.push(`  Agency: ${l.agency}`);
    if (l.state) text.push(`  State: ${l.state}`);
    text.push("");
    const a = [
      l.agency ? `<a href="${escapeHtml(l.agency)}">agency page</a>` : null,
      l.state ? `<a href="${escapeHtml(l.state)}">state page</a>` : null,
    ].filter(Boolean);
    html.push(
      `<li style="margin-bottom:0.8em">${escapeHtml(headline(c))}<br><small>${escapeHtml(sourceLine(c))}${a.length ? ` · ${a.join(" · ")}` : ""}</small></li>`,
    );
  }
  html.push("</ul>");
  const footer = `You receive this because of g287 subscription ${subscriptionId}. To stop, ask the operator to run: g287 unsubscribe ${subscriptionId}`;
  text.push("--", footer);
  html.push(`<hr><p><small>${escapeHtml(footer)}</small></p>`);
  return {
    subject,
    text: `${text.join("\n")}\n`,
    html: `<!doctype html><html><body style="font-family:sans-serif">${html.join("\n")}</body></html>\n`,
  };
}
