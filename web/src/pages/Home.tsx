// Home: the headline figures, agreements listed each month since the first list, the latest
// changes, and the date of the latest list.
import type { Summary, TimelineFile } from "@domain";
import { useApp } from "../app.js";
import { TimelineFigure } from "../components/charts.js";
import { EventLine } from "../components/events.js";
import { LookupBox } from "../components/LookupBox.js";
import { ByModel, Downloads, Ready, Section, Stat } from "../components/ui.js";
import { useAll } from "../data.js";

export default function Home() {
  const app = useApp();
  const v = useAll<[Summary, TimelineFile]>(["summary.json", "timeline.json"]);
  return (
    <Ready v={v} what="summary.json">
      {([s, tl]) => {
        const chart = (
          <TimelineFigure
            points={tl.monthly}
            title={app.t("home.timeline_title", { date: app.date(tl.first_list) })}
            desc={app.t("home.timeline_desc")}
            embedPath={app.link("/", { embed: 1 })}
          />
        );
        if (app.embed)
          return (
            <>
              <h1 class="embed-title">{app.t("home.timeline_title", { date: app.date(tl.first_list) })}</h1>
              {chart}
            </>
          );
        return (
          <>
            <h1>{app.t("home.title")}</h1>
            <p class="lead">{app.t("home.intro")}</p>
            <LookupBox />
            <dl class="stats">
              <Stat label={app.t("home.active")} value={app.num(s.active.agreements)} />
              <Stat label={app.t("home.agencies")} value={app.num(s.active.agencies)} />
              <Stat
                label={app.t("home.states")}
                value={app.num(s.active.states)}
                note={
                  [
                    s.active.dc ? app.t("home.states_dc") : "",
                    s.active.territories.length
                      ? app.t("home.states_plus", { places: app.places(s.active.territories) })
                      : "",
                  ]
                    .filter(Boolean)
                    .join(", ") || undefined
                }
              />
              <Stat
                label={app.t("home.latest_list")}
                value={<time dateTime={s.latest_list}>{app.date(s.latest_list)}</time>}
                note={app.t("home.lists", {
                  n: app.num(s.lists.observations),
                  files: app.num(s.lists.files),
                  q: app.num(s.lists.quarantined),
                })}
              />
            </dl>
            <ByModel counts={s.active} />
            {s.status.pending_removal > 0 && (
              <p class="unconfirmed">
                {app.t("home.unconfirmed", {
                  n: app.num(s.status.pending_removal),
                  date: app.date(s.latest_list),
                })}{" "}
                <a href={app.link("/agreements?status=pending_removal")}>{app.t("home.unconfirmed_link")}</a>
              </p>
            )}
            <p class="muted">
              {app.t("home.ever", { date: app.date(s.first_list) })}: {app.num(s.ever.agreements)}.{" "}
              {app.t("home.pending", {
                pending: app.num(s.applications.pending),
                signed: app.num(s.applications.signed),
                dropped: app.num(s.applications.dropped),
              })}
            </p>
            {chart}
            <Section id="latest-changes" title={app.t("home.latest_changes")}>
              <ul class="events">
                {s.latest_changes.map((e) => (
                  <EventLine key={e.seq} e={e} />
                ))}
              </ul>
              <p>
                <a href={app.link("/changes")}>{app.t("home.all_changes")}</a>
              </p>
            </Section>
            <Section id="explore" title={app.t("home.explore")}>
              <ul class="explore">
                <li>
                  <a href={app.link("/map")}>{app.t("nav.map")}</a>: {app.t("home.explore_map")}
                </li>
                <li>
                  <a href={app.link("/agreements")}>{app.t("nav.agreements")}</a>: {app.t("home.explore_table")}
                </li>
                <li>
                  <a href={app.link("/methodology")}>{app.t("nav.methodology")}</a>: {app.t("home.explore_method")}
                </li>
              </ul>
            </Section>
            <Downloads paths={["summary.json", "timeline.csv", "agreements.csv"]} />
          </>
        );
      }}
    </Ready>
  );
}
