// Small shared pieces: loading and error states, headline figures, the generic table, a figure
// with its table twin and embed code, and download links.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import { useApp } from "../app.js";
import type { Loaded } from "../data.js";

export function Loading() {
  const { t } = useApp();
  return (
    <p class="loading" role="status">
      {t("common.loading")}
    </p>
  );
}

export function ErrorBox({ what, error }: { what: string; error: Error }) {
  const { t } = useApp();
  return (
    <p class="error" role="alert">
      {t("common.error", { what, message: error.message })}
    </p>
  );
}

/** Renders `children(data)` once a file is loaded; loading and error states in between. */
export function Ready<T>({ v, what, children }: { v: Loaded<T>; what: string; children: (d: T) => ComponentChildren }) {
  if (v.state === "loading") return <Loading />;
  if (v.state === "error") return <ErrorBox what={what} error={v.error} />;
  return <>{children(v.data)}</>;
}

export function Stat({ label, value, note }: { label: string; value: ComponentChildren; note?: ComponentChildren }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>
        <span class="stat-value">{value}</span>
        {note ? <span class="stat-note">{note}</span> : null}
      </dd>
    </div>
  );
}

export interface Column<R> {
  key: string;
  label: string;
  render?: (r: R) => ComponentChildren;
  numeric?: boolean;
  /** A date column: kept on one line. */
  date?: boolean;
  /** Makes the header a sort button. */
  sortable?: boolean;
}

const cellClass = (c: { numeric?: boolean; date?: boolean }) => (c.numeric ? "num" : c.date ? "date" : undefined);

export function DataTable<R>({
  caption,
  columns,
  rows,
  sort,
  onSort,
  rowKey,
}: {
  caption: ComponentChildren;
  columns: Column<R>[];
  rows: R[];
  sort?: { key: string; dir: "asc" | "desc" };
  onSort?: (key: string) => void;
  rowKey?: (r: R, i: number) => string;
}) {
  const { t } = useApp();
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const aria = active ? (sort?.dir === "asc" ? "ascending" : "descending") : undefined;
              return (
                <th key={c.key} scope="col" class={cellClass(c)} aria-sort={aria}>
                  {c.sortable && onSort ? (
                    <button
                      type="button"
                      class="sort"
                      onClick={() => onSort(c.key)}
                      title={t("common.sort_by", { column: c.label })}
                    >
                      {c.label}
                      <span aria-hidden="true" class="sort-mark">
                        {active ? (sort?.dir === "asc" ? " ▲" : " ▼") : " ↕"}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey ? rowKey(r, i) : i}>
              {columns.map((c) => (
                <td key={c.key} class={cellClass(c)}>
                  {c.render ? c.render(r) : String((r as Record<string, unknown>)[c.key] ?? "")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A chart with its accessible table twin and, outside embed mode, the code to embed it. */
export function Figure({
  title,
  desc,
  chart,
  table,
  embedPath,
}: {
  title: string;
  desc?: string;
  chart: ComponentChildren;
  table: ComponentChildren;
  embedPath?: string;
}) {
  const app = useApp();
  const id = useId();
  return (
    <figure class="figure" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`} class="fig-title">
        {title}
      </figcaption>
      {desc ? <p class="fig-desc">{desc}</p> : null}
      <div class="chart">{chart}</div>
      <details class="twin">
        <summary>{app.t("common.show_table")}</summary>
        {table}
      </details>
      {embedPath && !app.embed ? <EmbedCode path={embedPath} title={title} /> : null}
    </figure>
  );
}

export function EmbedCode({ path, title }: { path: string; title: string }) {
  const app = useApp();
  const id = useId();
  const base = `${location.origin}${location.pathname}`;
  const code = `<iframe src="${base}${path}" title="${title.replace(/"/g, "&quot;")}" width="100%" height="520" style="border:0" loading="lazy"></iframe>`;
  return (
    <details class="embed">
      <summary>{app.t("common.embed")}</summary>
      <label for={id}>{app.t("common.embed_help")}</label>
      <textarea
        id={id}
        readOnly
        rows={3}
        value={code}
        onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()}
      />
    </details>
  );
}

export function Downloads({ files }: { files: { label: string; path: string }[] }) {
  const { t } = useApp();
  return (
    <p class="downloads">
      <span>{t("site.downloads")}: </span>
      {files.map((f, i) => (
        <>
          {i ? " · " : ""}
          <a href={`data/${f.path}`} download>
            {f.label}
          </a>
        </>
      ))}
    </p>
  );
}

/** A link that leaves the site (MOA documents, sources): marked for screen readers. */
export function ExtLink({ href, children }: { href: string | null | undefined; children: ComponentChildren }) {
  const { t } = useApp();
  if (!href || !/^https?:\/\//i.test(href)) return <>{children}</>;
  return (
    <a href={href} rel="noopener noreferrer" target="_blank">
      {children}
      <span class="sr-only"> {t("common.external")}</span>
    </a>
  );
}

export function ModelBadge({ model }: { model: string }) {
  const { tv } = useApp();
  return (
    <abbr class={`model model-${model}`} title={tv("model", model)}>
      {model}
    </abbr>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { tv } = useApp();
  return <span class={`status status-${status}`}>{tv("status", status)}</span>;
}

/** A map legend as a plain list: swatches with their labels, readable by screen readers. */
export function Legend({ label, items }: { label: string; items: { colour: string; label: string }[] }) {
  return (
    <ul class="legend" aria-label={label}>
      {items.map((l) => (
        <li key={l.label}>
          <span class="swatch" style={{ background: l.colour }} aria-hidden="true" />
          {l.label}
        </li>
      ))}
    </ul>
  );
}
