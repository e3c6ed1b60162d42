// Agency page: its agreements with MOA links and the list rows behind each one, when each was
// listed (chart and table), its names as listed over time, and its full event history.
import type { AgencyAgreement, AgencyFile, MoaDocumentLink, SourceRow } from "@domain";
import type { ComponentChildren } from "preact";
import { useApp, useTitle } from "../app.js";
import { PeriodsChart } from "../components/charts.js";
import { modelColumn, valueColumn } from "../components/columns.js";
import { EventLine } from "../components/events.js";
import { LawNearEnd } from "../components/LawNearEnd.js";
import { TableSection } from "../components/TableSection.js";
import {
  DataTable,
  Downloads,
  ExtLink,
  Figure,
  ModelBadge,
  NotFound,
  Ready,
  Section,
  StatusBadge,
} from "../components/ui.js";
import { missing, useData } from "../data.js";

export default function Agency() {
  const app = useApp();
  const id = app.route.parts[1] ?? "";
  const ok = /^[a-z0-9][a-z0-9-]*$/.test(id);
  const v = useData<AgencyFile>(ok ? `agency/${id}.json` : null);
  if (!ok || missing(v)) return <NotFound text={app.t("agency.not_found")} />;
  return (
    <Ready v={v} what={`agency/${id}.json`}>
      {(d) => <AgencyView d={d} />}
    </Ready>
  );
}

function Source({ label, s }: { label: "agency.first_source" | "agency.latest_source"; s: SourceRow | null }) {
  const app = useApp();
  if (!s) return null;
  return (
    <li>
      {app.t(label, { list: s.list, row: s.row })} ({app.date(s.published_at)};{" "}
      {app.t("agency.tier", { tier: app.tv("tier", s.tier) })}
      {s.name_as_listed ? `; “${s.name_as_listed}”` : ""})
    </li>
  );
}

function AgencyView({ d }: { d: AgencyFile }) {
  const app = useApp();
  const a = d.agency;
  useTitle(a.name);
  const periods = d.agreements.flatMap((g) =>
    g.periods.map(([start, end]) => ({
      id: g.agreement_id,
      label: `${g.model} ${g.signed_on ?? ""}`.trim(),
      model: g.model,
      start,
      end,
    })),
  );
  const title = app.t("agency.periods_title");
  const chart = <PeriodsChart periods={periods} until={d.latest_list} label={title} />;
  const table = (
    <DataTable
      caption={title}
      rows={periods}
      rowKey={(p) => `${p.id}|${p.start}`}
      columns={[
        { key: "label", label: app.t("common.model"), render: (p) => p.label },
        { key: "start", label: app.t("agency.period_from"), render: (p) => app.date(p.start) },
        {
          key: "end",
          label: app.t("agency.period_to"),
          render: (p) => (p.end ? app.date(p.end) : app.t("common.still_listed")),
        },
      ]}
    />
  );
  const figure = (
    <Figure
      title={title}
      desc={app.t("agency.periods_desc")}
      chart={chart}
      table={table}
      embedPath={app.link(`/agency/${a.agency_id}`, { embed: 1 })}
    />
  );
  if (app.embed)
    return (
      <>
        <h1 class="embed-title">{a.name}</h1>
        {figure}
      </>
    );
  const place = a.statewide
    ? app.t("agency.statewide")
    : a.county_fips
      ? `${a.county_name ?? a.county ?? a.county_fips} (${a.county_fips})`
      : a.county
        ? `${a.county} (${app.t("agency.unplaced")})`
        : app.t("agency.unplaced");
  return (
    <>
      <p class="crumbs">
        <a href={app.link(`/state/${a.state}`)}>{app.stateName(a.state)}</a>
      </p>
      <h1>{a.name}</h1>
      <Section id="facts" title={app.t("agency.facts")}>
        <dl class="facts">
          <dt>{app.t("common.state")}</dt>
          <dd>
            <a href={app.link(`/state/${a.state}`)}>{app.stateName(a.state)}</a>
          </dd>
          <dt>{app.t("common.type")}</dt>
          <dd>{app.tv("type", a.type)}</dd>
          <dt>{app.t("agency.placement")}</dt>
          <dd>
            {place}
            {a.place_basis ? (
              <span class="muted"> · {app.t("agency.placement_basis", { basis: app.tv("basis", a.place_basis) })}</span>
            ) : null}
          </dd>
          {a.ori ? (
            <>
              <dt>{app.t("agency.ori")}</dt>
              <dd>{a.ori}</dd>
            </>
          ) : null}
          <dt>{app.t("agency.first_seen")}</dt>
          <dd>{app.date(a.first_seen)}</dd>
          <dt>{app.t("agency.last_seen")}</dt>
          <dd>{app.date(a.last_seen)}</dd>
        </dl>
      </Section>
      <Section id="agreements" title={app.t("agency.agreements")}>
        {d.agreements.map((g) => (
          <AgreementCard key={g.agreement_id} g={g} />
        ))}
      </Section>
      <LawNearEnd d={d} />
      {d.documents?.length ? <Documents docs={d.documents} /> : null}
      {figure}
      <TableSection
        id="names"
        title={app.t("agency.names")}
        rows={a.names}
        rowKey={(n) => n.name}
        columns={[
          { key: "name", label: app.t("agency.name"), render: (n) => n.name },
          { key: "first", label: app.t("agency.names_first"), render: (n) => app.date(n.firstSeen) },
          { key: "last", label: app.t("agency.names_last"), render: (n) => app.date(n.lastSeen) },
        ]}
      />
      <TableSection
        id="apps"
        title={app.t("agency.applications")}
        empty={null}
        rows={d.applications}
        rowKey={(p) => p.application_id}
        columns={[
          modelColumn(app),
          { key: "first", label: app.t("agency.pending_since"), render: (p) => app.date(p.first_listed) },
          { key: "last", label: app.t("agreements.last_listed"), render: (p) => app.date(p.last_listed) },
          valueColumn(app, "status", app.t("common.status")),
          { key: "signed", label: app.t("agreements.signed"), render: (p) => app.date(p.signed_on) },
        ]}
      />
      <Section id="history" title={app.t("agency.events")}>
        <ul class="events">
          {d.events.map((e) => (
            <EventLine key={e.seq} e={e} showAgency={false} />
          ))}
        </ul>
      </Section>
      <Downloads paths={[`agency/${a.agency_id}.json`, `agency/${a.agency_id}.csv`]} />
    </>
  );
}

/** A term and its value in a card's facts, left out when there is no value. */
function Fact({ label, value }: { label: string; value: ComponentChildren }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

/** A document link named by its file name. */
const FileLink = ({ url }: { url: string }) => <ExtLink href={url}>{decodeSafe(url.split("/").pop() ?? url)}</ExtLink>;

function AgreementCard({ g }: { g: AgencyAgreement }) {
  const app = useApp();
  const history = (g.signed_history as { date: string; seen: string }[]) ?? [];
  const gaps = (g.gaps as { from: string; to: string; lists: number }[]) ?? [];
  return (
    <article class="card agreement" data-agreement={g.agreement_id}>
      <h3>
        <ModelBadge model={g.model} /> {app.tv("model", g.model)} · <StatusBadge status={g.status} />
      </h3>
      <dl class="facts">
        <dt>{app.t("agreements.signed")}</dt>
        <dd>{app.date(g.signed_on) || app.t("common.unknown")}</dd>
        <dt>{app.t("agreements.first_listed")}</dt>
        <dd>{app.date(g.first_listed)}</dd>
        <dt>{app.t("agreements.last_listed")}</dt>
        <dd>{app.date(g.last_listed)}</dd>
        <Fact label={app.t("agreements.ended")} value={g.ended_on && app.date(g.ended_on)} />
        <Fact label={app.t("agreements.moa")} value={g.moa_url && <FileLink url={g.moa_url} />} />
        <Fact label={app.t("agreements.addendum")} value={g.addendum_url && <FileLink url={g.addendum_url} />} />
        <Fact label={app.t("agency.predecessor")} value={g.predecessor_id} />
        <Fact label={app.t("agency.successor")} value={g.successor_id} />
      </dl>
      <h4>{app.t("agency.provenance")}</h4>
      <ul class="provenance">
        <Source label="agency.first_source" s={g.first_source} />
        <Source label="agency.latest_source" s={g.latest_source} />
        <li>{app.t("agency.listings", { n: app.num(g.listings) })}</li>
        <li>
          <code>{g.agreement_id}</code>
        </li>
      </ul>
      {history.length > 1 ? (
        <>
          <h4>{app.t("agency.signed_history")}</h4>
          <ul>
            {history.map((h) => (
              <li key={`${h.date}|${h.seen}`}>
                {app.t("agency.signed_seen", { date: app.date(h.date), seen: app.date(h.seen) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {gaps.length ? (
        <>
          <h4>{app.t("agency.gaps")}</h4>
          <ul>
            {gaps.map((h) => (
              <li key={h.from}>
                {app.t("agency.gap_row", { from: app.date(h.from), to: app.date(h.to), n: app.num(h.lists) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The MOA documents `g287 moa` kept: template, signatures, the check against the list, and links. */
function Documents({ docs }: { docs: MoaDocumentLink[] }) {
  const app = useApp();
  const kind = (d: MoaDocumentLink) =>
    `${d.kind.toUpperCase()}${d.model ? ` · ${d.model}` : ""}${d.effective_on ? ` · ${app.date(d.effective_on)}` : ""}`;
  const check = (d: MoaDocumentLink) =>
    d.checks.length
      ? d.checks
          .map((c) =>
            c.model === "mismatch" || c.date === "mismatch"
              ? app.t("agency.doc_mismatch", { reasons: c.reasons.join("; ") })
              : c.model === "ok" && c.date === "ok"
                ? app.t("agency.doc_ok")
                : app.t("agency.doc_unverified"),
          )
          .join(" · ")
      : app.t("agency.doc_unverified");
  return (
    <TableSection
      id="documents"
      title={app.t("agency.documents")}
      intro={<p class="muted">{app.t("agency.documents_desc")}</p>}
      rows={docs}
      rowKey={(d) => d.sha256}
      columns={[
        { key: "kind", label: app.t("agency.doc_kind"), render: kind },
        { key: "template", label: app.t("agency.doc_template"), render: (d) => d.template ?? "" },
        {
          key: "signed",
          label: app.t("agency.doc_signed"),
          render: (d) =>
            d.signatures
              .map((g) => [g.name, g.title, g.date ? app.date(g.date) : null].filter(Boolean).join(", "))
              .filter(Boolean)
              .join("; "),
        },
        { key: "check", label: app.t("agency.doc_check"), render: check },
        {
          key: "links",
          label: app.t("agency.doc_links"),
          render: (d) => (
            <>
              <a href={d.copy}>{app.t("agency.doc_copy")}</a>
              {d.url ? (
                <>
                  {" · "}
                  <ExtLink href={d.url}>{app.t("agency.doc_source")}</ExtLink>
                </>
              ) : null}
            </>
          ),
        },
      ]}
    />
  );
}
