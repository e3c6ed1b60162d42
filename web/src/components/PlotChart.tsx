// Draws an Observable Plot chart into the page at the container's width and redraws it on resize.
// Plot (about 110 kB gzipped) is fetched only when a chart that needs it is drawn; the site's own
// charts are small SVG (charts.tsx, StackedArea.tsx), so no page loads it today.
import type * as PlotNs from "@observablehq/plot";
import { useEffect, useRef } from "preact/hooks";

export type PlotModule = typeof PlotNs;

export function PlotChart({ make, deps }: { make: (P: PlotModule, width: number) => Element; deps: unknown[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let live = true;
    let ro: ResizeObserver | null = null;
    import("@observablehq/plot").then((Plot) => {
      if (!live) return;
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
      ro = new ResizeObserver(draw);
      ro.observe(el);
    });
    return () => {
      live = false;
      ro?.disconnect();
    };
  }, deps);
  return <div ref={ref} class="plot" />;
}
