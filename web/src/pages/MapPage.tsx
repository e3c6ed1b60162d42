// Map: agreements by state or county, as counts, per 100,000 residents or the most common model,
// on any date ICE published a list. The time slider replays the map from the agreements' listed
// periods; every choice is kept in the address. The latest map is drawn from the small per-state
// (or per-county) summary; the big agreements file loads only for another date, play or a county panel.
import {
  type AgreementItem,
  type AgreementsFile,
  type CountiesFile,
  MODELS,
  type Model,
  type StatesFile,
  stateByFips,
  stateByUsps,
  type TimelineFile,
} from "@domain";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useApp } from "../app.js";
import { populationColumn } from "../components/columns.js";
import { SelectField, valueChoices } from "../components/fields.js";
import { CountyPanel, UsMap } from "../components/UsMap.js";
import { DataTable, Downloads, EmbedCode, ErrorBox, Legend, Loading, Ready, Twin } from "../components/ui.js";
import { useAll, useData } from "../data.js";
import { activeOn, add, type Counts, cmp, dominant, emptyCounts, per100k, snapDate } from "../lib.js";
import {
  breaks,
  classColour,
  classLabels,
  colourOf,
  MODEL_COLOURS,
  NO_DATA_COLOUR,
  TIE_COLOUR,
  ZERO_COLOUR,
} from "../palette.js";

type Level = "state" | "county";
type Measure = "count" | "per_capita" | "model";

/** The USPS code of a state FIPS code (the map files are keyed on FIPS). */
const uspsOf = (fips: string) => stateByFips(fips)?.usps;

interface Region {
  id: string;
  name: string;
  state: string;
  population: number | null;
  counts: Counts;
}

/** Counts by map region (state FIPS, or county FIPS as drawn) on one date. */
function regionsOn(
  d: string,
  level: Level,
  model: string,
  agreements: AgreementItem[],
  states: StatesFile,
  counties: CountiesFile,
  stateName: (usps: string) => string,
): Map<string, Region> {
  const out = new Map<string, Region>();
  if (level === "state") {
    for (const s of states.rows) {
      const fips = s.fips || stateByUsps(s.state)?.fips || s.state;
      out.set(s.state, {
        id: fips,
        name: stateName(s.state),
        state: s.state,
        population: s.population,
        counts: emptyCounts(),
      });
    }
    for (const a of agreements) {
      if (model !== "all" && a.model !== model) continue;
      if (!activeOn(a.periods, d)) continue;
      const r = out.get(a.state);
      if (r) add(r.counts, a);
    }
    return new Map([...out.values()].map((r) => [r.id, r]));
  }
  const pop = new Map(counties.rows.map((c) => [c.county_fips, c]));
  for (const a of agreements) {
    if (!a.county_fips || a.statewide) continue;
    if (model !== "all" && a.model !== model) continue;
    if (!activeOn(a.periods, d)) continue;
    let r = out.get(a.county_fips);
    if (!r) {
      const c = pop.get(a.county_fips);
      r = {
        id: a.county_fips,
        name: c?.name ?? a.county ?? a.county_fips,
        state: a.state,
        population: c?.population ?? null,
        counts: emptyCounts(),
      };
      out.set(a.county_fips, r);
    }
    add(r.counts, a);
  }
  return out;
}

/** Counts on the latest list from the summary files: the same figures regionsOn gives from the agreements. */
function latestRegions(
  level: Level,
  model: string,
  states: StatesFile,
  counties: CountiesFile | null,
  stateName: (usps: string) => string,
): Map<string, Region> {
  const counts = (r: { active: number; JEM: number; TFM: number; WSO: number }): Counts =>
    model === "all"
      ? { n: r.active, JEM: r.JEM, TFM: r.TFM, WSO: r.WSO }
      : { ...emptyCounts(), n: r[model as Model], [model]: r[model as Model] };
  const out = new Map<string, Region>();
  if (level === "state") {
    for (const s of states.rows) {
      const fips = s.fips || stateByUsps(s.state)?.fips || s.state;
      out.set(fips, {
        id: fips,
        name: stateName(s.state),
        state: s.state,
        population: s.population,
        counts: counts(s),
      });
    }
    return out;
  }
  for (const c of counties?.rows ?? []) {
    const n = counts(c);
    if (n.n > 0)
      out.set(c.county_fips, { id: c.county_fips, name: c.name, state: c.state, population: c.population, counts: n });
  }
  return out;
}

const NO_COUNTIES: CountiesFile = {
  latest_list: "",
  rows: [],
  ct_crosswalk: [],
  statewide_active: 0,
  unplaced_active: 0,
  missing: [],
};

export default function MapPage() {
  const app = useApp();
  // counties.json is the county level's summary and Connecticut crosswalk: the state map needs neither.
  const county = app.q("level") === "county";
  const v = useAll<[StatesFile, TimelineFile, CountiesFile | null]>(
    county ? ["states.json", "timeline.json", "counties.json"] : (["states.json", "timeline.json"] as never),
  );
  return (
    <Ready v={v} what={county ? "counties.json" : "states.json"}>
      {([st, tl, co]) => <MapView st={st} co={county ? (co ?? null) : null} tl={tl} />}
    </Ready>
  );
}

function MapView({ st, co, tl }: { st: StatesFile; co: CountiesFile | null; tl: TimelineFile }) {
  const app = useApp();
  const level: Level = app.q("level") === "county" ? "county" : "state";
  const measure: Measure = (["count", "per_capita", "model"] as const).find((m) => m === app.q("measure")) ?? "count";
  const model = MODELS.find((m) => m === app.q("model")) ?? "all";
  const dates = tl.lists;
  const idx = snapDate(dates, app.q("date", tl.latest_list));
  const date = dates[idx] ?? tl.latest_list;
  const [playing, setPlaying] = useState(false);
  // The county whose panel is open (its shape id as drawn: Connecticut's old counties).
  const [picked, setPicked] = useState<string | null>(null);
  const idxRef = useRef(idx);
  idxRef.current = idx;
  // Set once the reader reaches for the slider: the agreements start loading before the first move.
  const [touched, setTouched] = useState(false);
  const latest = date === tl.latest_list;
  const agV = useData<AgreementsFile>(
    !latest || playing || touched || (level === "county" && picked !== null) ? "agreements.json" : null,
  );
  const ag = agV.state === "ready" ? agV.data : null;

  useEffect(() => {
    if (!playing || !ag) return;
    const step = Math.max(1, Math.ceil(dates.length / 120));
    const timer = setInterval(() => {
      const next = idxRef.current + step;
      if (next >= dates.length) {
        setPlaying(false);
        app.setQuery({ date: dates[dates.length - 1] }, { replace: true });
        return;
      }
      app.setQuery({ date: dates[next] }, { replace: true });
    }, 140);
    return () => clearInterval(timer);
  }, [playing, !ag, dates.length, app.setQuery]);

  const summary = useMemo(() => latestRegions(level, model, st, co, app.stateName), [level, model, st, co, app.lang]);
  // Another date needs the agreements' periods; until they arrive there is nothing to draw for it.
  const regions = useMemo(
    () =>
      latest
        ? summary
        : ag && (level === "state" || co)
          ? regionsOn(date, level, model, ag.rows, st, co ?? NO_COUNTIES, app.stateName)
          : null,
    [latest, summary, date, level, model, ag, st, co, app.lang],
  );
  // Class breaks come from the latest list and stay put while the slider moves, so colours
  // mean the same number on every date.
  const br = useMemo(() => {
    const vals = [...summary.values()].map((r) =>
      measure === "per_capita" ? (per100k(r.counts.n, r.population) ?? 0) : r.counts.n,
    );
    return breaks(vals, measure !== "per_capita");
  }, [summary, measure]);

  // Connecticut: the map has the 8 former counties; our counts are by the 9 planning regions.
  const ctRegionOf = useMemo(() => new Map((co?.ct_crosswalk ?? []).map((c) => [c.county_fips, c.region_fips])), [co]);
  const regionFor = (id: string) =>
    regions?.get(level === "county" && id.startsWith("09") ? (ctRegionOf.get(id) ?? id) : id);
  const valueFor = (r: Region | undefined): number | null => {
    if (!r) return 0;
    if (measure === "per_capita") return per100k(r.counts.n, r.population);
    return r.counts.n;
  };
  const fill = (id: string) => {
    if (level === "county" && id.startsWith("09") && !ctRegionOf.size) return NO_DATA_COLOUR;
    const r = regionFor(id);
    if (measure === "model") {
      const m = dominant(r?.counts);
      return m === null ? ZERO_COLOUR : m === "tie" ? TIE_COLOUR : (MODEL_COLOURS[m] ?? TIE_COLOUR);
    }
    return colourOf(valueFor(r), br);
  };
  const describe = (r: Region | undefined) => {
    if (measure === "model") {
      const m = dominant(r?.counts);
      return m === null ? app.t("map.legend_none") : m === "tie" ? app.t("map.mixed") : app.tv("model", m);
    }
    const v = valueFor(r);
    if (v === null) return app.t("map.no_population");
    return measure === "per_capita" ? app.num(v, 2) : app.num(v);
  };
  const title = (id: string, name: string) => {
    const r = regionFor(id);
    const label = level === "state" ? app.stateName(uspsOf(id) ?? id) : `${name}, ${uspsOf(id.slice(0, 2)) ?? ""}`;
    return app.t("map.tooltip", { name: label, value: describe(r) });
  };
  const href = level === "state" ? (id: string) => (uspsOf(id) ? app.link(`/state/${uspsOf(id)}`) : null) : undefined;

  const selectCounty = useCallback((id: string) => setPicked((p) => (p === id ? null : id)), []);
  const countyNames = useMemo(() => new Map((co?.rows ?? []).map((c) => [c.county_fips, c])), [co]);
  /** The panel of a county as drawn: Connecticut's old county stands for its planning region. */
  const countyPanel = (id: string) => {
    const fips = id.startsWith("09") ? (ctRegionOf.get(id) ?? id) : id;
    const st = uspsOf(fips.slice(0, 2)) ?? "";
    const name = `${countyNames.get(fips)?.name ?? regions?.get(fips)?.name ?? fips}, ${st}`;
    return {
      name,
      state: st,
      lookupQ: name,
      date,
      agreements: (ag?.rows ?? []).filter(
        (a) =>
          a.county_fips === fips && !a.statewide && (model === "all" || a.model === model) && activeOn(a.periods, date),
      ),
    };
  };

  // Every agreement listed that day, also those of statewide or unplaced agencies the county map leaves out.
  // On the latest list that is the states' sum: every agreement has a state.
  const total = useMemo(
    () =>
      latest
        ? st.rows.reduce((n, s) => n + (model === "all" ? s.active : s[model as Model]), 0)
        : ag
          ? ag.rows.filter((a) => (model === "all" || a.model === model) && activeOn(a.periods, date)).length
          : null,
    [latest, st, ag, model, date],
  );
  const rows = [...(regions?.values() ?? [])]
    .filter((r) => level === "state" || r.counts.n > 0)
    .sort((a, b) => b.counts.n - a.counts.n || cmp(a.name, b.name));
  const legend =
    measure === "model"
      ? [
          ...MODELS.map((m) => ({ colour: MODEL_COLOURS[m] as string, label: app.tv("model", m) })),
          { colour: TIE_COLOUR, label: app.t("map.mixed") },
          { colour: ZERO_COLOUR, label: app.t("map.legend_none") },
        ]
      : [
          { colour: ZERO_COLOUR, label: app.t("map.legend_none") },
          ...classLabels(br, measure !== "per_capita", (x) =>
            measure === "per_capita" ? app.num(x, 2) : app.num(x),
          ).map((label, i) => ({ colour: classColour(i, br), label })),
        ];
  const levelLabel = level === "state" ? app.t("map.level_state") : app.t("map.level_county");
  const measureLabel = app.t(
    measure === "count"
      ? "map.measure_count"
      : measure === "per_capita"
        ? "map.measure_per_capita"
        : "map.measure_model",
  );
  const mapLabel = `${app.t("map.title")}: ${levelLabel}, ${measureLabel}${model !== "all" ? `, ${model}` : ""}, ${app.date(date)}`;

  return (
    <>
      {app.embed ? <h1 class="embed-title">{mapLabel}</h1> : <h1>{app.t("map.title")}</h1>}
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>{app.t("map.level")}</legend>
          {(["state", "county"] as const).map((l) => (
            <label key={l}>
              <input
                type="radio"
                name="level"
                value={l}
                checked={level === l}
                onChange={() => app.setQuery({ level: l === "state" ? null : l }, { replace: true })}
              />{" "}
              {app.t(l === "state" ? "map.level_state" : "map.level_county")}
            </label>
          ))}
        </fieldset>
        <SelectField
          id="map-measure"
          name="measure"
          label={app.t("map.measure")}
          value={measure}
          choices={[
            { value: "count", label: app.t("map.measure_count") },
            { value: "per_capita", label: app.t("map.measure_per_capita") },
            { value: "model", label: app.t("map.measure_model") },
          ]}
          onChange={(v) => app.setQuery({ measure: v === "count" ? null : v }, { replace: true })}
        />
        <SelectField
          id="map-model"
          name="model"
          label={app.t("map.model")}
          value={model}
          choices={[{ value: "all", label: app.t("model.all") }, ...valueChoices(app, "model", MODELS)]}
          onChange={(v) => app.setQuery({ model: v === "all" ? null : v }, { replace: true })}
          disabled={measure === "model"}
        />
        <div class="slider">
          <label for="map-date">
            {app.t("map.date")}: <output for="map-date">{app.date(date)}</output>
          </label>
          <input
            id="map-date"
            type="range"
            min={0}
            max={Math.max(0, dates.length - 1)}
            step={1}
            value={idx}
            aria-valuetext={app.date(date)}
            aria-describedby="map-date-help"
            onFocus={() => setTouched(true)}
            onPointerDown={() => setTouched(true)}
            onInput={(e) => {
              const i = Number(e.currentTarget.value);
              app.setQuery({ date: i === dates.length - 1 ? null : dates[i] }, { replace: true });
            }}
          />
          <button
            type="button"
            onClick={() => {
              if (!playing && idx >= dates.length - 1) app.setQuery({ date: dates[0] }, { replace: true });
              setPlaying(!playing);
            }}
          >
            {playing ? app.t("map.pause") : app.t("map.play")}
          </button>
          <p id="map-date-help" class="help">
            {app.t("map.slider_help")}
          </p>
        </div>
      </form>
      <p class="map-total" aria-live="polite">
        {app.t("map.date_label", { date: app.date(date) })}: <strong>{total === null ? "…" : app.num(total)}</strong>
      </p>
      {agV.state === "error" && !regions ? <ErrorBox what="agreements.json" error={agV.error} /> : null}
      {!regions ? (
        agV.state === "error" ? null : (
          <Loading />
        )
      ) : (
        <div class="map-wrap">
          <UsMap
            level={level}
            label={mapLabel}
            fill={fill}
            title={title}
            href={href}
            onSelect={level === "county" ? selectCounty : undefined}
            selected={level === "county" ? picked : null}
          />
        </div>
      )}
      {level === "county" ? <p class="help">{app.t("map.county_help")}</p> : null}
      {level === "county" && picked && ag ? (
        <CountyPanel {...countyPanel(picked)} onClose={() => setPicked(null)} />
      ) : null}
      <Legend label={measureLabel} items={legend} />
      {level === "county" && co ? (
        <>
          <p class="note">{app.t(co.ct_crosswalk.length ? "map.ct_note" : "map.ct_note_missing")}</p>
          <p class="note">
            {app.t("map.statewide_note", {
              statewide: app.num(co.statewide_active),
              unplaced: app.num(co.unplaced_active),
            })}
          </p>
        </>
      ) : null}
      <p class="note">{app.t("map.atlas_note")}</p>
      {st.missing.length ? (
        <p class="note">{app.t("common.missing_layers", { layers: st.missing.join("; ") })}</p>
      ) : null}
      <Twin>
        <DataTable
          caption={app.t("map.table_title", { level: levelLabel.toLowerCase(), date: app.date(date) })}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            {
              key: "name",
              label: app.t("map.region"),
              render: (r) =>
                level === "state" ? <a href={app.link(`/state/${r.state}`)}>{r.name}</a> : `${r.name}, ${r.state}`,
            },
            { key: "n", label: app.t("common.agreements"), numeric: true, render: (r) => app.num(r.counts.n) },
            ...MODELS.map((m) => ({ key: m, label: m, numeric: true, render: (r: Region) => app.num(r.counts[m]) })),
            populationColumn(app),
            {
              key: "pc",
              label: app.t("common.per_100k"),
              numeric: true,
              render: (r) => app.num(per100k(r.counts.n, r.population), 2),
            },
          ]}
        />
      </Twin>
      {!app.embed ? (
        <>
          <EmbedCode
            path={app.link("/map", {
              level: level === "state" ? null : level,
              measure: measure === "count" ? null : measure,
              model: model === "all" ? null : model,
              date: app.q("date") || null,
              embed: 1,
            })}
            title={mapLabel}
          />
          <Downloads paths={["states.csv", "counties.csv", "agreements.csv"]} />
        </>
      ) : null}
    </>
  );
}
