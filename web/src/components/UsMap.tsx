// A choropleth of U.S. states or counties drawn with d3-geo from us-atlas (2017 Census outlines).
// The outline files are fetched only when a map is shown, never in the first bundle. States are
// links; counties are buttons when the page can show a county (tap, click, Enter or Space opens its
// panel, CountyPanel below). Either way every shape is keyboard-reachable and named for screen
// readers, a "skip the map" button jumps past them, and every map has a table twin beside it.
import type { AgreementItem } from "@domain";
import { type GeoProjection, geoAlbersUsa, geoCentroid, geoMercator, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countiesUrl from "us-atlas/counties-10m.json?url";
import statesUrl from "us-atlas/states-10m.json?url";
import { useApp } from "../app.js";
import { ModelBadge } from "./ui.js";

export interface Shape {
  id: string;
  name: string;
  d: string;
  /** Projected centroid, for moving between shapes with the arrow keys. */
  cx: number;
  cy: number;
}

interface Drawn {
  shapes: Shape[];
  /** State borders over the counties. */
  borders: string | null;
  width: number;
  height: number;
}

const topoCache = new Map<string, Promise<Topology>>();
function topology(url: string): Promise<Topology> {
  let p = topoCache.get(url);
  if (!p) {
    p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`map outlines: HTTP ${r.status}`);
      return r.json() as Promise<Topology>;
    });
    p.catch(() => topoCache.delete(url));
    topoCache.set(url, p);
  }
  return p;
}

const WIDTH = 975;
const HEIGHT = 610;
const drawnCache = new Map<string, Drawn>();

/** Projects the outlines once per level and state; colouring later only changes fills. */
function draw(topo: Topology, level: "state" | "county", stateFips: string | null): Drawn {
  const key = `${level}|${stateFips ?? ""}`;
  const hit = drawnCache.get(key);
  if (hit) return hit;
  const objects = topo.objects as Record<string, GeometryCollection<{ name: string }>>;
  const states = feature(topo, objects.states as GeometryCollection<{ name: string }>) as FeatureCollection<
    Geometry,
    { name: string }
  >;
  let features: Feature<Geometry, { name: string }>[];
  if (level === "state") features = states.features;
  else {
    const counties = feature(topo, objects.counties as GeometryCollection<{ name: string }>) as FeatureCollection<
      Geometry,
      { name: string }
    >;
    features = counties.features;
  }
  if (stateFips) features = features.filter((f) => String(f.id).slice(0, 2) === stateFips);
  let projection: GeoProjection = geoAlbersUsa()
    .scale(1300)
    .translate([WIDTH / 2, HEIGHT / 2]);
  let height = HEIGHT;
  if (stateFips) {
    const st = states.features.find((f) => String(f.id) === stateFips);
    // Albers USA places only the 50 states and DC; Puerto Rico (and any territory) would project to
    // nothing and draw NaN paths, so it gets a plain Mercator fitted to its own outline.
    const fitted = st && geoAlbersUsa()(geoCentroid(st)) === null ? geoMercator : geoAlbersUsa;
    if (st) {
      projection = fitted().fitExtent(
        [
          [10, 10],
          [WIDTH - 10, HEIGHT - 10],
        ],
        st,
      );
      // Trim the canvas to the state's own shape, so a tall or wide state is not lost in margin.
      const [[, y0], [, y1]] = geoPath(projection).bounds(st);
      height = Math.min(HEIGHT, Math.ceil(y1 - y0 + 20));
      projection = fitted().fitExtent(
        [
          [10, 10],
          [WIDTH - 10, height - 10],
        ],
        st,
      );
    }
  }
  const path = geoPath(projection);
  const shapes: Shape[] = [];
  for (const f of features) {
    const d = path(f);
    if (!d) continue;
    const [cx, cy] = path.centroid(f);
    shapes.push({ id: String(f.id), name: f.properties?.name ?? String(f.id), d, cx, cy });
  }
  let borders: string | null = null;
  if (level === "county") {
    const m = mesh(
      topo,
      objects.states as GeometryCollection,
      stateFips ? (a, b) => a === b && String(a.id) === stateFips : (a, b) => a !== b,
    );
    borders = path(m);
  }
  const drawn = { shapes, borders, width: WIDTH, height };
  drawnCache.set(key, drawn);
  return drawn;
}

export interface UsMapProps {
  level: "state" | "county";
  /** Only this state's counties (its FIPS code). */
  stateFips?: string | null;
  label: string;
  fill: (id: string) => string;
  title: (id: string, name: string) => string;
  /** A link for a shape (states), or null. */
  href?: (id: string) => string | null;
  /** Makes shapes without a link buttons that open something about them (a county's panel). */
  onSelect?: (id: string, name: string) => void;
  /** The shape now selected, drawn outlined. */
  selected?: string | null;
  onError?: (e: Error) => void;
}

/** Arrow keys as screen directions (y grows downwards). */
const DIRECTIONS: Record<string, [number, number]> = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowDown: [0, 1],
  ArrowUp: [0, -1],
};

/** The shape an arrow key moves to: the nearest centroid within 60° of that direction. */
function neighbour(shapes: Shape[], from: Shape, [ux, uy]: [number, number]): Shape | null {
  let best: Shape | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const t of shapes) {
    if (t === from) continue;
    const dx = t.cx - from.cx;
    const dy = t.cy - from.cy;
    const dist = Math.hypot(dx, dy);
    if (!dist) continue;
    const cos = (dx * ux + dy * uy) / dist;
    if (cos < 0.5) continue;
    // Straight ahead beats off to the side at the same distance.
    const score = dist * (1 + 2 * (1 - cos));
    if (score < bestScore) {
      bestScore = score;
      best = t;
    }
  }
  return best;
}

export function UsMap(p: UsMapProps) {
  const app = useApp();
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const moved = useRef(false);
  const [error, setError] = useState<string | null>(null);
  const url = p.level === "county" ? countiesUrl : statesUrl;
  const stateFips = p.stateFips ?? null;
  useEffect(() => {
    let live = true;
    topology(url).then(
      (topo) => live && setDrawn(draw(topo, p.level, stateFips)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [url, p.level, stateFips]);
  // The roving tab stop: the selected shape, else the last one moved to, else the first drawn.
  const focusId =
    drawn && p.onSelect
      ? ([p.selected, current].find((id) => id && drawn.shapes.some((s) => s.id === id)) ?? drawn.shapes[0]?.id ?? null)
      : null;
  const pick = (id: string, clicked: boolean) => {
    setCurrent(id);
    if (clicked) p.onSelect?.(id, drawn?.shapes.find((s) => s.id === id)?.name ?? id);
  };
  const paths = useMemo(() => {
    if (!drawn) return null;
    return drawn.shapes.map((s) => {
      const shape = (
        <path d={s.d} fill={p.fill(s.id)} class="shape">
          <title>{p.title(s.id, s.name)}</title>
        </path>
      );
      const href = p.href?.(s.id);
      const selected = p.selected === s.id ? " selected" : "";
      if (href)
        return (
          <a key={s.id} href={href} aria-label={p.title(s.id, s.name)} class={`shape-link${selected}`} data-id={s.id}>
            {shape}
          </a>
        );
      const select = p.onSelect;
      if (!select) return <g key={s.id}>{shape}</g>;
      // A roving tab stop: only the current shape is a button in the tab order (one Tab reaches
      // the map, arrow keys move, Enter or Space opens); every shape answers a tap or click.
      if (s.id !== focusId)
        return (
          <g key={s.id} class={`shape-link${selected}`} data-id={s.id}>
            {shape}
          </g>
        );
      return (
        // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>; role, tabindex and keys make it one
        <g
          key={s.id}
          role="button"
          // Lower case: on an SVG element the attribute is taken as written, and only `tabindex` counts.
          tabindex={0}
          aria-label={p.title(s.id, s.name)}
          aria-pressed={p.selected === s.id}
          aria-describedby="map-keys-help"
          class={`shape-link${selected}`}
          data-id={s.id}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === " ") {
              e.preventDefault();
              select(s.id, s.name);
            } else if (e.key in DIRECTIONS) {
              e.preventDefault();
              const next = neighbour(drawn.shapes, s, DIRECTIONS[e.key] as [number, number]);
              if (next) {
                moved.current = true;
                setCurrent(next.id);
              }
            }
          }}
        >
          {shape}
        </g>
      );
    });
  }, [drawn, p.fill, p.title, p.href, p.onSelect, p.selected, focusId]);
  const after = useRef<HTMLSpanElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  // After an arrow key, focus follows the new current shape.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    (svg.current?.querySelector('[role="button"][tabindex="0"]') as SVGGElement | null)?.focus();
  }, [focusId]);
  if (error) return <p class="error">{error}</p>;
  if (!drawn) return <div class="map-placeholder" style={{ aspectRatio: `${WIDTH} / ${HEIGHT}` }} />;
  const interactive = !!(p.href || p.onSelect);
  return (
    <div class="map-block">
      {interactive ? (
        // A button, not a link: with hash routes an in-page anchor would be read as a page.
        <button type="button" class="skip skip-map" onClick={() => after.current?.focus()}>
          {app.t("map.skip")}
        </button>
      ) : null}
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a <fieldset>; "group" names the set of shapes */}
      <svg
        ref={svg}
        class="map"
        viewBox={`0 0 ${drawn.width} ${drawn.height}`}
        role="group"
        aria-label={p.label}
        preserveAspectRatio="xMidYMid meet"
      >
        {/* biome-ignore lint/a11y/noStaticElementInteractions: one listener for every shape's tap or click; keys go through the roving button */}
        <g
          class={p.level === "state" ? "states" : "counties"}
          onClick={(e) => {
            const id = (e.target as Element).closest("[data-id]")?.getAttribute("data-id");
            if (id && p.onSelect) pick(id, true);
          }}
        >
          {paths}
        </g>
        {drawn.borders ? <path class="borders" d={drawn.borders} fill="none" /> : null}
      </svg>
      {p.onSelect ? (
        <span id="map-keys-help" class="sr-only">
          {app.t("map.keys_help")}
        </span>
      ) : null}
      <span class="map-end" ref={after} tabIndex={-1} />
    </div>
  );
}

export interface CountyPanelProps {
  /** `Hillsborough County, FL`. */
  name: string;
  state: string;
  /** What "Am I covered?" is asked for this county. */
  lookupQ: string;
  /** The county's agreements listed on `date`. */
  agreements: AgreementItem[];
  date: string;
  onClose: () => void;
}

/** What a county holds on a date: its agencies and their models, with links to each and to the lookup. */
export function CountyPanel(p: CountyPanelProps) {
  const app = useApp();
  const byAgency = new Map<string, { name: string; models: string[] }>();
  for (const a of p.agreements) {
    const e = byAgency.get(a.agency_id) ?? { name: a.agency, models: [] };
    if (!e.models.includes(a.model)) e.models.push(a.model);
    byAgency.set(a.agency_id, e);
  }
  const agencies = [...byAgency.entries()].sort((x, y) => x[1].name.localeCompare(y[1].name));
  return (
    <section class="map-panel" aria-labelledby="map-panel-title" data-county={p.name}>
      <div class="map-panel-head">
        <h2 id="map-panel-title">{app.t("map.panel_title", { name: p.name })}</h2>
        <button type="button" class="map-panel-close" onClick={p.onClose}>
          {app.t("map.panel_close")}
        </button>
      </div>
      {agencies.length ? (
        <>
          <p>{app.t("map.panel_listed", { date: app.date(p.date) })}</p>
          <ul>
            {agencies.map(([id, a]) => (
              <li key={id} data-agency={id}>
                <a href={app.link(`/agency/${id}`)}>{a.name}</a>{" "}
                {a.models.sort().map((m) => (
                  <span key={m}>
                    <ModelBadge model={m} />{" "}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{app.t("map.panel_none", { date: app.date(p.date) })}</p>
      )}
      <p>
        <a href={app.link("/", { q: p.lookupQ })}>{app.t("map.panel_lookup", { name: p.name })}</a> ·{" "}
        <a href={app.link(`/state/${p.state}`)}>{app.t("map.panel_state", { state: app.stateName(p.state) })}</a>
      </p>
    </section>
  );
}
