// Changes: one entry per list ICE published, newest first. Real changes (agreements in and out)
// are listed apart from relabels, typo fixes and re-dated rows; quarantined lists are shown with
// the reason they were not applied.
import { useMemo } from "preact/hooks";
import { useApp } from "../app.js";
import { EventLine } from "../components/events.js";
import { Downloads, Ready } from "../components/ui.js";
import { useData } from "../data.js";
import type { ChangesFile, EventCategory, ListChanges } from "../data-types.js";

const CATEGORIES: EventCategory[] = ["change", "fix", "pending", "moa", "list"];
const DEFAULT_SHOW: EventCategory[] = ["change", "fix", "list"];
const PER_PAGE = 20;

export default function Changes() {
  const v = useData<ChangesFile>("changes.json");
  return (
    <Ready v={v} what="changes.json">
      {(d) => <ChangesView d={d} />}
    </Ready>
  );
}

function ChangesView({ d }: { d: ChangesFile }) {
  const app = useApp();
  const showParam = app.q("show");
  const show = new Set<EventCategory>(
    showParam
      ? (showParam.split(",").filter((c) => (CATEGORIES as string[]).includes(c)) as EventCategory[])
      : DEFAULT_SHOW,
  );
  const lists = useMemo(
    () => d.lists.filter((l) => l.status !== "applied" || l.events.some((e) => show.has(e.category))),
    [d, showParam],
  );
  const pages = Math.max(1, Math.ceil(lists.length / PER_PAGE));
  const page = Math.min(pages, Math.max(1, Number(app.q("page", "1")) || 1));
  const slice = lists.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const toggle = (c: EventCategory) => {
    const next = new Set(show);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    const val = CATEGORIES.filter((x) => next.has(x)).join(",");
    app.setQuery({ show: val === DEFAULT_SHOW.join(",") ? null : val || "none", page: null }, { replace: true });
  };
  return (
    <>
      <h1>{app.t("changes.title")}</h1>
      <p class="lead">{app.t("changes.intro")}</p>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>{app.t("changes.show")}</legend>
          {CATEGORIES.map((c) => (
            <label key={c}>
              <input type="checkbox" checked={show.has(c)} onChange={() => toggle(c)} /> {app.tv("category", c)}
            </label>
          ))}
        </fieldset>
      </form>
      <p class="muted">{app.t("changes.quiet", { n: app.num(d.quiet_lists) })}</p>
      {slice.length ? (
        slice.map((l) => <ListEntry key={`${l.date}|${l.file}`} l={l} show={show} />)
      ) : (
        <p>{app.t("changes.none_shown")}</p>
      )}
      <nav class="pager" aria-label={app.t("changes.page", { from: 1, to: pages, total: lists.length })}>
        {page > 1 ? (
          <a href={app.link("/changes", { show: showParam || null, page: page - 1 === 1 ? null : page - 1 })}>
            ← {app.t("changes.newer")}
          </a>
        ) : null}
        <span>
          {app.t("changes.page", {
            from: app.num((page - 1) * PER_PAGE + 1),
            to: app.num(Math.min(lists.length, page * PER_PAGE)),
            total: app.num(lists.length),
          })}
        </span>
        {page < pages ? (
          <a href={app.link("/changes", { show: showParam || null, page: page + 1 })}>{app.t("changes.older")} →</a>
        ) : null}
      </nav>
      <Downloads
        files={[
          { label: "changes.json", path: "changes.json" },
          { label: "changes.csv", path: "changes.csv" },
        ]}
      />
    </>
  );
}

function ListEntry({ l, show }: { l: ListChanges; show: Set<EventCategory> }) {
  const app = useApp();
  const real = l.events.filter((e) => show.has(e.category) && e.category !== "fix");
  const fixes = l.events.filter((e) => show.has(e.category) && e.category === "fix");
  return (
    <article class={`card list-entry list-${l.status}`}>
      <h2>
        {app.t("changes.list_heading", { kind: app.tv("kind", l.kind), date: app.date(l.date) })}
        {l.status !== "applied" ? <span class="status status-quarantined"> {app.tv("status", l.status)}</span> : null}
      </h2>
      <p class="muted">
        <code>{l.file}</code> ·{" "}
        {app.t("changes.counts", {
          change: l.counts.change,
          pending: l.counts.pending,
          fix: l.counts.fix,
          moa: l.counts.moa,
        })}
      </p>
      {l.reason ? <p class="quarantine">{app.t("changes.quarantine_reason", { reason: l.reason })}</p> : null}
      {real.length ? (
        <>
          <h3>{app.t("changes.real")}</h3>
          <ul class="events">
            {real.map((e) => (
              <EventLine key={e.seq} e={e} showDate={false} />
            ))}
          </ul>
        </>
      ) : null}
      {fixes.length ? (
        <>
          <h3>{app.t("changes.fixes")}</h3>
          <ul class="events">
            {fixes.map((e) => (
              <EventLine key={e.seq} e={e} showDate={false} />
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}
