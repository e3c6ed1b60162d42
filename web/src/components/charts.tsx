// The small SVG charts: agreements listed over time, stacked by model, with its table twin
// through <Figure> (home and state pages), and an agency's listed periods (agency page).
import { MODELS, type TimelinePointItem } from "@domain";
import { useApp } from "../app.js";
import { MODEL_COLOURS } from "../palette.js";
import { countColumn } from "./columns.js";
import { StackedArea } from "./StackedArea.js";
import { DataTable, Figure } from "./ui.js";
import { useWidth } from "./use-width.js";

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

export function TimelineFigure({
  points,
  title,
  desc,
  embedPath,
}: {
  points: TimelinePointItem[];
  title: string;
  desc?: string;
  embedPath?: string;
}) {
  const app = useApp();
  const chart = <StackedArea points={points} label={desc ? `${title}. ${desc}` : title} />;
  const table = (
    <DataTable
      caption={app.t("table.caption_timeline")}
      rows={points}
      rowKey={(p) => p.date}
      columns={[
        {
          key: "month",
          label: app.t("common.month"),
          render: (p) => (p.month ? app.monthYear(utc(p.date)) : app.date(p.date)),
        },
        countColumn(app, "agreements", app.t("common.total")),
        ...MODELS.map((m) => countColumn(app, m, m)),
        countColumn(app, "agencies", app.t("common.agencies")),
      ]}
    />
  );
  return <Figure title={title} desc={desc} chart={chart} table={table} embedPath={embedPath} />;
}

export interface Period {
  label: string;
  model: string;
  start: string;
  end: string | null;
}

/**
 * When each agreement was listed: one row per agreement, a bar per listed period, in plain SVG
 * (Observable Plot would add about 110 kB gzipped to the agency page). Labels sit above their bars
 * so the chart keeps its full width on a phone.
 */
export function PeriodsChart({ periods, until, label }: { periods: Period[]; until: string; label: string }) {
  const [ref, width] = useWidth(240);
  if (!periods.length) return <div ref={ref} />;
  const rows = [...new Set(periods.map((p) => p.label))];
  const m = { top: 4, right: 12, bottom: 24, left: 8 };
  const rowH = 34;
  const height = m.top + rows.length * rowH + m.bottom;
  const t0 = Math.min(...periods.map((p) => utc(p.start).getTime()));
  const t1 = Math.max(utc(until).getTime(), ...periods.map((p) => utc(p.end ?? until).getTime()));
  // At least a month wide, so a single list still draws a visible bar.
  const span = Math.max(t1 - t0, 31 * 86_400_000);
  const sx = (t: number) => m.left + ((t - t0) / span) * (width - m.left - m.right);
  const years: number[] = [];
  const yFirst = new Date(t0).getUTCFullYear() + 1;
  const yLast = new Date(t0 + span).getUTCFullYear();
  const every = Math.max(1, Math.ceil((yLast - yFirst + 1) / Math.max(1, Math.floor(width / 70))));
  for (let y = yFirst; y <= yLast; y += every) years.push(Date.UTC(y, 0, 1));
  return (
    <div ref={ref} class="periods">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {rows.map((r, i) => {
          const y = m.top + i * rowH;
          return (
            <g key={r}>
              <text x={m.left} y={y + 11} font-size="12" fill="#222">
                {r}
              </text>
              {periods
                .filter((p) => p.label === r)
                .map((p) => {
                  const xa = sx(utc(p.start).getTime());
                  const xb = sx(utc(p.end ?? until).getTime());
                  return (
                    <rect
                      key={p.start}
                      x={xa}
                      y={y + 16}
                      width={Math.max(2, xb - xa)}
                      height={12}
                      fill={MODEL_COLOURS[p.model] ?? "#666"}
                    />
                  );
                })}
            </g>
          );
        })}
        <line x1={m.left} x2={width - m.right} y1={height - m.bottom} y2={height - m.bottom} stroke="#333" />
        {years.map((t) => (
          <g key={t}>
            <line x1={sx(t)} x2={sx(t)} y1={height - m.bottom} y2={height - m.bottom + 5} stroke="#333" />
            <text x={sx(t)} y={height - 6} text-anchor="middle" font-size="11" fill="#444">
              {new Date(t).getUTCFullYear()}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
