// The width of a chart's container, kept as it resizes: the plain-SVG charts draw at that width.
import { useEffect, useRef, useState } from "preact/hooks";

/** A ref for the container and its width in whole pixels, never below `min` (720 before it is measured). */
export function useWidth(min: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const on = () => setWidth(Math.max(min, Math.floor(el.clientWidth)));
    on();
    const ro = new ResizeObserver(on);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}
