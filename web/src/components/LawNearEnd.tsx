// On an agency page: for each agreement that ended (removed), the state laws and lawsuits in force
// or dated within six months of its end. Named beside the end date, never as its cause: the lists
// say when an agreement left, not why.
import type { AgencyFile, LitigationItem, PolicyItem, StateFile } from "@domain";
import { useApp } from "../app.js";
import { useData } from "../data.js";

const WINDOW_DAYS = 183;

const shift = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Laws in force at some point within the window around `end` (enacted or effective by its close). */
export function lawsNear(policies: readonly PolicyItem[], end: string): PolicyItem[] {
  const from = shift(end, -WINDOW_DAYS);
  const to = shift(end, WINDOW_DAYS);
  return policies.filter((p) => {
    if (p.proposed) return false;
    const start = p.effective ?? p.enacted;
    if (!start || start > to) return false;
    return p.until === null || p.until >= from;
  });
}

/** Lawsuits or opinions with a date (filed or latest) inside the window around `end`. */
export function suitsNear(items: readonly LitigationItem[], end: string): LitigationItem[] {
  const from = shift(end, -WINDOW_DAYS);
  const to = shift(end, WINDOW_DAYS);
  return items.filter((l) => {
    const start = l.filed ?? l.last_date;
    const last = l.last_date ?? l.filed;
    return !!start && !!last && start <= to && last >= from;
  });
}

export function LawNearEnd({ d }: { d: AgencyFile }) {
  const app = useApp();
  const ended = d.agreements.filter((g) => g.status === "removed" && g.ended_on);
  const v = useData<StateFile>(ended.length ? `state/${d.agency.state}.json` : null);
  if (!ended.length || v.state !== "ready") return null;
  const notes = ended
    .map((g) => ({
      g,
      laws: lawsNear(v.data.policies, g.ended_on as string),
      suits: suitsNear(v.data.litigation, g.ended_on as string),
    }))
    .filter((x) => x.laws.length || x.suits.length);
  if (!notes.length) return null;
  const state = app.stateName(d.agency.state);
  return (
    <section aria-labelledby="law-near-end" class="law-near-end">
      <h2 id="law-near-end">{app.t("agency.law_near_end")}</h2>
      {notes.map(({ g, laws, suits }) => (
        <div key={g.agreement_id}>
          <p>
            {app.t("agency.law_near_end_lead", {
              model: app.tv("model", g.model),
              date: app.date(g.ended_on),
              state,
            })}
          </p>
          <ul>
            {laws.map((p) => (
              <li key={`${p.kind}-${p.citation}`}>
                {app.t("agency.law_near_end_law", {
                  kind: app.tv("policy", p.kind),
                  date: app.date(p.effective ?? p.enacted),
                })}{" "}
                {/* Citations are quoted as the law names itself, in English. */}
                <span lang="en">{p.citation}</span>{" "}
                {p.source_url ? (
                  <a href={p.source_url} rel="noopener" target="_blank">
                    {app.t("common.source")}
                  </a>
                ) : null}
              </li>
            ))}
            {suits.map((l) => (
              <li key={l.title}>
                <span lang="en">{l.title}</span>
                {app.t("agency.law_near_end_suit", { date: app.date(l.filed ?? l.last_date) })}
              </li>
            ))}
          </ul>
          <p class="note">{app.t("agency.law_near_end_caveat")}</p>
        </div>
      ))}
    </section>
  );
}
