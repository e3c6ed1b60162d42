// "The three models" in plain words: what officers of an agency with each kind of 287(g)
// agreement may do, where, and to whom, with how many agreements of each are listed now.
import { MODELS, type Summary } from "@domain";
import { useApp } from "../app.js";
import { DataTable, Ready } from "../components/ui.js";
import { useData } from "../data.js";
import type { Key } from "../i18n/index.js";

const ROWS = ["where", "who", "what", "not"] as const;

export default function Models() {
  const app = useApp();
  const v = useData<Summary>("summary.json");
  return (
    <>
      <h1>{app.t("models.title")}</h1>
      <p class="lead">{app.t("models.intro")}</p>
      {MODELS.map((m) => (
        <section key={m} aria-labelledby={`model-${m}`} class="model-card">
          <h2 id={`model-${m}`}>{app.tv("model", m)}</h2>
          <p>{app.t(`models.${m}.plain` as Key)}</p>
          <ul>
            {ROWS.map((r) => (
              <li key={r}>
                <strong>{app.t(`models.row.${r}` as Key)}</strong> {app.t(`models.${m}.${r}` as Key)}
              </li>
            ))}
          </ul>
          <Ready v={v} what="summary.json">
            {(s) => (
              <p>
                <a href={app.link("/agreements", { model: m })}>
                  {app.t("models.listed_now", { n: app.num(s.active[m]), date: app.date(s.latest_list) })}
                </a>
              </p>
            )}
          </Ready>
        </section>
      ))}
      <DataTable
        caption={app.t("models.compare")}
        rows={[...ROWS]}
        rowKey={(r) => r}
        columns={[
          { key: "row", label: "", render: (r) => app.t(`models.row.${r}` as Key) },
          ...MODELS.map((m) => ({
            key: m,
            label: app.tv("model", m),
            render: (r: string) => app.t(`models.${m}.${r}` as Key),
          })),
        ]}
      />
      <p class="note">{app.t("models.source")}</p>
    </>
  );
}
