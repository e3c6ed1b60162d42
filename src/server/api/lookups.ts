// Lookups that several resources share, memoised per ledger version: the text an agency can be
// found by (every spelling it was listed under), and the model of each agreement and application.
import type { Ctx } from "../resource.js";

/** Lower-case words of a search string; "St. Lucie" → ["st", "lucie"]. */
export function words(q: string): string[] {
  return q
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Every agency's searchable text: id, names as published, ICE's county and the Census county. */
export function agencyText(ctx: Ctx): Promise<Map<string, string>> {
  return ctx.memo("agency-text", async () => {
    const rows = await ctx.db
      .selectFrom("agency")
      .select(["agency_id", "name", "names", "county", "county_name"])
      .execute();
    const m = new Map<string, string>();
    for (const a of rows) {
      const names = (JSON.parse(a.names) as { name: string }[]).map((n) => n.name);
      m.set(
        a.agency_id,
        ` ${words([a.agency_id, a.name, ...names, a.county ?? "", a.county_name ?? ""].join(" ")).join(" ")} `,
      );
    }
    return m;
  });
}

/** An agency matches when every word of the query starts a word of its text ("harr" finds Harris). */
export function matcher(text: Map<string, string>, q: string | undefined): ((agencyId: string) => boolean) | null {
  if (q === undefined || !q.trim()) return null;
  const ws = words(q);
  // "%" or "_" has no words: it matches nothing, rather than being no filter at all.
  if (!ws.length) return () => false;
  return (id) => {
    const t = text.get(id);
    return !!t && ws.every((w) => t.includes(` ${w}`));
  };
}

/** The model of every agreement and every pending-list application, by id. */
export function modelsById(ctx: Ctx): Promise<Map<string, string>> {
  return ctx.memo("models", async () => {
    const [g, a] = await Promise.all([
      ctx.db.selectFrom("agreement").select(["agreement_id as id", "model"]).execute(),
      ctx.db.selectFrom("application").select(["application_id as id", "model"]).execute(),
    ]);
    return new Map([...g, ...a].map((r) => [r.id, r.model]));
  });
}
