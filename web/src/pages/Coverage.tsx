// Coverage: the residents who live where at least one agreement applies. A statewide agency
// covers its state, a county-wide one its county, and each person counts once however many
// agreements overlap. Read from the API's coverage resource (a static file in the built site too).
import type { CoverageResult, CoverageRow } from "@domain";
import { useApp } from "../app.js";
import { countColumn, populationColumn, stateColumn } from "../components/columns.js";
import { DataTable, Figure, Section, Stat, WithFile } from "../components/ui.js";
import { cmp } from "../lib.js";

type Row = CoverageRow;
export type CoverageData = Pick<CoverageResult, "as_of" | "national" | "rows">;

export const COVERAGE_PATH = "../api/v1/coverage.json";

export default function Coverage() {
  return (
    <WithFile<CoverageData> path={COVERAGE_PATH} what="api/v1/coverage.json">
      {(d) => <CoverageView c={d} />}
    </WithFile>
  );
}

function ShareBars({ rows }: { rows: Row[] }) {
  const app = useApp();
  const h = 16;
  return (
    <svg viewBox={`0 0 600 ${rows.length * h}`} class="bars" role="img" aria-hidden="true">
      {rows.map((r, i) => (
        <g key={r.key} transform={`translate(0 ${i * h})`}>
          <text x="0" y={h - 4} font-size="11">
            {r.key}
          </text>
          <rect
            x="34"
            y="2"
            width={Math.max(0.5, (r.share ?? 0) * 460)}
            height={h - 4}
            fill={r.statewide ? "#0b4f8a" : "#5a9bd0"}
          />
          <text x={40 + (r.share ?? 0) * 460} y={h - 4} font-size="11">
            {app.num((r.share ?? 0) * 100, 1)}%
          </text>
        </g>
      ))}
    </svg>
  );
}

function CoverageView({ c }: { c: CoverageData }) {
  const app = useApp();
  const n = c.national;
  const pct = (x: number | null) => (x === null ? "–" : `${app.num(x * 100, 1)}%`);
  const rows = [...c.rows].sort((a, b) => cmp(b.share ?? -1, a.share ?? -1) || cmp(a.key, b.key));
  return (
    <>
      <h1>{app.t("coverage.title")}</h1>
      <p class="lead">{app.t("coverage.intro", { date: app.date(c.as_of) })}</p>
      <dl class="stats">
        <Stat
          label={app.t("coverage.covered")}
          value={app.num(n.covered)}
          note={app.t("coverage.of_population", { share: pct(n.share), population: app.num(n.population) })}
        />
        <Stat label={app.t("coverage.without_statewide")} value={app.num(n.covered_without_statewide)} />
        <Stat label={app.t("coverage.upper_bound")} value={app.num(n.upper_bound_with_local)} />
        <Stat label={app.t("coverage.counties")} value={app.num(n.counties_covered)} />
      </dl>
      <Figure
        title={app.t("coverage.chart_title")}
        desc={app.t("coverage.chart_desc")}
        chart={<ShareBars rows={rows.filter((r) => r.share !== null)} />}
        table={
          <DataTable
            caption={app.t("coverage.table_caption", { date: app.date(c.as_of) })}
            rows={rows}
            rowKey={(r) => r.key}
            columns={[
              stateColumn(app, "key"),
              populationColumn(app),
              countColumn(app, "covered", app.t("coverage.covered_short")),
              { key: "share", label: app.t("coverage.share"), numeric: true, render: (r) => pct(r.share) },
              {
                key: "statewide",
                label: app.t("coverage.statewide"),
                render: (r) => (r.statewide ? app.t("common.yes") : app.t("common.no")),
              },
              {
                key: "counties",
                label: app.t("coverage.counties_short"),
                numeric: true,
                render: (r) => app.num(r.counties_covered),
              },
              {
                key: "local",
                label: app.t("coverage.local"),
                numeric: true,
                render: (r) => app.num(r.agreements.local),
              },
            ]}
          />
        }
      />
      <Section id="c-how" title={app.t("coverage.how")}>
        <ul>
          <li>{app.t("coverage.note_statewide")}</li>
          <li>{app.t("coverage.note_county")}</li>
          <li>{app.t("coverage.note_local")}</li>
          <li>{app.t("coverage.note_population")}</li>
        </ul>
      </Section>
    </>
  );
}
