// Draws an Observable Plot chart into the page at the container's width and redraws it on resize.
// Plot is imported only by the pages that draw charts, so it stays out of the first bundle.
import * as Plot from "@observablehq/plot";
import { useEffect, useRef } from "preact/hooks";

export type PlotModule = typeof Plot;

export function PlotChart({ make, deps }: { make: (P: PlotModule, width: number) => Element; deps: unknown[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let lastWidth = 0;
    const draw = () => {
      const width = Math.max(280, Math.floor(el.clientWidth));
      if (width === lastWidth) return;
      lastWidth = width;
      const chart = make(Plot, width);
      // One accessible image per chart, named by its ariaLabel; the numbers are in the table twin.
      // Plot labels its mark groups ("bar"), which ARIA forbids on a <g> without a role.
      const svg = chart.tagName.toLowerCase() === "svg" ? chart : chart.querySelector("svg");
      svg?.setAttribute("role", "img");
      for (const g of chart.querySelectorAll("g[aria-label]")) g.removeAttribute("aria-label");
      el.replaceChildren(chart);
    };
    draw();
    const ro = new ResizeObserver(draw);
    ro.observe(el);
    return () => ro.disconnect();
  }, deps);
  return <div ref={ref} class="plot" />;
}
