// Changes: one entry per list ICE published, newest first. Real changes (agreements in and out)
// are listed apart from relabels, typo fixes and re-dated rows; quarantined lists are shown with
// the reason they were not applied. The page loads a small index, then one month (by default the
// latest) or one state at a time, never the whole change log; model and kinds filter what is loaded.
import {
  type ChangesIndex,
  type ChangesMonthFile,
  type ChangesStateFile,
  type EventCategory,
  MODELS,
  type SplitList,
} from "@domain";
import { useMemo } from "preact/hooks";
import { useApp } from "../app.js";
import { EventLine } from "../components/events.js";
import { allChoice, FilterFields, stateChoices, valueChoices } from "../components/fields.js";
import { Downloads, Ready, WithFile } from "../components/ui.js";
import { missing, useData } from "../data.js";

const CATEGORIES: EventCategory[] = ["change", "fix", "pending", "moa", "list"];
const DEFAULT_SHOW: EventCategory[] = ["change", "fix", "list"];
const PER_PAGE = 20;
const MONTH = /^\d{4}-\d{2}$/;
const STATE = /^[A-Z]{2}$/;

export default function Changes() {
  return <WithFile<ChangesIndex> path="changes/index.json">{(idx) => <ChangesPart idx={idx} />}</WithFile>;
}

/** Picks the one file to load: the state's, else the month's (the latest month by default). */
function ChangesPart({ idx }: { idx: ChangesIndex }) {
  const app = useApp();
  const state = STATE.test(app.q("state")) ? app.q("state") : "";
  const asked = MONTH.test(app.q("month")) ? app.q("month") : "";
  const month = state ? asked : asked || (idx.months[0]?.month ?? "");
  const path = state ? `changes/state/${state}.json` : month ? `changes/month/${month}.json` : null;
  const v = useData<ChangesMonthFile | ChangesStateFile>(path);
  // A month or state with no changes has no file: shown as an empty selection, not an error.
  const none = !path || missing(v);
  return (
    <>
      <h1>{app.t("changes.title")}</h1>
      <p class="lead">{app.t("changes.intro")}</p>
      <Filters idx={idx} state={state} month={month} />
      {none ? (
        <p>{app.t("changes.none_shown")}</p>
      ) : (
        <Ready v={v} what={path}>
          {(d) => <ChangesView lists={d.lists} month={month} idx={idx} state={state} />}
        </Ready>
      )}
      <Downloads paths={["changes.json", "changes.csv"]} />
    </>
  );
}

function Filters({ idx, state, month }: { idx: ChangesIndex; state: string; month: string }) {
  const app = useApp();
  const model = app.q("model");
  const showParam = app.q("show");
  const show = showOf(showParam);
  const toggle = (c: EventCategory) => {
    const next = new Set(show);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    const val = CATEGORIES.filter((x) => next.has(x)).join(",");
    app.setQuery({ show: val === DEFAULT_SHOW.join(",") ? null : val || "none", page: null }, { replace: true });
  };
  // A state's changes can span every month; without a state, one month at a time.
  const months = [
    ...(state ? [{ value: "", label: app.t("changes.all_months") }] : []),
    ...idx.months.map((m) => ({ value: m.month, label: app.monthYear(new Date(`${m.month}-01T00:00:00Z`)) })),
  ];
  const feed = new URLSearchParams();
  if (state) feed.set("state", state);
  if (model) feed.set("model", model);
  const feedQs = feed.toString();
  return (
    <form class="controls" onSubmit={(e) => e.preventDefault()}>
      <FilterFields
        prefix="c-"
        values={{ state, month, model }}
        onChange={(k, v) => app.setQuery({ [k]: v || null, page: null }, { replace: true })}
        filters={[
          {
            key: "state",
            label: app.t("common.state"),
            choices: [
              allChoice(app),
              ...stateChoices(
                app,
                idx.states.map((s) => s.state),
              ),
            ],
          },
          { key: "month", label: app.t("common.month"), choices: months },
          {
            key: "model",
            label: app.t("common.model"),
            choices: [allChoice(app), ...valueChoices(app, "model", MODELS)],
          },
        ]}
      />
      <fieldset>
        <legend>{app.t("changes.show")}</legend>
        {CATEGORIES.map((c) => (
          <label key={c}>
            <input type="checkbox" checked={show.has(c)} onChange={() => toggle(c)} /> {app.tv("category", c)}
          </label>
        ))}
      </fieldset>
      <p class="feed-link">
        <a href={`feeds/changes.atom${feedQs ? `?${feedQs}` : ""}`} type="application/atom+xml">
          {app.t("changes.feed")}
        </a>
      </p>
    </form>
  );
}

const showOf = (showParam: string) =>
  new Set<EventCategory>(
    showParam
      ? (showParam.split(",").filter((c) => (CATEGORIES as string[]).includes(c)) as EventCategory[])
      : DEFAULT_SHOW,
  );

function ChangesView({
  lists: all,
  month,
  idx,
  state,
}: {
  lists: SplitList[];
  month: string;
  idx: ChangesIndex;
  state: string;
}) {
  const app = useApp();
  const showParam = app.q("show");
  const model = MODELS.find((m) => m === app.q("model")) ?? "";
  const show = showOf(showParam);
  const lists = useMemo(
    () =>
      all
        .filter((l) => !month || l.date.startsWith(month))
        .map((l) => (model ? { ...l, events: l.events.filter((e) => e.model === model) } : l))
        .filter((l) => l.status !== "applied" || l.events.some((e) => show.has(e.category))),
    [all, month, model, showParam],
  );
  const pages = Math.max(1, Math.ceil(lists.length / PER_PAGE));
  const page = Math.min(pages, Math.max(1, Number(app.q("page", "1")) || 1));
  const slice = lists.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  // Without a state, older and newer go month by month (one file each).
  const at = idx.months.findIndex((m) => m.month === month);
  const older = !state && at >= 0 ? idx.months[at + 1]?.month : undefined;
  const newer = !state && at > 0 ? idx.months[at - 1]?.month : undefined;
  const keep = { show: showParam || null, model: model || null, state: state || null };
  return (
    <>
      <p class="muted">{app.t("changes.quiet", { n: app.num(idx.quiet_lists) })}</p>
      {slice.length ? (
        slice.map((l) => <ListEntry key={`${l.date}|${l.file}`} l={l} show={show} />)
      ) : (
        <p>{app.t("changes.none_shown")}</p>
      )}
      <nav class="pager" aria-label={app.t("changes.page", { from: 1, to: pages, total: lists.length })}>
        {page > 1 ? (
          <a href={app.link("/changes", { ...keep, month: month || null, page: page - 1 === 1 ? null : page - 1 })}>
            ← {app.t("changes.newer")}
          </a>
        ) : newer ? (
          <a href={app.link("/changes", { ...keep, month: newer })}>← {app.t("changes.newer")}</a>
        ) : null}
        <span>
          {app.t("changes.page", {
            from: app.num(lists.length ? (page - 1) * PER_PAGE + 1 : 0),
            to: app.num(Math.min(lists.length, page * PER_PAGE)),
            total: app.num(lists.length),
          })}
        </span>
        {page < pages ? (
          <a href={app.link("/changes", { ...keep, month: month || null, page: page + 1 })}>
            {app.t("changes.older")} →
          </a>
        ) : older ? (
          <a href={app.link("/changes", { ...keep, month: older })}>{app.t("changes.older")} →</a>
        ) : null}
      </nav>
    </>
  );
}

/** A titled group of a list's events, left out when empty. */
function Events({ title, events }: { title: string; events: SplitList["events"] }) {
  if (!events.length) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul class="events">
        {events.map((e) => (
          <EventLine key={e.seq} e={e} showDate={false} />
        ))}
      </ul>
    </>
  );
}

function ListEntry({ l, show }: { l: SplitList; show: Set<EventCategory> }) {
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
        <code class="file-name">{l.file}</code> ·{" "}
        {app.t("changes.counts", {
          change: l.counts.change,
          pending: l.counts.pending,
          fix: l.counts.fix,
          moa: l.counts.moa,
        })}
      </p>
      {l.reason ? (
        <p class="quarantine">{app.t("changes.quarantine_reason", { reason: app.msg(l.reason, l.reason_msg) })}</p>
      ) : null}
      <Events title={app.t("changes.real")} events={real} />
      <Events title={app.t("changes.fixes")} events={fixes} />
    </article>
  );
}
