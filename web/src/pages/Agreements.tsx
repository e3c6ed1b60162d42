// The agreements table: search, filters (state, model, status, agency type), sorting and
// paging, all kept in the address; "download this view" writes exactly the filtered rows as CSV.
import {
  AGENCY_TYPES,
  AGREEMENT_STATUSES,
  type AgreementItem,
  type AgreementsFile,
  MODELS,
  toCsv,
  VIEW_COLUMNS,
} from "@domain";
import MiniSearch from "minisearch";
import { useMemo, useRef } from "preact/hooks";
import { useApp } from "../app.js";
import { agencyColumn, modelColumn, statusColumn, valueColumn } from "../components/columns.js";
import { allChoice, FilterFields, stateChoices, valueChoices } from "../components/fields.js";
import { DataTable, ExtLink, WithFile } from "../components/ui.js";
import { downloadText } from "../download.js";
import { activeOn, cmp } from "../lib.js";

const PAGE = 100;
const SORTS = [
  "agency",
  "state",
  "county",
  "model",
  "agency_type",
  "signed_on",
  "first_listed",
  "last_listed",
  "status",
  "ended_on",
] as const;

export default function Agreements() {
  return <WithFile<AgreementsFile> path="agreements.json">{(d) => <Table data={d} />}</WithFile>;
}

function Table({ data }: { data: AgreementsFile }) {
  const app = useApp();
  // The search index costs a phone's CPU a noticeable moment: it is built on the first search (or
  // when the box gets focus), not before the first rows show.
  const indexRef = useRef<{ data: AgreementsFile; lang: string; ms: MiniSearch } | null>(null);
  const index = () => {
    const had = indexRef.current;
    if (had && had.data === data && had.lang === app.lang) return had.ms;
    const ms = new MiniSearch<AgreementItem & { state_name: string }>({
      idField: "agreement_id",
      fields: ["agency", "county", "state_name", "state", "agreement_id"],
      searchOptions: { prefix: true, fuzzy: 0.15, combineWith: "AND", boost: { agency: 2 } },
    });
    ms.addAll(data.rows.map((r) => ({ ...r, state_name: `${app.stateName(r.state)} ${r.state}` })));
    indexRef.current = { data, lang: app.lang, ms };
    return ms;
  };

  const text = app.q("q");
  const state = app.q("state");
  const model = app.q("model");
  const status = app.q("status");
  const type = app.q("type");
  const sort = (SORTS as readonly string[]).includes(app.q("sort")) ? app.q("sort") : "state";
  const dir = app.q("dir") === "desc" ? "desc" : "asc";
  const shown = Math.max(PAGE, Number(app.q("n", String(PAGE))) || PAGE);
  // Opens on what Home counts (listed on the latest list); every agreement ever is one click away.
  const ever = app.q("listed") === "ever";
  const listedNow = useMemo(() => data.rows.filter((x) => activeOn(x.periods, data.latest_list)), [data]);

  const rows = useMemo(() => {
    let r = ever ? data.rows : listedNow;
    if (text.trim()) {
      const hits = new Set(
        index()
          .search(text.trim())
          .map((h) => h.id as string),
      );
      r = r.filter((x) => hits.has(x.agreement_id));
    }
    if (state) r = r.filter((x) => x.state === state);
    if (model) r = r.filter((x) => x.model === model);
    if (status && ever) r = r.filter((x) => x.status === status);
    if (type) r = r.filter((x) => x.agency_type === type);
    const key = sort as keyof AgreementItem;
    const sign = dir === "asc" ? 1 : -1;
    return [...r].sort(
      (a, b) =>
        sign * cmp(a[key] as string | null, b[key] as string | null) ||
        cmp(a.state, b.state) ||
        cmp(a.agency, b.agency) ||
        cmp(a.agreement_id, b.agreement_id),
    );
  }, [data, listedNow, ever, app.lang, text, state, model, status, type, sort, dir]);

  const states = useMemo(() => [...new Set(data.rows.map((r) => r.state))].sort(), [data]);
  const all = allChoice(app);
  const set = (k: string, val: string) => app.setQuery({ [k]: val || null, n: null }, { replace: true });
  const onSort = (k: string) =>
    app.setQuery(
      { sort: k === "state" ? null : k, dir: sort === k && dir === "asc" ? "desc" : null },
      { replace: true },
    );
  const colLabel: Record<string, string> = {
    agency: app.t("common.agency"),
    state: app.t("common.state"),
    county: app.t("common.county"),
    model: app.t("common.model"),
    agency_type: app.t("common.type"),
    signed_on: app.t("agreements.signed"),
    first_listed: app.t("agreements.first_listed"),
    last_listed: app.t("agreements.last_listed"),
    status: app.t("common.status"),
    ended_on: app.t("agreements.ended"),
  };
  const dateColumn = (key: "signed_on" | "first_listed" | "last_listed" | "ended_on") => ({
    key,
    label: colLabel[key] as string,
    sortable: true,
    date: true,
    render: (r: AgreementItem) => app.date(r[key]),
  });
  const download = () => {
    const parts = ["g287-agreements", state, model, ever ? status : "", type, text.trim() ? "search" : ""].filter(
      Boolean,
    );
    downloadText(
      `${parts.join("-").toLowerCase()}-${data.latest_list}.csv`,
      toCsv(VIEW_COLUMNS, rows as unknown as Record<string, unknown>[]),
    );
  };

  return (
    <>
      <h1>{app.t(ever ? "agreements.title_ever" : "agreements.title_now")}</h1>
      <p class="lead">
        {app.t(ever ? "agreements.intro_ever" : "agreements.intro_now", { date: app.date(data.latest_list) })}
      </p>
      <p class="view-switch">
        {ever ? (
          <a href={app.link("/agreements")}>{app.t("agreements.show_now", { n: app.num(listedNow.length) })}</a>
        ) : (
          <a href={app.link("/agreements", { listed: "ever" })}>
            {app.t("agreements.show_ever", { n: app.num(data.rows.length) })}
          </a>
        )}
      </p>
      <search>
        <form class="controls filters" onSubmit={(e) => e.preventDefault()}>
          <div class="field grow">
            <label for="f-q">{app.t("agreements.search")}</label>
            <input
              id="f-q"
              name="q"
              type="search"
              value={text}
              placeholder={app.t("agreements.search_placeholder")}
              onFocus={() => setTimeout(index, 0)}
              onInput={(e) => set("q", e.currentTarget.value)}
            />
          </div>
          <FilterFields
            prefix="f-"
            values={{ state, model, status, type }}
            onChange={set}
            filters={[
              { key: "state", label: app.t("common.state"), choices: [all, ...stateChoices(app, states)] },
              { key: "model", label: app.t("common.model"), choices: [all, ...valueChoices(app, "model", MODELS)] },
              {
                key: "status",
                label: app.t("common.status"),
                choices: [all, ...valueChoices(app, "status", AGREEMENT_STATUSES)],
                hidden: !ever,
              },
              { key: "type", label: app.t("common.type"), choices: [all, ...valueChoices(app, "type", AGENCY_TYPES)] },
            ]}
          />
          <button
            type="button"
            onClick={() =>
              app.setQuery({ q: null, state: null, model: null, status: null, type: null, n: null }, { replace: true })
            }
          >
            {app.t("agreements.reset")}
          </button>
        </form>
      </search>
      <p class="result-bar">
        <span aria-live="polite" class="count">
          {app.t("agreements.count", { n: app.num(rows.length) })}
        </span>
        <button type="button" class="primary" onClick={download} disabled={!rows.length}>
          {app.t("agreements.download_view")}
        </button>
        <a href="data/agreements.csv" download>
          {app.t("agreements.download_all")}
        </a>
      </p>
      <DataTable
        caption={app.t("agreements.caption", { column: colLabel[sort] ?? sort })}
        empty={app.t("agreements.no_results")}
        rows={rows.slice(0, shown)}
        rowKey={(r) => r.agreement_id}
        sort={{ key: sort, dir }}
        onSort={onSort}
        columns={[
          { ...agencyColumn(app), sortable: true },
          {
            key: "state",
            label: colLabel.state as string,
            sortable: true,
            render: (r) => <a href={app.link(`/state/${r.state}`)}>{r.state}</a>,
          },
          { key: "county", label: colLabel.county as string, sortable: true, render: (r) => r.county ?? "" },
          { ...modelColumn(app), sortable: true },
          { ...valueColumn(app, "agency_type", colLabel.agency_type as string, "type"), sortable: true },
          dateColumn("signed_on"),
          dateColumn("first_listed"),
          dateColumn("last_listed"),
          { ...statusColumn(app), sortable: true },
          dateColumn("ended_on"),
          {
            key: "moa",
            label: app.t("agreements.moa"),
            render: (r) => (r.moa_url ? <ExtLink href={r.moa_url}>PDF</ExtLink> : ""),
          },
        ]}
      />
      {rows.length > shown ? (
        <p>
          <span>{app.t("common.showing", { shown: app.num(shown), total: app.num(rows.length) })}</span>{" "}
          <button type="button" onClick={() => app.setQuery({ n: shown + PAGE }, { replace: true })}>
            {app.t("common.show_more", { n: app.num(Math.min(PAGE, rows.length - shown)) })}
          </button>
        </p>
      ) : null}
    </>
  );
}
