// A small stacked step-area chart in plain SVG: agreements listed over time, by model. The home
// page draws it without Observable Plot, which keeps the first page's script small; the numbers
// are in the table twin beside it.
import { MODELS, type TimelinePointItem } from "@domain";
import { useApp } from "../app.js";
import { MODEL_COLOURS } from "../palette.js";
import { useWidth } from "./use-width.js";

const utc = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** 1, 2 or 5 × 10^k: a step that gives about `count` ticks up to max. */
function niceStep(max: number, count: number): number {
  const raw = max / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function StackedArea({ points, label }: { points: TimelinePointItem[]; label: string }) {
  const app = useApp();
  const [ref, width] = useWidth(280);
  if (!points.length) return <div ref={ref} />;
  const height = Math.max(220, Math.min(360, Math.round(width * 0.42)));
  const m = { top: 12, right: 16, bottom: 28, left: 52 };
  const x0 = utc((points[0] as TimelinePointItem).date);
  // The last point holds for one more step, so the latest value shows as a step of its own.
  const last = utc((points[points.length - 1] as TimelinePointItem).date);
  const x1 = last + (last - x0) / Math.max(1, points.length - 1);
  const max = Math.max(1, ...points.map((p) => p.JEM + p.TFM + p.WSO));
  // Counts: never a tick between two whole numbers.
  const step = Math.max(1, niceStep(max, 5));
  const top = Math.ceil(max / step) * step;
  const sx = (t: number) => m.left + ((t - x0) / Math.max(1, x1 - x0)) * (width - m.left - m.right);
  const sy = (v: number) => height - m.bottom - (v / top) * (height - m.top - m.bottom);
  // Each point holds until the next one: a step after it, stacked JEM, TFM, WSO from the bottom.
  const layers = MODELS.map((model, k) => {
    const below = (p: TimelinePointItem) => MODELS.slice(0, k).reduce((a, mm) => a + p[mm], 0);
    let upper = "";
    let lower = "";
    points.forEach((p, i) => {
      const xa = sx(utc(p.date));
      const next = points[i + 1];
      const xb = next ? sx(utc(next.date)) : sx(x1);
      const yTop = sy(below(p) + p[model]);
      const yBot = sy(below(p));
      upper += `${i ? "L" : "M"}${xa.toFixed(1)},${yTop.toFixed(1)}L${xb.toFixed(1)},${yTop.toFixed(1)}`;
      lower = `L${xb.toFixed(1)},${yBot.toFixed(1)}L${xa.toFixed(1)},${yBot.toFixed(1)}${lower}`;
    });
    return { model, d: `${upper}${lower}Z` };
  });
  const yTicks: number[] = [];
  for (let v = 0; v <= top; v += step) yTicks.push(v);
  const years: number[] = [];
  const y0 = new Date(x0).getUTCFullYear();
  const yEnd = new Date(x1).getUTCFullYear();
  const every = width < 480 ? 2 : 1;
  for (let y = y0 + 1; y <= yEnd; y += every) years.push(Date.UTC(y, 0, 1));
  return (
    <div ref={ref} class="stacked">
      <ul class="legend" aria-hidden="true">
        {MODELS.map((mm) => (
          <li key={mm}>
            <span class="swatch" style={{ background: MODEL_COLOURS[mm] }} />
            {app.tv("model", mm)}
          </li>
        ))}
      </ul>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <g class="grid">
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={m.left} x2={width - m.right} y1={sy(v)} y2={sy(v)} stroke="#e3e3e3" />
              <text x={m.left - 6} y={sy(v)} dy="0.32em" text-anchor="end" font-size="11" fill="#444">
                {app.num(v)}
              </text>
            </g>
          ))}
        </g>
        {layers.map((l) => (
          <path key={l.model} d={l.d} fill={MODEL_COLOURS[l.model]} />
        ))}
        <line x1={m.left} x2={width - m.right} y1={sy(0)} y2={sy(0)} stroke="#333" />
        {years.map((t) => (
          <g key={t}>
            <line x1={sx(t)} x2={sx(t)} y1={sy(0)} y2={sy(0) + 5} stroke="#333" />
            <text x={sx(t)} y={height - m.bottom + 18} text-anchor="middle" font-size="11" fill="#444">
              {new Date(t).getUTCFullYear()}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
