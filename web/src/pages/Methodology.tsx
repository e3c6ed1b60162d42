// Methodology: where the lists come from, the rules that turn them into a ledger (with the
// thresholds actually in force), the corrections made, how agencies are placed, and known limits.
import type { MethodologyFile } from "@domain";
import { type App, useApp } from "../app.js";
import { countColumn, valueColumn } from "../components/columns.js";
import { Msg } from "../components/Msg.js";
import { TableSection } from "../components/TableSection.js";
import { type Column, DataTable, Downloads, Ready, Section } from "../components/ui.js";
import { useData } from "../data.js";

/** How many rows or agencies have each value of a coded field: the identity tiers' and placement's tables. */
function tallyColumns<R extends Record<K, string> & Record<C, number>, K extends string, C extends string>(
  app: App,
  key: K,
  label: string,
  count: C,
  countLabel: string,
): Column<R>[] {
  return [valueColumn(app, key, label), countColumn(app, count, countLabel)];
}

export default function Methodology() {
  const app = useApp();
  const v = useData<MethodologyFile>("methodology.json");
  return (
    <Ready v={v} what="methodology.json">
      {(d) => {
        const r = d.rules;
        const unplaced = d.placement.find((p) => p.basis === "unplaced")?.agencies ?? 0;
        const agencies = d.placement.reduce((a, p) => a + p.agencies, 0);
        return (
          <>
            <h1>{app.t("method.title")}</h1>
            <p class="lead">{app.t("method.intro")}</p>
            <Section id="m-sources" title={app.t("method.sources")}>
              <p>
                {app.t("method.sources_text", {
                  files: app.num(d.archive.files),
                  first: app.date(d.first_list),
                  last: app.date(d.latest_list),
                  observations: app.num(d.archive.observations),
                })}
              </p>
              <p>
                {app.t("method.applied", {
                  applied: app.num(d.archive.applied),
                  quarantined: app.num(d.archive.quarantined),
                  not_applied: app.num(d.archive.not_applied),
                })}
              </p>
              <h3>{app.t("method.layers")}</h3>
              <p>{app.t("method.layers_text")}</p>
              {d.layers.length ? (
                <ul>
                  {d.layers.map((l) => (
                    <li key={l.name}>
                      {app.tv("layer", l.name)}
                      {l.rows !== null ? `: ${app.num(l.rows)}` : ""}
                      {l.note && app.lang === "en" ? `. ${l.note}` : ""}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Section>
            <Section id="m-rules" title={app.t("method.rules")}>
              <ol class="rules">
                <li>{app.t("method.rule_order")}</li>
                <li>
                  {app.t("method.rule_quarantine", {
                    share: app.num(Math.round((r.minRowShare ?? 0) * 100)),
                    min: app.num(r.stateVanishMin ?? 0),
                    keep: app.num(Math.round((r.stateKeepShare ?? 0) * 100)),
                  })}
                </li>
                <li>{app.t("method.rule_identity", { typo: app.num(r.typoMaxDistance ?? 0) })}</li>
                <li>
                  {app.t("method.rule_removal", {
                    lists: app.num(r.removalLists ?? 0),
                    days: app.num(r.removalDays ?? 0),
                  })}
                </li>
              </ol>
              <DataTable
                caption={app.t("method.tiers")}
                rows={d.identity_tiers}
                rowKey={(t) => t.tier}
                columns={tallyColumns(app, "tier", app.t("method.tier"), "rows", app.t("method.rows"))}
              />
            </Section>
            <TableSection
              id="m-corrections"
              title={app.t("method.corrections")}
              intro={<p>{app.t("method.corrections_text")}</p>}
              rows={d.corrections}
              rowKey={(c) => `${c.rule}|${c.field}`}
              columns={[
                { key: "rule", label: app.t("method.rule"), render: (c) => <code>{c.rule}</code> },
                { key: "field", label: app.t("method.field"), render: (c) => c.field },
                countColumn(app, "cells", app.t("method.cells")),
                countColumn(app, "lists", app.t("method.lists")),
              ]}
            >
              <h3>{app.t("method.quarantined")}</h3>
              <ul>
                {d.quarantined.map((q) => (
                  <li key={q.file}>
                    {app.date(q.date)} · <code>{q.file}</code>: <Msg text={q.reason} />
                  </li>
                ))}
              </ul>
              {d.kind_mismatches.length ? (
                <>
                  <h3>{app.t("method.mismatches")}</h3>
                  <ul>
                    {d.kind_mismatches.map((k) => (
                      <li key={k.file}>
                        {app.date(k.date)} ·{" "}
                        {app.t("method.mismatch_row", {
                          file: k.file,
                          named: app.tv("kind", k.file_name_says).toLowerCase(),
                          content: app.tv("kind", k.content_is).toLowerCase(),
                        })}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </TableSection>
            <TableSection
              id="m-placement"
              title={app.t("method.placement")}
              rows={d.placement}
              rowKey={(p) => p.basis}
              columns={tallyColumns(app, "basis", app.t("method.basis"), "agencies", app.t("common.agencies"))}
            />
            <Section id="m-limits" title={app.t("method.limits")}>
              <ul>
                <li>{app.t("method.limit_dates")}</li>
                <li>{app.t("method.limit_placement", { unplaced: app.num(unplaced), total: app.num(agencies) })}</li>
                <li>{app.t("method.limit_review", { n: app.num(d.review_queue) })}</li>
                <li>{app.t("method.limit_ct")}</li>
                <li>{app.t("method.limit_population")}</li>
              </ul>
              {d.missing.length ? (
                <p class="note">{app.t("common.missing_layers", { layers: d.missing.join("; ") })}</p>
              ) : null}
            </Section>
            <Downloads paths={["methodology.json"]} />
          </>
        );
      }}
    </Ready>
  );
}
