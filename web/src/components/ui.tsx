// Small shared pieces: loading, error and not-found states, headline figures and counts by model,
// the generic table, a figure with its table twin and embed code, and download links.
import { MODELS, type Model } from "@domain";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { useApp } from "../app.js";
import { type Loaded, useData } from "../data.js";
import { HEIGHT_MESSAGE, type HeightMessage, listenerScript } from "../embed.js";

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

/** The page for an agency, a state… that does not exist. */
export function NotFound({ text }: { text: string }) {
  const { t } = useApp();
  return (
    <>
      <h1>{t("common.not_found")}</h1>
      <p>{text}</p>
    </>
  );
}

/** Renders `children(data)` once a file is loaded; loading and error states in between. */
export function Ready<T>({ v, what, children }: { v: Loaded<T>; what: string; children: (d: T) => ComponentChildren }) {
  if (v.state === "loading") return <Loading />;
  if (v.state === "error") return <ErrorBox what={what} error={v.error} />;
  return <>{children(v.data)}</>;
}

/** Loads one data file and renders `children(data)` once it is there (`what` names it in an error). */
export function WithFile<T>({
  path,
  what = path,
  children,
}: {
  path: string;
  what?: string;
  children: (d: T) => ComponentChildren;
}) {
  return (
    <Ready v={useData<T>(path)} what={what}>
      {children}
    </Ready>
  );
}

/** A titled part of a page: its heading names the section for screen readers. */
export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
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

export interface DataTableProps<R> {
  caption: ComponentChildren;
  columns: Column<R>[];
  rows: R[];
  sort?: { key: string; dir: "asc" | "desc" };
  onSort?: (key: string) => void;
  rowKey?: (r: R, i: number) => string;
  /** A line shown instead of the table when there are no rows; without it an empty table is shown. */
  empty?: string;
}

export function DataTable<R>({ caption, columns, rows, sort, onSort, rowKey, empty }: DataTableProps<R>) {
  const { t } = useApp();
  if (!rows.length && empty !== undefined) return <p>{empty}</p>;
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
  const cap = useRef<HTMLElement>(null);
  // An embed's heading often is the figure's title: then the caption stays for screen readers
  // (it names the figure) but is not shown, so the title appears once.
  const [dup, setDup] = useState(false);
  useEffect(() => {
    if (!app.embed) return setDup(false);
    const h1 = cap.current?.closest("main")?.querySelector("h1");
    setDup(!!h1 && h1.textContent?.trim() === title.trim());
  }, [app.embed, title]);
  return (
    <figure class="figure" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`} ref={cap} class={dup ? "fig-title sr-only" : "fig-title"}>
        {title}
      </figcaption>
      {desc ? <p class="fig-desc">{desc}</p> : null}
      <div class="chart">{chart}</div>
      <Twin>{table}</Twin>
      {embedPath && !app.embed ? <EmbedCode path={embedPath} title={title} /> : null}
    </figure>
  );
}

/** A chart's or map's numbers as a table, folded away under `summary` until the reader opens it. */
export function Twin({ summary, children }: { summary?: string; children: ComponentChildren }) {
  const { t } = useApp();
  return (
    <details class="twin">
      <summary>{summary ?? t("common.show_table")}</summary>
      {children}
    </details>
  );
}

/** Before the embed has been measured: about a chart's height at a phone's or column's width. */
const DEFAULT_EMBED_HEIGHT = 560;

/**
 * The code to embed a view: an iframe sized to the content as measured (the view is loaded once,
 * hidden, at the width of this box, when the reader opens it) and a one-line listener that
 * keeps it sized to its content at whatever width the host page gives it.
 */
export function EmbedCode({ path, title }: { path: string; title: string }) {
  const app = useApp();
  const id = useId();
  const box = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  const [height, setHeight] = useState<number | null>(null);
  const base = `${location.origin}${location.pathname}`;
  const src = `${base}${path}`;
  useEffect(() => {
    const el = box.current;
    if (!open || !el) return;
    setHeight(null);
    const frame = document.createElement("iframe");
    frame.src = src;
    frame.title = title;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.style.cssText = `position:absolute;left:-10000px;top:0;border:0;visibility:hidden;height:200px;width:${Math.max(280, Math.round(el.getBoundingClientRect().width))}px`;
    const on = (e: MessageEvent) => {
      const d = e.data as HeightMessage | null;
      if (e.source !== frame.contentWindow || !d || d.type !== HEIGHT_MESSAGE || !d.ready) return;
      setHeight(d.height);
    };
    addEventListener("message", on);
    document.body.appendChild(frame);
    return () => {
      removeEventListener("message", on);
      frame.remove();
    };
  }, [open, src]);
  const frameId = `g287-embed-${Math.abs(hashOf(path)).toString(36)}`;
  const code = `<iframe id="${frameId}" src="${src}" title="${title.replace(/"/g, "&quot;")}" width="100%" height="${height ?? DEFAULT_EMBED_HEIGHT}" style="border:0;width:100%" loading="lazy"></iframe>\n${listenerScript(frameId, location.origin)}`;
  return (
    <details class="embed" ref={box} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{app.t("common.embed")}</summary>
      <label for={id}>{app.t("common.embed_help")}</label>
      <textarea
        id={id}
        readOnly
        rows={4}
        value={code}
        data-height={height ?? ""}
        onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()}
      />
    </details>
  );
}

/** A short stable id for an embed path (the iframe's id on the host page). */
function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Links to a page's data files, given by their paths under data/; each is labelled by its file name. */
export function Downloads({ paths }: { paths: string[] }) {
  const { t } = useApp();
  return (
    <p class="downloads">
      <span>{t("site.downloads")}: </span>
      {paths.map((path, i) => (
        <>
          {i ? " · " : ""}
          <a href={`data/${path}`} download>
            {path.slice(path.lastIndexOf("/") + 1)}
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

/** "By model: JEM … · TFM … · WSO …", the counts of one place or of the whole list. */
export function ByModel({ counts }: { counts: Record<Model, number> }) {
  const app = useApp();
  return (
    <p class="by-model">
      {app.t("home.by_model")}:{" "}
      {MODELS.map((m, i) => (
        <span key={m}>
          {i ? " · " : ""}
          <ModelBadge model={m} /> {app.tv("model", m)}: <strong>{app.num(counts[m])}</strong>
        </span>
      ))}
    </p>
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
