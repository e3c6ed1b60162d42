// Colour-blind-safe colours. Models use the Okabe–Ito palette (distinct under every common colour
// vision deficiency); choropleths use ColorBrewer's YlGnBu, a single-direction light-to-dark ramp
// marked safe for colour-blind readers, with a neutral grey for zero.
import { MODELS } from "@domain";

export const MODEL_COLOURS: Record<string, string> = { JEM: "#0072B2", TFM: "#D55E00", WSO: "#009E73" };
export const MODEL_RANGE = MODELS.map((m) => MODEL_COLOURS[m] as string);
export const TIE_COLOUR = "#8c8c8c";
export const ZERO_COLOUR = "#f2f2f2";
export const NO_DATA_COLOUR = "#ffffff";
export const RAMP = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"];

/** Whole-number breaks for counts: a 1-2-3-5 ladder cut below the largest value, at most five. */
const LADDER = [2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

/**
 * Class breaks for positive values: each break starts a class. Counts get whole-number breaks
 * (1, 2, 3–4, 5–9 … for counties; 1–9, 10–19 … for states); rates get "nice" quantiles.
 */
export function breaks(values: number[], integer = false): number[] {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const max = v[v.length - 1] as number;
  if (integer) return LADDER.filter((x) => x <= max).slice(-(RAMP.length - 1));
  const out: number[] = [];
  for (let i = 1; i < RAMP.length; i++) {
    const q = v[Math.min(v.length - 1, Math.floor((i / RAMP.length) * v.length))] as number;
    const n = nice(q);
    if (n > (out[out.length - 1] ?? 0) && n < max) out.push(n);
  }
  return out;
}

function nice(x: number): number {
  if (x <= 0) return 0;
  if (x < 1) return Math.round(x * 100) / 100;
  if (x < 10) return Math.round(x * 2) / 2;
  const p = 10 ** Math.floor(Math.log10(x));
  return Math.round(x / p) * p;
}

/** Legend labels for the classes `breaks` made: whole-number ranges for counts. */
export function classLabels(br: number[], integer: boolean, fmt: (x: number) => string): string[] {
  return Array.from({ length: br.length + 1 }, (_, i) => {
    const lo = br[i - 1];
    const hi = br[i];
    if (integer) {
      const from = lo ?? 1;
      if (hi === undefined) return `≥ ${fmt(from)}`;
      return hi - 1 === from ? fmt(from) : `${fmt(from)}–${fmt(hi - 1)}`;
    }
    if (lo === undefined) return hi === undefined ? "> 0" : `< ${fmt(hi)}`;
    return hi === undefined ? `≥ ${fmt(lo)}` : `${fmt(lo)} – ${fmt(hi)}`;
  });
}

/** The class of a positive value: how many breaks it reaches. */
export function classOf(value: number, br: number[]): number {
  let i = 0;
  while (i < br.length && value >= (br[i] as number)) i++;
  return i;
}

/** The colour of class i; with fewer breaks than ramp steps, the classes spread over the ramp. */
export function classColour(i: number, br: number[]): string {
  const step = br.length ? Math.round((i / br.length) * (RAMP.length - 1)) : RAMP.length - 1;
  return RAMP[step] as string;
}

/** The colour of a value given breaks: zero grey, then one ramp step per class. */
export function colourOf(value: number | null, br: number[]): string {
  if (value === null) return NO_DATA_COLOUR;
  if (value <= 0) return ZERO_COLOUR;
  return classColour(classOf(value, br), br);
}
