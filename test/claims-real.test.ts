// The February 2026 article's claims, and state law against the record, on the real lists. Every
// figure is recomputed here from the exported agreements, so it is reproducible outside g287.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConflictContext, loadClaimContext } from "../src/analysis/claim-context.js";
import { ClaimFile, readClaimFile } from "../src/analysis/claim-file.js";
import { type ClaimResult, checkClaims } from "../src/analysis/claims.js";
import { banConflicts, mandateCompliance } from "../src/analysis/conflicts.js";
import { dataset } from "../src/analysis/datasets.js";
import { toCsv } from "../src/domain/csv.js";
import { addDays } from "../src/domain/date.js";
import type { Store } from "../src/store/db.js";
import { ARCHIVE, archiveDbPath, cli, openArchive, ROOT, readList } from "./helpers.js";

const ARTICLE = path.join(ROOT, "data/claims/2026-02-news-article.yaml");

let store: Store;
let ctx: ConflictContext;
let results: ClaimResult[];
let exported: Record<string, string>[];
beforeAll(async () => {
  store = await openArchive();
  ctx = await loadClaimContext(store.db);
  results = checkClaims(readClaimFile(ARTICLE), ctx);
  const d = await dataset(store.db, "agreements");
  exported = parse(toCsv(d.columns, d.rows), { columns: true }) as Record<string, string>[];
});
afterAll(async () => store.close());

const claim = (id: string) => {
  const c = results.find((r) => r.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
};

describe("the February 2026 article", () => {
  it("gives every claim a verdict with its evidence", () => {
    expect(results.map((r) => r.id)).toEqual([
      "a",
      "b1",
      "b2",
      "c1",
      "c2",
      "d",
      "e",
      "f1",
      "f2",
      "g",
      "h",
      "i1",
      "i2",
      "i3",
      "j",
      "k",
      "l",
      "m",
    ]);
    for (const r of results) {
      expect(["supported", "close", "contradicted", "cannot_check"]).toContain(r.verdict);
      for (const x of r.readings) if (x.verdict !== "cannot_check") expect(x.evidence?.computed_from).toBeTruthy();
    }
  });

  it("dates the article 2026-02-11, names its source, and reads no list after that day", () => {
    const f = readClaimFile(ARTICLE);
    expect(f.article).toMatchObject({
      published: "2026-02-11",
      publisher: "Daily Caller News Foundation",
      republished_by: ["Western Journal"],
    });
    // Product text never points at our own tracker.
    expect(JSON.stringify(f)).not.toMatch(/\bissue\b|g287 issue/i);
    // The list in force on the article's date, read from the archive's own file names.
    const inForce = fs
      .readdirSync(ARCHIVE)
      .filter((n) => /^participating_\d{4}-\d{2}-\d{2}/.test(n))
      .map((n) => n.slice(14, 24))
      .filter((d) => d <= "2026-02-11")
      .sort()
      .at(-1);
    expect(inForce).toBe("2026-02-11");
    for (const r of results) {
      expect(r.made_on, r.id).toBe("2026-02-11");
      for (const x of r.readings) {
        if (x.as_of) expect(x.as_of <= "2026-02-11", `${r.id}: ${x.name} as of ${x.as_of}`).toBe(true);
        if (x.evidence?.computed_from.startsWith("ICE participating list of") && x.as_of === "2026-02-11")
          expect(x.evidence.computed_from).toContain(`list of ${inForce} `);
      }
    }
  });

  it("checks (e) against the signed dates on ICE's list of the article's date, and flags any later correction", () => {
    // Straight from the sheet: rows of 2026-02-11 whose SIGNED falls in the Biden administration.
    const rows = readList("participating_2026-02-11.xlsx");
    const header = (rows[0] as unknown[]).map((c) =>
      String(c ?? "")
        .trim()
        .toUpperCase(),
    );
    const col = header.indexOf("SIGNED");
    expect(col).toBeGreaterThan(-1);
    const iso = (v: unknown) =>
      typeof v === "number" ? new Date(Math.round((v - 25569) * 86_400_000)).toISOString().slice(0, 10) : null;
    const biden = rows.slice(1).filter((r) => {
      const d = iso(r[col]);
      return d !== null && d >= "2021-01-20" && d <= "2025-01-19";
    });
    const e = claim("e").readings[0];
    // The figure as ICE printed it that day: the reading's own value, or its as-printed value
    // when a later correction moved a signed date.
    const printed = e?.later_corrections.length ? e.as_printed?.value : e?.value;
    expect(printed).toBe(biden.length);
    expect(claim("e").depends_on_later_correction).toBe((e?.later_corrections.length ?? 0) > 0);
    if (e?.later_corrections.length)
      expect(e.reason).toContain("depends on a correction ICE published after the claim date");
    else expect(claim("e").verdict).toBe(biden.length ? "contradicted" : "supported");
  });

  it("flags a reading that rests on a signed date ICE corrected after the claim date (a real redating)", () => {
    // The latest real redating in the record: ICE printed one signed date, then another.
    const redated = ctx.facts.agreements
      .flatMap((a) => {
        const h = ctx.signedHistory?.get(a.agreement_id) ?? [];
        return h.slice(1).flatMap((x, i) => {
          const before = h[i] as { date: string | null; seen: string };
          return before.date && x.date && before.date !== x.date && x.date === a.signed_on && before.seen < x.seen
            ? [{ id: a.agreement_id, printed: before.date, corrected: x.date, on: x.seen, listed: a.first_listed }]
            : [];
        });
      })
      .sort((a, b) => a.on.localeCompare(b.on) || a.id.localeCompare(b.id))
      .at(-1);
    expect(redated).toBeDefined();
    const r = redated as NonNullable<typeof redated>;
    const day = addDays(r.on, -1);
    const [c] = checkClaims(
      ClaimFile.parse({
        article: { title: "fixture", published: day },
        claims: [
          {
            id: "x",
            text: "agreements signed on the day ICE first printed",
            readings: [
              {
                name: "signed that day",
                query: { count: "agreements", listed: "ever", signed_from: r.printed, signed_to: r.printed },
                compare: { op: "at_least", value: 1 },
              },
            ],
          },
        ],
      }),
      ctx,
    );
    const x = c?.readings[0];
    expect(c?.depends_on_later_correction).toBe(true);
    expect(x?.later_corrections.map((l) => l.agreement_id)).toContain(r.id);
    expect(x?.later_corrections.find((l) => l.agreement_id === r.id)).toMatchObject({
      printed: r.printed,
      corrected: r.corrected,
      corrected_on: r.on,
    });
    expect(x?.as_printed?.value).toBeGreaterThan(x?.value ?? 0);
    expect(x?.reason).toContain(`depends on a correction ICE published after the claim date (${day})`);
  });

  it("reports the arrests claim (m) as not checkable from this data", () => {
    expect(claim("m").verdict).toBe("cannot_check");
    expect(claim("m").summary).toMatch(/not arrests/);
  });

  it("finds Maryland's nine agencies (h) and Virginia's five state-agency agreements (i1)", () => {
    const h = claim("h").readings[0];
    expect(h?.value).toBe(9);
    expect(h?.evidence?.ids).toContain("md-frederick-county-sheriffs-office");
    expect(claim("i1").readings[0]?.value).toBe(5);
    expect(claim("i3").readings[0]?.evidence?.ids).toHaveLength(2);
  });

  it("checks (c) against the published counts and the first 2021 list", () => {
    expect(claim("c1").readings.map((r) => r.value)).toEqual([36, 58]);
    expect(claim("c2").readings[0]?.value).toBe(150);
    expect(claim("d").verdict).toBe("supported");
  });

  it("finds Teller County alone in Colorado in January 2025 (k)", () => {
    expect(claim("k").verdict).toBe("supported");
    expect(claim("k").readings[0]?.evidence?.ids).toEqual(["co-teller-county-sheriffs-office/jem/2020-06-08"]);
  });

  it("never picks the agreeing reading: (g) holds only if restrictions count as bans", () => {
    const g = claim("g");
    expect(g.readings.map((r) => r.value)).toEqual([4, 5, 8]);
    expect(g.readings_disagree).toBe(true);
    expect(g.verdict).toBe("contradicted");
  });

  it("reproduces each agreement count from the exported agreements", () => {
    const asOf = "2026-02-11";
    const listedBy = (r: Record<string, string>) => r.first_listed !== undefined && r.first_listed <= asOf;
    const signedIn = (r: Record<string, string>, from: string, to = "9999") =>
      !!r.signed_on && r.signed_on >= from && r.signed_on <= to;
    const f1 = exported.filter((r) => listedBy(r) && signedIn(r, "2025-01-01", "2025-12-31"));
    expect(claim("f1").readings[0]?.value).toBe(f1.length);
    expect(claim("f1").readings[1]?.value).toBe(new Set(f1.map((r) => r.agency_id)).size);
    const f2 = exported.filter((r) => listedBy(r) && signedIn(r, "2026-01-01"));
    expect(claim("f2").readings[0]?.value).toBe(f2.length);
    const local = exported.filter(
      (r) => listedBy(r) && signedIn(r, "2019-01-01") && r.statewide === "0" && r.agency_type !== "state_agency",
    );
    expect(claim("a").readings[0]?.value).toBe(new Set(local.map((r) => r.agency_id)).size);
    expect(claim("a").readings[1]?.value).toBe(local.length);
    const va = exported.filter(
      (r) => r.state === "VA" && r.agency_type === "sheriff" && listedBy(r) && signedIn(r, "2025-01-01", "2025-12-31"),
    );
    expect(claim("i2").readings[0]?.value).toBe(new Set(va.map((r) => r.agency_id)).size);
  });

  it("prints every verdict through the CLI, and the ids with --json", () => {
    const human = cli(["--db", archiveDbPath(), "claims", "check", ARTICLE]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain("CANNOT BE CHECKED FROM THIS DATA");
    // The article is the Daily Caller News Foundation's of 2026-02-11, and every claim is dated so.
    expect(human.stdout.split("\n")[0]).toBe(
      "How Trump's ICE Built Nationwide Police Alliance Right Under Democrats' Noses (Daily Caller News Foundation, 2026-02-11; republished by Western Journal)",
    );
    expect(human.stdout.match(/\[claim date 2026-02-11\]/g)).toHaveLength(18);
    expect(human.stdout).not.toMatch(/claim date 2026-02-28|issue \d/);
    expect(human.stdout).toMatch(/computed from: ICE participating list of 2026-02-11 \(/);
    const json = cli(["--db", archiveDbPath(), "--json", "claims", "check", ARTICLE]);
    const parsed = JSON.parse(json.stdout) as { count: number; rows: ClaimResult[] };
    expect(parsed.count).toBe(18);
    expect(parsed.rows.find((r) => r.id === "f1")?.readings[0]?.evidence?.ids.length).toBe(
      claim("f1").readings[0]?.value,
    );
  });

  it("rejects a bad claim file with its name and the problem, exit 1", () => {
    const r = cli(["--db", archiveDbPath(), "claims", "check", path.join(ROOT, "package.json")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/package\.json: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("state law against the record", () => {
  it("lists Maryland's nine agreements under the 2026-02-17 ban, with their delisting dates", () => {
    const md = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27").filter((c) => c.state === "MD");
    expect(md).toHaveLength(9);
    expect(md.every((c) => c.ban_effective === "2026-02-17")).toBe(true);
    const until = Object.fromEntries(md.map((c) => [c.agency_id, c.listed_until]));
    expect(until["md-frederick-county-sheriffs-office"]).toBe("2026-02-17");
    expect(until["md-cecil-county-sheriffs-office"]).toBe("2026-02-27");
    expect(until["md-allegany-county-sheriffs-office"]).toBe("2026-03-05");
    expect(until["md-garrett-county-sheriffs-office"]).toBeNull();
  });

  it("gives Frederick County, MD its real last listed date (2026-02-13), read from the sheets", () => {
    // Straight from ICE's files: the last participating list with a Maryland Frederick County row,
    // and the first without one after it.
    const lists = fs
      .readdirSync(ARCHIVE)
      .filter((f) => /^participating_2026-0[23]-\d\d\.xlsx$/.test(f))
      .sort();
    const dateOf = (f: string) => f.slice(14, 24);
    const maryland = (r: unknown[]) =>
      String(r[0] ?? "")
        .trim()
        .toUpperCase() === "MARYLAND";
    const sheets = new Map(lists.map((f) => [f, readList(f)]));
    const onList = (f: string, agency: RegExp) =>
      (sheets.get(f) ?? []).some((r) => maryland(r) && agency.test(String(r[1] ?? "")));
    const carried = lists.filter((f) => onList(f, /frederick/i)).map(dateOf);
    const last = carried.at(-1) as string;
    const firstWithout = lists.map(dateOf).find((d) => d > last);
    expect(last).toBe("2026-02-13");
    expect(firstWithout).toBe("2026-02-17");
    const conflicts = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27");
    const fred = conflicts.find((c) => c.agency_id === "md-frederick-county-sheriffs-office");
    expect(fred).toMatchObject({ last_listed: last, listed_until: firstWithout, days: 0 });
    // The first list that carried it is the record's first list (January 2021).
    expect(fred?.first_listed).toBe(ctx.facts.lists[0]?.date);
    expect(readList("participating_2021-01-13.csv").some((r) => maryland(r) && /frederick/i.test(String(r[1])))).toBe(
      true,
    );
    // Days under the ban are the days whose list in force carried it, counted here day by day
    // from the sheets (Garrett County is still listed on 2026-03-27).
    const garrettOn = new Map(lists.map((f) => [dateOf(f), onList(f, /garrett/i)]));
    let days = 0;
    for (let d = "2026-02-17"; d <= "2026-03-27"; d = addDays(d, 1)) {
      const inForce = [...garrettOn.keys()].filter((x) => x <= d).at(-1) as string;
      if (garrettOn.get(inForce)) days++;
    }
    const garrett = conflicts.find((c) => c.agency_id === "md-garrett-county-sheriffs-office");
    expect(days).toBeGreaterThan(30);
    expect(garrett?.days).toBe(days);
    const lastWith = [...garrettOn.entries()].filter(([d, on]) => on && d <= "2026-03-27").at(-1)?.[0];
    expect(garrett?.last_listed).toBe(lastWith);
  });

  it("shows New Jersey agreements listed under its 2019 directive, flagged as before the record", () => {
    const nj = banConflicts(ctx.facts, ctx.policiesOf, "2026-03-27").filter((c) => c.state === "NJ");
    expect(nj.length).toBeGreaterThan(0);
    expect(nj.every((c) => c.before_record && c.first_listed === "2021-01-13")).toBe(true);
  });

  it("finds every Florida county with an agreement, and Texas counties still without one", () => {
    const m = mandateCompliance(ctx.facts, ctx.policiesOf, ctx.countiesOf, "2026-03-27");
    const fl = m.find((x) => x.state === "FL");
    expect(fl?.counties).toBe(67);
    expect(fl?.with_agreement).toBe(67);
    const tx = m.find((x) => x.state === "TX");
    expect(tx?.counties).toBe(254);
    expect(tx?.with_agreement).toBe(254 - (tx?.without_agreement.length ?? 0));
    expect(tx?.without_agreement.length).toBeGreaterThan(0);
    expect(tx?.limits).toMatch(/which sheriffs run jails/);
  });
});
