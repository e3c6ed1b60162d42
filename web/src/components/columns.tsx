// Table columns that several pages' tables share, so an agency, a state, a model, a status, a coded
// value or a count reads, links and aligns the same way wherever a table shows it.
import type { App } from "../app.js";
import { type Column, ModelBadge, StatusBadge } from "./ui.js";

/** The agency's name, linked to its page. */
export function agencyColumn<R extends { agency: string; agency_id: string }>(app: App): Column<R> {
  return {
    key: "agency",
    label: app.t("common.agency"),
    render: (r) => <a href={app.link(`/agency/${r.agency_id}`)}>{r.agency}</a>,
  };
}

/** The state's name, linked to its page; the row's field `key` holds the state's code. */
export function stateColumn<R extends Record<K, string>, K extends string = "state">(
  app: App,
  key: K = "state" as K,
): Column<R> {
  return {
    key,
    label: app.t("common.state"),
    render: (r) => <a href={app.link(`/state/${r[key]}`)}>{app.stateName(r[key])}</a>,
  };
}

/** The model as its badge. */
export function modelColumn<R extends { model: string }>(app: App): Column<R> {
  return { key: "model", label: app.t("common.model"), render: (r) => <ModelBadge model={r.model} /> };
}

/** The agreement's status as its badge. */
export function statusColumn<R extends { status: string }>(app: App): Column<R> {
  return { key: "status", label: app.t("common.status"), render: (r) => <StatusBadge status={r.status} /> };
}

/** A coded value in the page's language (`kind` names its list of values); the row's field `key` holds it. */
export function valueColumn<R extends Record<K, string | null>, K extends string>(
  app: App,
  key: K,
  label: string,
  kind: string = key,
): Column<R> {
  return { key, label, render: (r) => app.tv(kind, r[key]) };
}

/** A number as the page's language writes it, aligned right; the row's field `key` holds it. */
export function countColumn<R extends Record<K, number | null>, K extends string>(
  app: App,
  key: K,
  label: string,
): Column<R> {
  return { key, label, numeric: true, render: (r) => app.num(r[key]) };
}

export function populationColumn<R extends { population: number | null }>(app: App): Column<R> {
  return countColumn(app, "population", app.t("common.population"));
}
