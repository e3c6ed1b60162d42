// The header search: agencies, counties, towns and states as you type, largest first (weights in
// data/search.json, src/server/search-data.ts). An ARIA combobox: arrow keys move, Enter opens,
// Escape closes; a tap or click on a result opens it. The index is fetched on first focus only.
// The APG combobox pattern: focus stays in the input, which points at the options (li) of its
// listbox (ul) with aria-activedescendant, so the options take no focus and no keys of their own.
// biome-ignore-all lint/a11y/noNoninteractiveElementToInteractiveRole: the combobox pattern's listbox and options
// biome-ignore-all lint/a11y/useFocusableInteractive: options are chosen from the input (aria-activedescendant)
// biome-ignore-all lint/a11y/useKeyWithClickEvents: the input's arrow keys and Enter choose an option
// biome-ignore-all lint/a11y/noRedundantRoles: a search input is a searchbox unless it says combobox
import type MiniSearch from "minisearch";
import { useRef, useState } from "preact/hooks";
import { useApp } from "../app.js";
import { load } from "../data.js";
import { navigate } from "../router.js";

type Entry = ["state" | "county" | "city" | "agency", string, string, string, number];

interface Doc {
  id: number;
  kind: Entry[0];
  name: string;
  state: string;
  ref: string;
  weight: number;
  where: string;
}

let index: Promise<MiniSearch<Doc>> | null = null;

function searchIndex(stateName: (usps: string) => string): Promise<MiniSearch<Doc>> {
  index ??= Promise.all([import("minisearch"), load<Entry[]>("search.json")]).then(([{ default: MS }, rows]) => {
    const ms = new MS<Doc>({
      fields: ["name", "where"],
      storeFields: ["kind", "name", "state", "ref", "weight", "where"],
      searchOptions: {
        prefix: true,
        fuzzy: (term) => (term.length > 4 ? 0.2 : false),
        combineWith: "AND",
        boost: { name: 3 },
        // Larger places and agencies first, among matches of the same quality.
        boostDocument: (_id, _term, stored) => 1 + Math.log10(1 + Number(stored?.weight ?? 0)) / 4,
      },
    });
    ms.addAll(
      rows.map(([kind, name, state, ref, weight], id) => ({
        id,
        kind,
        name,
        state,
        ref,
        weight,
        // The state, by code and both names, so "tampa fl" and "condado harris texas" find it.
        where: kind === "state" ? state : `${state} ${stateName(state)}`,
      })),
    );
    return ms;
  });
  index.catch(() => {
    index = null;
  });
  return index;
}

interface Hit {
  kind: Entry[0];
  name: string;
  state: string;
  ref: string;
}

const MAX = 8;

const wordsOf = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * Matches where every word typed starts a word of the name or its state come first, largest
 * first; fuzzy matches (a typo) follow, by the index's own score.
 */
function rank(ms: MiniSearch<Doc>, text: string): Hit[] {
  const typed = wordsOf(text);
  const found = ms.search(text).slice(0, 200) as unknown as Doc[];
  const direct = (d: Doc) => {
    const ws = wordsOf(`${d.name} ${d.where}`);
    return typed.every((t) => ws.some((w) => w.startsWith(t)));
  };
  return found
    .map((d, i) => ({ d, i, direct: direct(d) }))
    .sort((a, b) => Number(b.direct) - Number(a.direct) || (a.direct ? b.d.weight - a.d.weight : a.i - b.i))
    .slice(0, MAX)
    .map(({ d }) => ({ kind: d.kind, name: d.name, state: d.state, ref: d.ref }));
}

export function SearchBox() {
  const app = useApp();
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<Hit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const seq = useRef(0);

  const hrefOf = (h: Hit) =>
    h.kind === "state"
      ? app.link(`/state/${h.state}`)
      : h.kind === "agency"
        ? app.link(`/agency/${h.ref}`)
        : app.link("/", { q: `${h.name}, ${h.state}` });

  const go = (h: Hit) => {
    setOpen(false);
    setQ("");
    setHits([]);
    setActive(-1);
    navigate(hrefOf(h));
  };

  const run = (text: string) => {
    const n = ++seq.current;
    if (!text.trim()) {
      setHits([]);
      setOpen(false);
      return;
    }
    searchIndex(app.stateName).then(
      (ms) => {
        if (n !== seq.current) return;
        setHits(rank(ms, text));
        setActive(-1);
        setOpen(true);
      },
      () => n === seq.current && setHits([]),
    );
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) run(q);
      setActive((i) => (hits.length ? (i + 1) % hits.length : -1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => (hits.length ? (i <= 0 ? hits.length - 1 : i - 1) : -1));
    } else if (e.key === "Enter") {
      const h = hits[active >= 0 ? active : 0];
      if (open && h) {
        e.preventDefault();
        go(h);
      }
    } else if (e.key === "Escape") {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else setQ("");
    }
  };

  const expanded = open && q.trim() !== "";
  return (
    <div class="search">
      <label for="site-search" class="sr-only">
        {app.t("search.label")}
      </label>
      <input
        id="site-search"
        type="search"
        role="combobox"
        list={undefined}
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="site-search-list"
        aria-activedescendant={expanded && active >= 0 ? `site-search-${active}` : undefined}
        placeholder={app.t("search.placeholder")}
        value={q}
        onFocus={() => {
          searchIndex(app.stateName).catch(() => {});
        }}
        onInput={(e) => {
          setQ(e.currentTarget.value);
          run(e.currentTarget.value);
        }}
        onKeyDown={onKey}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      <ul id="site-search-list" role="listbox" aria-label={app.t("search.label")} hidden={!expanded}>
        {expanded && !hits.length ? (
          <li class="search-none" role="option" aria-selected={false} aria-disabled="true">
            {app.t("search.none")}
          </li>
        ) : null}
        {hits.map((h, i) => (
          <li
            key={`${h.kind}-${h.state}-${h.ref}-${h.name}`}
            id={`site-search-${i}`}
            role="option"
            aria-selected={i === active}
            class={i === active ? "active" : undefined}
            data-kind={h.kind}
            // Keeps focus in the box, so the blur does not close the list before the click lands.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => go(h)}
          >
            <span class="search-name">{h.kind === "state" ? app.stateName(h.state) : h.name}</span>{" "}
            <span class="search-kind">
              {app.tv("search.kind", h.kind)}
              {h.kind === "state" ? "" : `, ${h.state}`}
            </span>
          </li>
        ))}
      </ul>
      <span class="sr-only" aria-live="polite">
        {expanded ? app.t("search.results", { n: hits.length }) : ""}
      </span>
    </div>
  );
}
