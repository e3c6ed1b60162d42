// Funnel: applications seen on ICE's pending lists, how many signed and how fast, what the signed
// agreements became, and which applications were dropped. Read from the API's funnel resource
// (`api/v1/funnel.json`, a static file in the built site too), drawn as bars with a table twin.
import type { FunnelResult } from "@domain";
import { useApp } from "../app.js";
import { agencyColumn, countColumn, valueColumn } from "../components/columns.js";
import { DataTable, Figure, Section, WithFile } from "../components/ui.js";
import { cmp } from "../lib.js";

export type FunnelData = FunnelResult;

/** The API envelope, fetched beside data/ (`data/../api/…` is `api/…` on serve and on a static copy). */
export const FUNNEL_PATH = "../api/v1/funnel.json";

export default function Funnel() {
  return (
    <WithFile<{ data: FunnelData; latest_list: string }> path={FUNNEL_PATH} what="api/v1/funnel.json">
      {(d) => <FunnelView f={d.data} />}
    </WithFile>
  );
}

function Bars({ rows }: { rows: { label: string; n: number; tone: string }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  const h = 44;
  // The label sits above its bar, so a long Spanish label never runs off the chart.
  return (
    <svg viewBox={`0 0 420 ${rows.length * h}`} class="bars" role="img" aria-hidden="true">
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0 ${i * h})`}>
          <text x="0" y="15" font-size="15">
            {r.label}
          </text>
          <rect x="0" y="21" width={Math.max(1, (r.n / max) * 420)} height="16" fill={r.tone} />
        </g>
      ))}
    </svg>
  );
}

function FunnelView({ f }: { f: FunnelData }) {
  const app = useApp();
  const a = f.applications;
  const s = f.signed_agreements;
  const stages = [
    { key: "funnel.ever_pending", n: a.ever_pending.count, tone: "#0b4f8a" },
    { key: "funnel.signed", n: a.signed.count, tone: "#2a7ab9" },
    { key: "funnel.signed_active", n: s.active.count, tone: "#5a9bd0" },
    { key: "funnel.signed_removed", n: s.removed.count + s.pending_removal.count, tone: "#b55d2a" },
    { key: "funnel.dropped", n: a.dropped.count, tone: "#8a8a8a" },
    { key: "funnel.still_pending", n: a.still_pending.count, tone: "#c7a23a" },
  ] as const;
  const q = f.time_to_sign_days;
  const never = [...f.never_signed].sort((x, y) => cmp(x.state, y.state) || cmp(x.agency, y.agency));
  return (
    <>
      <h1>{app.t("funnel.title")}</h1>
      <p class="lead">
        {app.t("funnel.intro", {
          first: app.date(f.pending_lists.first),
          latest: app.date(f.pending_lists.latest),
        })}
      </p>
      <Figure
        title={app.t("funnel.chart_title")}
        desc={app.t("funnel.chart_desc")}
        chart={<Bars rows={stages.map((x) => ({ label: `${app.t(x.key)}: ${app.num(x.n)}`, n: x.n, tone: x.tone }))} />}
        table={
          <DataTable
            caption={app.t("funnel.chart_title")}
            rows={[...stages]}
            rowKey={(x) => x.key}
            columns={[
              { key: "stage", label: app.t("funnel.stage"), render: (x) => app.t(x.key) },
              countColumn(app, "n", app.t("common.agreements")),
            ]}
          />
        }
      />
      <Section id="f-time" title={app.t("funnel.time_title")}>
        <p>
          {app.t("funnel.time_text", {
            median: app.num(q.to_first_listing.median),
            q1: app.num(q.to_first_listing.q1),
            q3: app.num(q.to_first_listing.q3),
          })}
        </p>
        <DataTable
          caption={app.t("funnel.time_caption")}
          rows={[
            { k: "funnel.to_first_listing", v: q.to_first_listing },
            { k: "funnel.to_signed_date", v: q.to_signed_date },
          ]}
          rowKey={(r) => r.k}
          columns={[
            { key: "k", label: app.t("funnel.measure"), render: (r) => app.t(r.k as "funnel.to_signed_date") },
            { key: "n", label: app.t("funnel.n"), numeric: true, render: (r) => app.num(r.v.n) },
            { key: "q1", label: app.t("funnel.q1"), numeric: true, render: (r) => app.num(r.v.q1) },
            { key: "median", label: app.t("funnel.median"), numeric: true, render: (r) => app.num(r.v.median) },
            { key: "q3", label: app.t("funnel.q3"), numeric: true, render: (r) => app.num(r.v.q3) },
            { key: "max", label: app.t("funnel.max"), numeric: true, render: (r) => app.num(r.v.max) },
          ]}
        />
        <p class="note">
          {app.t("funnel.notes", {
            first: app.num(f.on_first_pending_list),
            negative: app.num(q.to_signed_date.negative),
            without: app.num(f.signed_without_pending_listing.count),
          })}
        </p>
      </Section>
      <Section id="f-never" title={app.t("funnel.never_title")}>
        <DataTable
          caption={app.t("funnel.never_caption", { n: app.num(never.length) })}
          rows={never}
          rowKey={(r) => r.application_id}
          columns={[
            agencyColumn(app),
            { key: "state", label: app.t("common.state"), render: (r) => app.stateName(r.state) },
            valueColumn(app, "model", app.t("common.model")),
            {
              key: "first",
              label: app.t("funnel.pending_from"),
              date: true,
              render: (r) => app.date(r.first_listed),
            },
            { key: "last", label: app.t("funnel.pending_to"), date: true, render: (r) => app.date(r.last_listed) },
          ]}
        />
      </Section>
    </>
  );
}
