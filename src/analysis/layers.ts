// The reference layers the statistics read (population, politics, policy), as plain lookup
// functions, so the pure cores can be tested with hand-made layers and the real ones are wired here.
// Each layer is imported on its own: a grouping that needs politics fails alone, not every command.

export interface PoliticsLike {
  trifecta: string;
  battleground2024: boolean;
  confidence?: string | null;
  caveat?: string | null;
}

export interface PolicyLike {
  kind: string;
  /** Who it binds when narrower than everyone (`state agencies`). */
  scope?: string | null;
  confidence?: string | null;
  caveat?: string | null;
  citation?: string | null;
}

export interface CountyLike {
  geoid: string;
  state: string;
  name: string;
  population: number | null;
}

export interface StatsContext {
  /** Residents of a state (Census Vintage-2023 estimate). */
  statePopulation?: (usps: string) => number | undefined;
  /** USPS codes of the states whose residents make up the national total (50 states and DC). */
  allStates?: () => string[];
  politics?: (state: string, year: number) => PoliticsLike | undefined;
  policies?: (state: string, date: string) => PolicyLike[];
  county?: (geoid: string) => CountyLike | undefined;
  /** Layers that failed to load, with the reason: named in the error of a statistic that needs one. */
  missing?: string[];
}

/** Wires the real context layers; a layer that fails to load is left out and named in `missing`. */
export async function loadContext(): Promise<StatsContext> {
  const missing: string[] = [];
  const ctx: StatsContext = { missing };
  try {
    const g = await import("../context/geography.js");
    has(g, ["stateInfo", "allStates", "county"]);
    ctx.statePopulation = (u) => g.stateInfo(u)?.population ?? undefined;
    ctx.allStates = () => g.allStates().map((s: { usps: string }) => s.usps);
    ctx.county = (id) => {
      const c = g.county(id);
      return c ? { geoid: c.geoid, state: c.state, name: c.name, population: c.population ?? null } : undefined;
    };
  } catch (e) {
    missing.push(`geography: ${(e as Error).message}`);
  }
  try {
    const p = await import("../context/politics.js");
    has(p, ["politicsFor"]);
    ctx.politics = (s, y) => {
      const r = p.politicsFor(s, y);
      return r
        ? { trifecta: r.trifecta, battleground2024: !!r.battleground2024, confidence: r.confidence, caveat: r.caveat }
        : undefined;
    };
  } catch (e) {
    missing.push(`politics: ${(e as Error).message}`);
  }
  try {
    const p = await import("../context/policies.js");
    has(p, ["policiesInEffect"]);
    ctx.policies = (s, d) => p.policiesInEffect(s, d);
  } catch (e) {
    missing.push(`policies: ${(e as Error).message}`);
  }
  return ctx;
}

function has(mod: object, names: string[]): void {
  for (const n of names)
    if (typeof (mod as Record<string, unknown>)[n] !== "function") throw new Error(`${n} is not exported yet`);
}
