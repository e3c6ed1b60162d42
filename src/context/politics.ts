// State politics by year, 2017 onwards: governor's party, legislature control, trifecta and the
// 2024 battleground flag (data/context/layers/state_politics.csv), as of about February 1.
import { z } from "zod";
import { readLayer } from "./layer-files.js";
import { CONFIDENCES, type Sourced } from "./sourced.js";

export type Trifecta = "R" | "D" | "divided";

export interface StatePolitics extends Sourced {
  state: string;
  year: number;
  governor_party: "R" | "D" | "I";
  /** `Split` when the chambers differ; `Coalition` for Alaska's bipartisan coalitions. */
  legislature_control: "R" | "D" | "Split" | "Coalition";
  trifecta: Trifecta;
  /** The seven 2024 battleground states: AZ, GA, MI, NV, NC, PA, WI. */
  battleground2024: boolean;
}

/** The columns that show a state's politics in a year, in the order every table of them lists them. */
export const POLITICS_SHOWN = [
  "state",
  "year",
  "governor_party",
  "legislature_control",
  "trifecta",
  "battleground2024",
] as const;

const Row = z
  .object({
    state: z.string().length(2),
    year: z.coerce.number().int(),
    governor_party: z.enum(["R", "D", "I"]),
    legislature_control: z.enum(["R", "D", "Split", "Coalition"]),
    trifecta: z.enum(["R", "D", "divided"]),
    battleground_2024: z.enum(["true", "false"]),
    source: z.string(),
    source_url: z.string(),
    confidence: z.enum(CONFIDENCES),
    caveat: z.string(),
  })
  .transform(
    (r): StatePolitics => ({
      state: r.state,
      year: r.year,
      governor_party: r.governor_party,
      legislature_control: r.legislature_control,
      trifecta: r.trifecta,
      battleground2024: r.battleground_2024 === "true",
      source: r.source,
      source_url: r.source_url || null,
      confidence: r.confidence,
      caveat: r.caveat || null,
    }),
  );

/** Every state-year row, ordered by state then year as in the table. */
export function allPolitics(): StatePolitics[] {
  return readLayer("state_politics.csv", Row);
}

let index: Map<string, StatePolitics> | null = null;

/**
 * One state in one year. Years outside the table (before 2017, or after its last year) give
 * undefined: we do not carry a year's politics forward.
 */
export function politicsFor(state: string, year: number): StatePolitics | undefined {
  if (!index) index = new Map(allPolitics().map((p) => [`${p.state}|${p.year}`, p]));
  return index.get(`${state.toUpperCase()}|${year}`);
}

/** The first and last year the table covers. */
export function politicsYears(): { first: number; last: number } {
  const years = allPolitics().map((p) => p.year);
  return { first: Math.min(...years), last: Math.max(...years) };
}
