// Claims: each published claim checked against the record, with its verdict, every reading of
// it, and the evidence behind each computed figure.
import type { ClaimReadingItem, ClaimsFile } from "@domain";
import { useApp } from "../app.js";
import { English, Msg } from "../components/Msg.js";
import { DataTable, Downloads, ExtLink, Ready } from "../components/ui.js";
import { useData } from "../data.js";

export default function Claims() {
  const app = useApp();
  const figure = (v: number | null, unit: "count" | "year") =>
    v === null ? "" : unit === "year" ? String(v) : app.num(v);
  // A reading's name is our own wording: Spanish pages show the claim file's `name_es`.
  const name = (r: ClaimReadingItem) => (app.lang === "es" && r.name_es ? r.name_es : <English>{r.name}</English>);
  const v = useData<ClaimsFile>("claims.json");
  return (
    <Ready v={v} what="claims.json">
      {(d) => (
        <>
          <h1>{app.t("claims.title")}</h1>
          <p class="lead">{app.t("claims.intro")}</p>
          {d.missing.length ? (
            <p class="note">{app.t("common.missing_layers", { layers: d.missing.join("; ") })}</p>
          ) : null}
          {!d.claims.length ? <p>{app.t("claims.none")}</p> : null}
          {d.claims.map((c) => (
            <article key={`${c.file}|${c.id}`} class={`card claim claim-${c.verdict}`} id={`claim-${c.id}`}>
              <h2>
                <span class={`verdict verdict-${c.verdict}`}>{app.tv("verdict", c.verdict)}</span>{" "}
                <q>
                  <English>{c.text}</English>
                </q>
              </h2>
              <p class="muted">
                <ExtLink href={c.source_url}>{c.source}</ExtLink> ·{" "}
                {app.t("claims.made_on", { date: app.date(c.made_on) })}
                {c.readings_disagree ? ` · ${app.t("claims.disagree")}` : ""}
              </p>
              {c.depends_on_later_correction ? <p class="note">{app.t("claims.later_correction")}</p> : null}
              <DataTable
                caption={app.t("claims.readings_of", { id: c.id })}
                rows={c.readings}
                rowKey={(r) => r.name}
                columns={[
                  { key: "name", label: app.t("claims.reading"), render: name },
                  { key: "value", label: app.t("claims.value"), numeric: true, render: (r) => figure(r.value, r.unit) },
                  {
                    key: "claimed",
                    label: app.t("claims.claimed"),
                    numeric: true,
                    render: (r) =>
                      r.claimed === null ? "" : `${app.tv("claims.op", r.op)} ${figure(r.claimed, r.unit)}`,
                  },
                  {
                    key: "verdict",
                    label: app.t("claims.verdict"),
                    render: (r) => <span class={`verdict verdict-${r.verdict}`}>{app.tv("verdict", r.verdict)}</span>,
                  },
                  {
                    key: "reason",
                    label: app.t("claims.why"),
                    render: (r) =>
                      app.lang === "es" && r.reason_es ? r.reason_es : <Msg text={r.reason} msgRef={r.reason_msg} />,
                  },
                ]}
              />
              {c.readings.some((r) => r.ids.length || r.notes.length || r.computed_from) ? (
                <details>
                  <summary>{app.t("claims.evidence")}</summary>
                  {c.readings.map((r) => (
                    <div key={r.name} class="evidence">
                      <h3>{name(r)}</h3>
                      {r.computed_from ? (
                        <p>{app.t("claims.computed_from", { source: app.msg(r.computed_from) })}</p>
                      ) : null}
                      {r.notes.length ? (
                        <ul>
                          {r.notes.map((n) => (
                            <li key={n}>
                              <English>{n}</English>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                      {r.ids.length ? (
                        <p>
                          {app.t("claims.sample", { n: app.num(r.ids.length), total: app.num(r.ids_total) })}:{" "}
                          {r.ids.map((id, i) => (
                            <span key={id}>
                              {i ? ", " : ""}
                              {/^[a-z]{2}-[a-z0-9-]+(\/|$)/.test(id) ? (
                                <a href={app.link(`/agency/${id.split("/")[0]}`)}>{id}</a>
                              ) : (
                                id
                              )}
                            </span>
                          ))}
                        </p>
                      ) : null}
                    </div>
                  ))}
                </details>
              ) : null}
            </article>
          ))}
          <Downloads paths={["claims.json", "claims.csv"]} />
        </>
      )}
    </Ready>
  );
}
