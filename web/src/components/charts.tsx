// The chart the home and state pages share: agreements listed over time, stacked by model, with
// its table twin through <Figure>.
import { useApp } from "../app.js";
import { MODELS, type TimelinePointItem } from "../data-types.js";
import { StackedArea } from "./StackedArea.js";
import { DataTable, Figure } from "./ui.js";

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
        { key: "agreements", label: app.t("common.total"), numeric: true, render: (p) => app.num(p.agreements) },
        ...MODELS.map((m) => ({ key: m, label: m, numeric: true, render: (p: TimelinePointItem) => app.num(p[m]) })),
        { key: "agencies", label: app.t("common.agencies"), numeric: true, render: (p) => app.num(p.agencies) },
      ]}
    />
  );
  return <Figure title={title} desc={desc} chart={chart} table={table} embedPath={embedPath} />;
}
