// One event as a readable line: what happened, to which agency, and the list and row it was read from.
import type { EventItem } from "@domain";
import { useApp } from "../app.js";

export function eventText(app: ReturnType<typeof useApp>, e: EventItem): string {
  const d = e.detail;
  const parts: string[] = [];
  if (
    (e.type === "renamed" || e.type === "redated" || e.type === "model_changed" || e.type === "relisted_state") &&
    d.from !== undefined
  ) {
    const f = e.type === "redated" ? app.date(String(d.from)) : String(d.from);
    const to = e.type === "redated" ? app.date(String(d.to)) : String(d.to);
    parts.push(app.t("event.from_to", { from: f, to }));
  }
  if (e.type === "renamed" && typeof d.tier === "string") parts.push(app.tv("event.tier", d.tier));
  if (e.type === "gap" && d.missing_from)
    parts.push(app.t("event.missing_from", { n: Number(d.lists_missed ?? 0), date: app.date(String(d.missing_from)) }));
  if ((e.type === "removed" || e.type === "pending_dropped") && d.last_listed)
    parts.push(app.t("event.last_listed", { date: app.date(String(d.last_listed)) }));
  if (e.type === "appeared" && d.signed_on)
    parts.push(app.t("event.signed_on", { date: app.date(String(d.signed_on)) }));
  if (e.type === "pending_signed" && d.days_pending !== undefined)
    parts.push(app.t("event.days_pending", { n: Number(d.days_pending) }));
  if (e.type === "list_quarantined" && d.reason) parts.push(app.msg(String(d.reason)));
  if (e.type === "list_kind_mismatch") parts.push(`${String(d.file_name_says)} → ${String(d.content_is)}`);
  return parts.join("; ");
}

export function EventLine({
  e,
  showAgency = true,
  showDate = true,
}: {
  e: EventItem;
  showAgency?: boolean;
  showDate?: boolean;
}) {
  const app = useApp();
  const text = eventText(app, e);
  const model = e.agreement_id?.split("/")[1]?.toUpperCase();
  return (
    <li class={`event event-${e.category}`}>
      {showDate ? <span class="event-date">{app.date(e.date)}</span> : null}{" "}
      <span class="event-type">{app.tv("event", e.type)}</span>
      {showAgency && e.agency_id ? (
        <>
          {": "}
          <a href={app.link(`/agency/${e.agency_id}`)}>{e.agency ?? e.agency_id}</a>
          {e.state ? ` (${e.state})` : ""}
        </>
      ) : null}
      {model ? <span class="event-model"> · {model}</span> : null}
      {text ? <span class="event-detail"> — {text}</span> : null}
      {e.list ? (
        <span class="event-source">
          {" "}
          [{e.list}
          {e.row !== null ? `, ${app.t("common.row").toLowerCase()} ${e.row}` : ""}]
        </span>
      ) : null}
    </li>
  );
}
