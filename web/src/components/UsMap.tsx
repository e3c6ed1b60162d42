// A choropleth of U.S. states or counties drawn with d3-geo from us-atlas (2017 Census outlines).
// The outline files are fetched only when a map is shown, never in the first bundle. States are
// links (keyboard-reachable, named for screen readers); counties carry a tooltip title only, and
// every map has a table twin beside it.
import { type GeoProjection, geoAlbersUsa, geoCentroid, geoMercator, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { useEffect, useMemo, useState } from "preact/hooks";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countiesUrl from "us-atlas/counties-10m.json?url";
import statesUrl from "us-atlas/states-10m.json?url";

export interface Shape {
  id: string;
  name: string;
  d: string;
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
    if (d) shapes.push({ id: String(f.id), name: f.properties?.name ?? String(f.id), d });
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
  onError?: (e: Error) => void;
}

export function UsMap(p: UsMapProps) {
  const [drawn, setDrawn] = useState<Drawn | null>(null);
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
  const paths = useMemo(() => {
    if (!drawn) return null;
    return drawn.shapes.map((s) => {
      const shape = (
        <path d={s.d} fill={p.fill(s.id)} class="shape">
          <title>{p.title(s.id, s.name)}</title>
        </path>
      );
      const href = p.href?.(s.id);
      return href ? (
        <a key={s.id} href={href} aria-label={p.title(s.id, s.name)} class="shape-link">
          {shape}
        </a>
      ) : (
        <g key={s.id}>{shape}</g>
      );
    });
  }, [drawn, p.fill, p.title, p.href]);
  if (error) return <p class="error">{error}</p>;
  if (!drawn) return <div class="map-placeholder" style={{ aspectRatio: `${WIDTH} / ${HEIGHT}` }} />;
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a <fieldset>; "group" names the set of state links
    <svg
      class="map"
      viewBox={`0 0 ${drawn.width} ${drawn.height}`}
      role="group"
      aria-label={p.label}
      preserveAspectRatio="xMidYMid meet"
    >
      <g class={p.level === "state" ? "states" : "counties"}>{paths}</g>
      {drawn.borders ? <path class="borders" d={drawn.borders} fill="none" /> : null}
    </svg>
  );
}
