// The bench sections that can run alone, `npm run bench -- NAME…`: `backends` (a full replay and
// one new list on SQLite and on PostgreSQL), `load` (the API under autocannon on both), and
// `soak [--minutes M] [--interval S]` (long, never part of the default run: bench/soak.ts).
import { benchBackends } from "./backends.js";
import { benchLoad } from "./load.js";

export const SECTIONS = ["backends", "load", "soak"];

/** Runs the named sections in `tmp` and returns their figures, keyed by section. */
export async function runSections(args: string[], tmp: string): Promise<Record<string, unknown>> {
  if (args[0] === "soak") {
    const { parseSoakArgs, soak } = await import("./soak.js");
    return { soak: await soak(parseSoakArgs(args.slice(1))) };
  }
  const unknown = args.filter((a) => !SECTIONS.includes(a) || a === "soak");
  if (unknown.length)
    throw new Error(`bench: unknown section ${unknown.join(", ")} (known: backends, load; soak alone, first)`);
  const out: Record<string, unknown> = {};
  // The load section needs a full store on each backend: the backends section's, or one replay each.
  const withBackends = args.includes("backends");
  const { report, stores } = await benchBackends(tmp, withBackends ? {} : { newList: false, replays: 1 });
  try {
    if (withBackends) out.backends = report;
    if (args.includes("load")) out.load = await benchLoad({ sqlite: stores.sqlite, postgres: stores.postgres.url });
  } finally {
    await stores.postgres.drop();
  }
  return out;
}
