// The index of states: agreements listed now, per 100,000 residents, ever listed, the state's law
// in effect, and a sparkline of the agreements listed at the end of each month, with its numbers
// in the table beside it (the sparkline's twin is the "trend" column and a table by month).
import type { AgreementsFile, StateItem, StatesFile } from "@domain";
import { useMemo } from "preact/hooks";
import { useApp } from "../app.js";
import { countColumn, stateColumn } from "../components/columns.js";
import { DataTable, Ready, Twin } from "../components/ui.js";
import { useAll } from "../data.js";
import { activeOn, cmp } from "../lib.js";

const SORTS = ["state", "active", "per_100k", "ever"] as const;

/** Month ends from the first list's month to the latest list (the latest list closes the last month). */
export function monthEnds(first: string, latest: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  for (;;) {
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (end >= latest) {
      out.push(latest);
      return out;
    }
    out.push(end);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** Per state, the agreements listed on each month end, from the replayed listing periods. */
export function monthlyByState(a: AgreementsFile, first: string): { days: string[]; by: Map<string, number[]> } {
  const days = monthEnds(first, a.latest_list);
  const by = new Map<string, number[]>();
  for (const r of a.rows) {
    let row = by.get(r.state);
    if (!row) {
      row = days.map(() => 0);
      by.set(r.state, row);
    }
    const counts = row;
    days.forEach((d, i) => {
      if (activeOn(r.periods, d)) counts[i] = (counts[i] ?? 0) + 1;
    });
  }
  return { days, by };
}

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 120;
  const h = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(" ");
  return (
    <svg class="sparkline" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label}>
      <polyline points={pts} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export default function States() {
  const v = useAll<[StatesFile, AgreementsFile]>(["states.json", "agreements.json"]);
  return (
    <Ready v={v} what="states.json">
      {([s, a]) => <Index states={s} agreements={a} />}
    </Ready>
  );
}

function Index({ states, agreements }: { states: StatesFile; agreements: AgreementsFile }) {
  const app = useApp();
  const first = useMemo(
    () => agreements.rows.map((r) => r.first_listed).sort()[0] ?? agreements.latest_list,
    [agreements],
  );
  const trend = useMemo(() => monthlyByState(agreements, first), [agreements, first]);
  const sort = (SORTS as readonly string[]).includes(app.q("sort")) ? app.q("sort") : "active";
  const dir = app.q("dir") === "asc" ? "asc" : sort === "state" && !app.q("dir") ? "asc" : "desc";
  const rows = useMemo(() => {
    const sign = dir === "asc" ? 1 : -1;
    const name = (s: StateItem) => app.stateName(s.state);
    return [...states.rows].sort((a, b) =>
      sort === "state"
        ? sign * a.state.localeCompare(b.state) || cmp(name(a), name(b))
        : sign * cmp(a[sort as "active"] ?? -1, b[sort as "active"] ?? -1) || cmp(a.state, b.state),
    );
  }, [states, sort, dir, app.lang]);
  const onSort = (k: string) =>
    app.setQuery(
      { sort: k === "active" ? null : k, dir: sort === k && dir === "desc" ? "asc" : null },
      { replace: true },
    );
  const firstMonth = trend.days[0] ?? first;
  const total = states.rows.reduce((n, s) => n + s.active, 0);

  return (
    <>
      <h1>{app.t("states.title")}</h1>
      <p class="lead">
        {app.t("states.intro", {
          n: app.num(states.rows.filter((s) => s.active > 0).length),
          total: app.num(total),
          date: app.date(states.latest_list),
        })}
      </p>
      <DataTable
        caption={app.t("states.caption", { date: app.date(states.latest_list) })}
        rows={rows}
        rowKey={(s) => s.state}
        sort={{ key: sort, dir }}
        onSort={onSort}
        columns={[
          { ...stateColumn(app), sortable: true },
          { ...countColumn(app, "active", app.t("states.active")), sortable: true },
          {
            key: "per_100k",
            label: app.t("common.per_100k_short"),
            numeric: true,
            sortable: true,
            render: (s) => app.num(s.per_100k, 1),
          },
          { ...countColumn(app, "ever", app.t("states.ever")), sortable: true },
          {
            key: "law",
            label: app.t("states.law"),
            render: (s) => (s.policies.length ? s.policies.map((k) => app.tv("policy", k)).join(", ") : "–"),
          },
          {
            key: "trend",
            label: app.t("states.trend", { date: app.monthYear(new Date(`${firstMonth}T00:00:00Z`)) }),
            render: (s) => {
              const values = trend.by.get(s.state) ?? trend.days.map(() => 0);
              const from = values[0] ?? 0;
              const to = values.at(-1) ?? 0;
              const text = app.t("states.trend_text", { from: app.num(from), to: app.num(to) });
              return (
                <span class="trend">
                  <Sparkline values={values} label={text} />
                  <span class="trend-text" aria-hidden="true">
                    {text}
                  </span>
                </span>
              );
            },
          },
        ]}
      />
      <Twin summary={app.t("states.by_month")}>
        <DataTable
          caption={app.t("states.by_month_caption")}
          rows={trend.days.map((d, i) => ({ d, i }))}
          rowKey={(r) => r.d}
          columns={[
            { key: "d", label: app.t("common.date"), date: true, render: (r) => app.date(r.d) },
            ...rows
              .filter((s) => s.ever > 0)
              .map((s) => ({
                key: s.state,
                label: s.state,
                numeric: true,
                render: (r: { i: number }) => app.num(trend.by.get(s.state)?.[r.i] ?? 0),
              })),
          ]}
        />
      </Twin>
      <p class="note">{app.t("states.note")}</p>
    </>
  );
}
