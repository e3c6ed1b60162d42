// State page: counts, agreements over time, the county map, the state's law and litigation with
// their confidence and caveats, political control by year, and the law set against the record
// (agreements listed under a ban, counties meeting a mandate).
import {
  type CountiesFile,
  type LitigationItem,
  MODELS,
  type PolicyItem,
  type PoliticsItem,
  type StateFile,
} from "@domain";
import { useMemo, useState } from "preact/hooks";
import { type App, useApp } from "../app.js";
import { TimelineFigure } from "../components/charts.js";
import { agencyColumn, countColumn, modelColumn, statusColumn, valueColumn } from "../components/columns.js";
import { English, Msg } from "../components/Msg.js";
import { OnDemand } from "../components/OnDemand.js";
import { TableSection } from "../components/TableSection.js";
import { CountyPanel, UsMap } from "../components/UsMap.js";
import {
  ByModel,
  type Column,
  DataTable,
  type DataTableProps,
  Downloads,
  ExtLink,
  Figure,
  Legend,
  NotFound,
  Ready,
  Section,
  Stat,
} from "../components/ui.js";
import { missing, useAll } from "../data.js";
import { activeOn, cmp } from "../lib.js";
import { breaks, classColour, classLabels, colourOf, NO_DATA_COLOUR, ZERO_COLOUR } from "../palette.js";

export default function State() {
  const app = useApp();
  const code = (app.route.parts[1] ?? "").toUpperCase();
  const ok = /^[A-Z]{2}$/.test(code);
  // counties.json (every county in the country) serves only Connecticut's crosswalk here.
  const v = useAll<[StateFile, CountiesFile | undefined]>(
    code === "CT" ? ["state/CT.json", "counties.json"] : ([ok ? `state/${code}.json` : "state/none.json"] as never),
  );
  if (!ok || missing(v)) return <NotFound text={app.t("state.not_found")} />;
  return (
    <Ready v={v} what={`state/${code}.json`}>
      {([d, co]) => <StateView d={d} co={co ?? null} />}
    </Ready>
  );
}

function Caveat({ confidence, caveat }: { confidence: string | null; caveat: string | null }) {
  const app = useApp();
  if (!confidence && !caveat) return null;
  return (
    <span class={`confidence confidence-${confidence ?? "unknown"}`}>
      {confidence ? `${app.t("common.confidence")}: ${app.tv("confidence", confidence)}` : null}
      {caveat ? (
        <>
          {confidence ? ". " : ""}
          {app.t("common.caveat")}: <English>{caveat}</English>
        </>
      ) : null}
    </span>
  );
}

/** A curated row's summary and how sure it is: the last columns of the law and litigation tables. */
function sourcedColumns<R extends { summary: string | null; confidence: string | null; caveat: string | null }>(
  app: App,
): Column<R>[] {
  return [
    { key: "summary", label: app.t("state.summary"), render: (r) => <English>{r.summary}</English> },
    {
      key: "confidence",
      label: app.t("common.confidence"),
      render: (r) => <Caveat confidence={r.confidence} caveat={r.caveat} />,
    },
  ];
}

/**
 * One of the state's curated tables (law, litigation, politics): `part` is its section's id and names
 * its title (state.<part>) and its line when there is nothing to show (state.<part>_none).
 */
function StatePart<R>({
  part,
  ...table
}: { part: "law" | "litigation" | "politics" } & Pick<DataTableProps<R>, "rows" | "rowKey" | "columns">) {
  const app = useApp();
  return <TableSection id={part} title={app.t(`state.${part}`)} empty={app.t(`state.${part}_none`)} {...table} />;
}

function lawColumns(app: App): Column<PolicyItem>[] {
  return [
    {
      key: "kind",
      label: app.t("state.policy"),
      render: (p) => (
        <>
          {app.tv("policy", p.kind)}
          {p.proposed ? <span class="muted"> ({app.t("state.proposed")})</span> : null}
          {!p.proposed && !p.in_effect ? <span class="muted"> ({app.t("state.not_in_effect")})</span> : null}
          {p.scope ? <span class="muted"> · {p.scope}</span> : null}
        </>
      ),
    },
    {
      key: "citation",
      label: app.t("state.citation"),
      render: (p) => (
        <>
          <ExtLink href={p.source_url}>{p.citation ?? p.instrument ?? ""}</ExtLink>
          {p.instrument && p.citation ? <span class="muted"> ({p.instrument})</span> : null}
        </>
      ),
    },
    { key: "enacted", label: app.t("state.enacted"), render: (p) => app.date(p.enacted) },
    {
      key: "effective",
      label: app.t("state.effective"),
      render: (p) => (
        <>
          {app.date(p.effective)}
          {p.until ? ` – ${app.date(p.until)}` : ""}
        </>
      ),
    },
    ...sourcedColumns(app),
  ];
}

function litigationColumns(app: App): Column<LitigationItem>[] {
  return [
    {
      key: "title",
      label: app.t("state.case"),
      render: (l) => (
        <ExtLink href={l.source_url}>
          <English>{l.title}</English>
        </ExtLink>
      ),
    },
    {
      key: "court",
      label: app.t("state.court"),
      render: (l) => <English>{[l.kind, l.court].filter(Boolean).join(" · ")}</English>,
    },
    { key: "filed", label: app.t("state.filed"), render: (l) => app.date(l.filed) },
    { key: "status", label: app.t("common.status"), render: (l) => <English>{l.status}</English> },
    ...sourcedColumns(app),
  ];
}

function politicsColumns(app: App): Column<PoliticsItem>[] {
  return [
    { key: "year", label: app.t("state.year"), render: (p) => String(p.year) },
    valueColumn(app, "governor", app.t("state.governor"), "party"),
    valueColumn(app, "legislature", app.t("state.legislature"), "party"),
    valueColumn(app, "trifecta", app.t("state.trifecta"), "party"),
    {
      key: "battleground",
      label: app.t("state.battleground"),
      render: (p) => (p.battleground === null ? "" : p.battleground ? app.t("common.yes") : app.t("common.no")),
    },
  ];
}

function StateView({ d, co }: { d: StateFile; co: CountiesFile | null }) {
  const app = useApp();
  const s = d.state;
  const name = app.stateName(s.state);
  const counties = new Map(d.counties.map((c) => [c.county_fips, c]));
  const ctRegion = new Map((co?.ct_crosswalk ?? []).map((c) => [c.county_fips, c.region_fips]));
  const br = useMemo(
    () =>
      breaks(
        d.counties.map((c) => c.active),
        true,
      ),
    [d],
  );
  const countyOf = (id: string) => counties.get(s.state === "CT" ? (ctRegion.get(id) ?? id) : id);
  // The county whose panel is open, by its shape id (Connecticut: an old county, shown as its region).
  const [picked, setPicked] = useState<string | null>(null);
  const panel = (id: string) => {
    const c = countyOf(id);
    const fips = c?.county_fips ?? id;
    const cname = `${c?.name ?? id}, ${s.state}`;
    return {
      name: cname,
      state: s.state,
      lookupQ: cname,
      date: d.latest_list,
      agreements: d.agreements.filter(
        (a) => a.county_fips === fips && !a.statewide && activeOn(a.periods, d.latest_list),
      ),
    };
  };
  const fill = (id: string) =>
    s.state === "CT" && !ctRegion.size ? NO_DATA_COLOUR : colourOf(countyOf(id)?.active ?? 0, br);
  const title = (id: string, n: string) => app.t("map.tooltip", { name: n, value: app.num(countyOf(id)?.active ?? 0) });
  const mapTitle = app.t("state.map_title", { name });
  const countyRows = [...d.counties].sort((a, b) => b.active - a.active || cmp(a.name, b.name));
  // Guam and the Northern Mariana Islands have no counties in the Census gazetteer: no county map.
  const map = !s.counties ? (
    <p class="note">{app.t("state.no_county_map", { name })}</p>
  ) : (
    <Figure
      title={mapTitle}
      chart={
        <>
          {/* The county outlines (about 240 kB) load only when asked for; an embed draws them at once. */}
          <OnDemand label={app.t("common.show_county_map")}>
            <UsMap
              level="county"
              stateFips={s.fips || null}
              label={mapTitle}
              fill={fill}
              title={title}
              onSelect={app.embed ? undefined : (id) => setPicked((p) => (p === id ? null : id))}
              selected={picked}
            />
            {picked ? <CountyPanel {...panel(picked)} onClose={() => setPicked(null)} /> : null}
            <Legend
              label={app.t("state.active")}
              items={[
                { colour: ZERO_COLOUR, label: app.t("map.legend_none") },
                ...classLabels(br, true, (x) => app.num(x)).map((label, i) => ({ colour: classColour(i, br), label })),
              ]}
            />
          </OnDemand>
          {s.state === "CT" ? (
            <p class="note">{app.t(co?.ct_crosswalk.length ? "map.ct_note" : "map.ct_note_missing")}</p>
          ) : null}
        </>
      }
      table={
        <DataTable
          caption={app.t("state.counties_table")}
          rows={countyRows}
          rowKey={(c) => c.county_fips}
          columns={[
            { key: "name", label: app.t("common.county"), render: (c) => c.name },
            countColumn(app, "active", app.t("state.active")),
            ...MODELS.map((m) => countColumn(app, m, m)),
            countColumn(app, "ever", app.t("state.ever")),
            { key: "pc", label: app.t("common.per_100k"), numeric: true, render: (c) => app.num(c.per_100k, 2) },
          ]}
        />
      }
      embedPath={app.link(`/state/${s.state}`, { embed: 1 })}
    />
  );
  if (app.embed)
    return (
      <>
        <h1 class="embed-title">{app.t("state.title", { name })}</h1>
        {map}
      </>
    );
  const active = d.agreements.filter((a) => a.status === "active" || a.status === "pending_removal");
  return (
    <>
      <h1>{app.t("state.title", { name })}</h1>
      <dl class="stats">
        <Stat label={app.t("state.active")} value={app.num(s.active)} />
        <Stat label={app.t("state.per_100k")} value={app.num(s.per_100k, 2)} />
        <Stat label={app.t("state.agencies")} value={app.num(s.agencies_active)} />
        <Stat label={app.t("state.ever")} value={app.num(s.ever)} />
      </dl>
      <ByModel counts={s} />
      {d.missing.length ? <p class="note">{app.t("common.missing_layers", { layers: d.missing.join("; ") })}</p> : null}
      <TimelineFigure points={d.timeline} title={app.t("state.timeline_title", { name })} />
      {map}
      <StatePart
        part="law"
        rows={d.policies}
        rowKey={(p, i) => `${p.kind}|${p.citation}|${i}`}
        columns={lawColumns(app)}
      />
      <StatePart
        part="litigation"
        rows={d.litigation}
        rowKey={(l, i) => `${l.title}|${i}`}
        columns={litigationColumns(app)}
      />
      <StatePart part="politics" rows={d.politics} rowKey={(p) => String(p.year)} columns={politicsColumns(app)} />
      {d.conflicts.bans.length ||
      d.conflicts.mandates.length ||
      d.policies.some((p) => p.kind === "ban" || p.kind === "mandate") ? (
        <Section id="conflicts" title={app.t("state.conflicts")}>
          {d.policies.some((p) => p.kind === "ban") ? (
            <>
              <h3>{app.t("state.bans")}</h3>
              <DataTable
                caption={app.t("state.bans")}
                empty={app.t("state.bans_none")}
                rows={d.conflicts.bans}
                rowKey={(b) => b.agreement_id}
                columns={[
                  agencyColumn(app),
                  modelColumn(app),
                  {
                    key: "ban",
                    label: app.t("state.ban_effective"),
                    render: (b) => `${app.date(b.ban_effective)} (${b.ban_citation})`,
                  },
                  {
                    key: "first",
                    label: app.t("agreements.first_listed"),
                    render: (b) => app.date(b.first_listed),
                  },
                  {
                    key: "last",
                    label: app.t("agreements.last_listed"),
                    render: (b) =>
                      b.listed_until
                        ? app.date(b.last_listed)
                        : `${app.date(b.last_listed)} (${app.t("common.still_listed")})`,
                  },
                  countColumn(app, "days", app.t("state.days")),
                ]}
              />
            </>
          ) : null}
          {d.conflicts.mandates.map((m) => (
            <div key={m.kind} class="mandate">
              <h3>
                {app.t("state.mandates")}: {app.tv("policy", m.kind)}{" "}
                {m.citation ? <ExtLink href={m.source_url}>({m.citation})</ExtLink> : null}
              </h3>
              <p>
                {app.t("state.mandate_summary", {
                  covered: app.num(m.covered),
                  counties: app.num(m.counties),
                  date: app.date(d.latest_list),
                })}
              </p>
              <p>
                <Caveat confidence={m.confidence} caveat={m.caveat} />
              </p>
              <p class="note">
                <Msg text={m.limits} msgRef={m.limits_msg} />
              </p>
              {m.uncovered.length ? (
                <details>
                  <summary>
                    {app.t("state.mandate_uncovered")} ({app.num(m.uncovered.length)})
                  </summary>
                  <p>{m.uncovered.join(", ")}</p>
                </details>
              ) : null}
            </div>
          ))}
          {d.conflicts.computed_from ? (
            <p class="note">{app.t("state.computed_from", { source: app.msg(d.conflicts.computed_from) })}</p>
          ) : null}
        </Section>
      ) : null}
      <TableSection
        id="state-agreements"
        title={app.t("state.agreements", { name })}
        rows={active.slice(0, 50)}
        rowKey={(a) => a.agreement_id}
        columns={[
          agencyColumn(app),
          { key: "county", label: app.t("common.county"), render: (a) => a.county ?? "" },
          modelColumn(app),
          { key: "signed", label: app.t("agreements.signed"), render: (a) => app.date(a.signed_on) },
          statusColumn(app),
        ]}
      >
        <p>
          <a href={app.link("/agreements", { state: s.state })}>{app.t("agency.state_page", { state: name })}</a>
          {active.length > 50 ? ` (${app.t("common.showing", { shown: 50, total: app.num(active.length) })})` : ""}
        </p>
      </TableSection>
      <Downloads paths={[`state/${s.state}.json`, `state/${s.state}.csv`]} />
    </>
  );
}
