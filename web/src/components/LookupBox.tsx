// "Am I covered?" on Home: one box for a ZIP code, a town or a county (kept in the address as
// ?q=, so an answer can be shared), and a button for the browser's location, asked only on a click
// and never put in the address. Answers come from the site's own files (LookupClient.ts).
import { useEffect, useRef, useState } from "preact/hooks";
import { type App, useApp } from "../app.js";
import { type AnswerAgency, type LookupAnswer, type LookupResult, lookupAt, lookupText } from "./LookupClient.js";
import { ModelBadge } from "./ui.js";

type State =
  | { kind: "idle" }
  | { kind: "busy"; what: "search" | "locate" }
  | { kind: "done"; result: LookupResult; q: string | null }
  | { kind: "error"; message: string };

/** A data value's message with its values filled in (`lookup.note.point_near` + {place}). */
function message(app: App, prefix: string, key: string, values: Record<string, string | number>): string {
  return app.tv(prefix, key).replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

export function LookupBox() {
  const app = useApp();
  const q = app.q("q");
  const [text, setText] = useState(q);
  const [state, setState] = useState<State>({ kind: "idle" });
  const live = useRef(0);

  useEffect(() => {
    setText(q);
    if (!q.trim()) {
      setState((s) => (s.kind === "done" && s.q === null ? s : { kind: "idle" }));
      return;
    }
    const n = ++live.current;
    setState({ kind: "busy", what: "search" });
    lookupText(q).then(
      (result) => n === live.current && setState({ kind: "done", result, q }),
      (e: Error) => n === live.current && setState({ kind: "error", message: e.message }),
    );
  }, [q]);

  const locate = () => {
    if (!("geolocation" in navigator)) {
      setState({ kind: "error", message: app.t("lookup.locate_denied", { message: "—" }) });
      return;
    }
    const n = ++live.current;
    setState({ kind: "busy", what: "locate" });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (q) app.setQuery({ q: null }, { replace: true });
        lookupAt(pos.coords.latitude, pos.coords.longitude).then(
          (result) => n === live.current && setState({ kind: "done", result, q: null }),
          (e: Error) => n === live.current && setState({ kind: "error", message: e.message }),
        );
      },
      (err) =>
        n === live.current &&
        setState({
          kind: "error",
          message: app.t("lookup.locate_denied", { message: err.message || String(err.code) }),
        }),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  };

  return (
    <section class="lookup" aria-labelledby="lookup-title">
      <h2 id="lookup-title">{app.t("lookup.title")}</h2>
      <p>{app.t("lookup.intro")}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not yet in preact's JSX types; the role names the landmark */}
      <form
        class="lookup-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const v = text.trim();
          if (v === q) {
            // The same words again: answer again (a failed load may have been fixed).
            live.current++;
            app.setQuery({ q: null }, { replace: true });
            setTimeout(() => app.setQuery({ q: v }), 0);
          } else app.setQuery({ q: v || null });
        }}
      >
        <label for="lookup-q">{app.t("lookup.label")}</label>
        <div class="lookup-row">
          <input
            id="lookup-q"
            name="q"
            type="search"
            autocomplete="postal-code"
            enterKeyHint="search"
            placeholder={app.t("lookup.placeholder")}
            value={text}
            maxLength={100}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit">{app.t("lookup.submit")}</button>
          <button type="button" class="lookup-locate" onClick={locate}>
            {app.t("lookup.locate")}
          </button>
        </div>
        <p class="help">{app.t("lookup.locate_help")}</p>
      </form>
      <div class="lookup-result" aria-live="polite">
        {state.kind === "busy" ? (
          <p class="muted">{app.t(state.what === "locate" ? "lookup.locating" : "lookup.searching")}</p>
        ) : state.kind === "error" ? (
          <p class="error">{state.message}</p>
        ) : state.kind === "done" ? (
          state.result.answer ? (
            <Answer a={state.result.answer} alternatives={state.result.alternatives} />
          ) : (
            <p class="lookup-none">
              {state.q === null ? app.t("lookup.locate_outside") : app.t("lookup.not_found", { q: state.q })}
            </p>
          )
        ) : null}
      </div>
    </section>
  );
}

function placeLabel(app: App, a: LookupAnswer): string {
  const parts: string[] = [];
  if (a.zip) parts.push(a.zip);
  if (a.place) parts.push(a.place.name);
  if (a.county) parts.push(a.county.name);
  parts.push(app.stateName(a.state));
  if (a.target.kind === "point") parts.unshift(app.t("lookup.your_location"));
  return parts.join(", ");
}

function Answer({ a, alternatives }: { a: LookupAnswer; alternatives: string[] }) {
  const app = useApp();
  const stateName = app.stateName(a.state);
  const countyName = a.county?.name ?? "";
  const api =
    a.target.kind === "point"
      ? null
      : `api/v1/lookup.json?q=${encodeURIComponent(
          a.target.kind === "zip" ? a.target.zip : `${a.place?.name ?? countyName}, ${a.state}`,
        )}`;
  return (
    <article class="lookup-answer" data-state={a.state} data-county={a.county?.geoid ?? ""}>
      <h3>{app.t("lookup.answer_for", { place: placeLabel(app, a) })}</h3>
      <p class={`lookup-verdict ${a.covered ? "yes" : "no"}`} data-covered={a.covered ? "1" : "0"}>
        {app.t(a.covered ? "lookup.yes" : "lookup.no", { date: app.date(a.latest_list) })}
      </p>
      {a.laws.map((l) => (
        <p class="lookup-law" key={`${l.kind}-${l.citation}`}>
          <strong>
            {app.t("lookup.law")}: {app.tv("policy", l.kind)}
          </strong>{" "}
          (<span lang="en">{l.instrument}</span>
          {l.citation ? ", " : ""}
          {l.citation ? <span lang="en">{l.citation}</span> : null}
          {l.in_effect_from ? `; ${app.t("lookup.law_since", { date: app.date(l.in_effect_from) })}` : ""})
          {app.lang === "en" ? `: ${l.summary}` : ""} <a href={app.link(`/state/${a.state}`)}>{stateName}</a>
        </p>
      ))}
      <Group
        id="county"
        title={app.t("lookup.county_group")}
        list={a.county_agencies}
        none={app.t("lookup.county_none", { county: countyName })}
      />
      {a.place ? (
        <Group
          id="city"
          title={app.t("lookup.city_group")}
          list={a.city_agencies}
          none={app.t("lookup.city_none", { place: a.place.name })}
        />
      ) : null}
      <Group
        id="statewide"
        title={app.t("lookup.statewide_group")}
        help={app.t("lookup.statewide_help", { state: stateName })}
        list={a.statewide_agencies}
        none={app.t("lookup.statewide_none", { state: stateName })}
      />
      {a.other_in_county.length ? (
        <details class="lookup-other">
          <summary>{app.t("lookup.other_group", { county: countyName, n: app.num(a.other_in_county.length) })}</summary>
          <p class="help">{app.t("lookup.other_help")}</p>
          <AgencyList list={a.other_in_county} group="other" />
        </details>
      ) : null}
      <ModelWords a={a} />
      {a.notes.length ? (
        <ul class="lookup-notes">
          {a.notes.map((n) => (
            <li key={n.key}>{message(app, "lookup.note", n.key, n.values)}</li>
          ))}
        </ul>
      ) : null}
      {alternatives.length ? (
        <p class="lookup-alternatives">
          {app.t("lookup.alternatives")}{" "}
          {alternatives.map((alt, i) => (
            <span key={alt}>
              {i ? " · " : ""}
              <a href={app.link("/", { q: alt })}>{alt}</a>
            </span>
          ))}
        </p>
      ) : null}
      <p class="muted">
        <a href={app.link("/models")}>{app.t("lookup.models_link")}</a>
        {api ? (
          <>
            {" · "}
            <a href={api}>{app.t("lookup.api_link")}</a>
          </>
        ) : null}
      </p>
    </article>
  );
}

function Group({
  id,
  title,
  help,
  list,
  none,
}: {
  id: string;
  title: string;
  help?: string;
  list: AnswerAgency[];
  none: string;
}) {
  const app = useApp();
  return (
    <section class={`lookup-group lookup-${id}`} data-group={id}>
      <h4>{title}</h4>
      {help ? <p class="help">{help}</p> : null}
      {!list.length ? (
        <p class="muted">{none}</p>
      ) : list.length > 4 ? (
        // A long list (Florida has 14 statewide agencies) stays one line on a phone until opened.
        <details>
          <summary>
            {app.t("lookup.group_count", {
              n: app.num(list.length),
              listed: app.num(list.filter((a) => a.listed).length),
            })}
          </summary>
          <AgencyList list={list} group={id} />
        </details>
      ) : (
        <AgencyList list={list} group={id} />
      )}
    </section>
  );
}

function AgencyList({ list, group }: { list: AnswerAgency[]; group: string }) {
  const app = useApp();
  return (
    <ul class="lookup-agencies">
      {list.map((ag) => (
        <li key={ag.id} data-agency={ag.id} data-group={group} data-listed={ag.listed ? "1" : "0"}>
          <a href={app.link(`/agency/${ag.id}`)}>{ag.name}</a> <span class="muted">({app.tv("type", ag.type)})</span>
          <ul>
            {ag.agreements.map((g) => (
              <li key={g.id} class={`standing-${g.standing}`}>
                <ModelBadge model={g.model} /> {app.tv("model", g.model)} ·{" "}
                {app.t("lookup.since", { date: app.date(g.signed_on ?? g.first_listed) })} ·{" "}
                <strong>{app.tv("lookup.standing", g.standing)}</strong>
                {g.standing === "ended"
                  ? ` (${g.ended_on ? app.t("lookup.ended_on", { date: app.date(g.ended_on) }) : app.t("lookup.last_listed", { date: app.date(g.last_listed) })})`
                  : ""}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** Each model the answer names, once, in plain words. */
function ModelWords({ a }: { a: LookupAnswer }) {
  const app = useApp();
  const all = [...a.county_agencies, ...a.city_agencies, ...a.statewide_agencies, ...a.other_in_county];
  const models = [...new Set(all.flatMap((ag) => ag.agreements.map((g) => g.model)))].sort();
  const plain = models
    .map((m) => ({ m, words: app.tv("models", `${m}.plain`) }))
    .filter((x) => x.words !== `${x.m}.plain`);
  if (!plain.length) return null;
  return (
    <dl class="lookup-models">
      {plain.map(({ m, words }) => (
        <div key={m}>
          <dt>
            <ModelBadge model={m} /> {app.tv("model", m)}
          </dt>
          <dd>{words}</dd>
        </div>
      ))}
    </dl>
  );
}
