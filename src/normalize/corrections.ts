// Loads the curated fix tables in data/corrections/. Each is keyed on the erroneous value as
// published, so a fix stops applying once ICE corrects its list. Validated with zod at load.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { modelExact } from "../domain/schemas.js";
import { stateByUsps, stateKey } from "../domain/state.js";
import { InputError } from "../errors.js";

export const DEFAULT_CORRECTIONS_DIR = new URL("../../data/corrections/", import.meta.url);

const usps = z.string().refine((s) => !!stateByUsps(s), "not a USPS state code");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

const schemas = {
  states: z.object({ raw: z.string().min(1), usps, evidence: z.string().min(1) }),
  counties: z.object({ state: usps, raw: z.string().min(1), county: z.string(), evidence: z.string().min(1) }),
  agencies: z.object({ state: usps, raw: z.string().min(1), name: z.string().min(1), evidence: z.string().min(1) }),
  "review-decisions": z.object({
    state: usps,
    name: z.string().min(1),
    candidate: z.string().min(1),
    decision: z.enum(["apart"]),
    evidence: z.string().min(1),
  }),
  "wrong-states": z.object({ listed: usps, agency: z.string().min(1), state: usps, evidence: z.string().min(1) }),
  "signed-dates": z.object({
    state: usps,
    agency: z.string().min(1),
    model: modelExact,
    raw: z.string().min(1),
    date: isoDate,
    evidence: z.string().min(1),
  }),
};

export interface Fix<T> {
  value: T;
  evidence: string;
}

export interface Corrections {
  /** stateKey(raw) → USPS */
  states: Map<string, Fix<string>>;
  /** USPS → text key of the COUNTY cell → county name ("" = no county) */
  counties: Map<string, Map<string, Fix<string>>>;
  /** USPS → text key of the agency name → canonical agency name */
  agencies: Map<string, Map<string, Fix<string>>>;
  /** USPS → `agency key|MODEL|raw SIGNED` → ISO date */
  signedDates: Map<string, Map<string, Fix<string>>>;
  /** USPS as listed → text key of the agency name → the USPS of the state the agency is in */
  wrongStates: Map<string, Map<string, Fix<string>>>;
  /** USPS → `name|candidate name` (text keys) → a recorded decision on a near miss */
  reviewDecisions: Map<string, Map<string, Fix<string>>>;
}

/** The recorded decision on a review item (a near miss between `name` and `candidate`), if any. */
export function reviewDecision(c: Corrections, state: string, name: string, candidate: string): Fix<string> | null {
  const m = c.reviewDecisions.get(state);
  return m?.get(`${textKey(name)}|${textKey(candidate)}`) ?? m?.get(`${textKey(candidate)}|${textKey(name)}`) ?? null;
}

// Grouped by state first: most rows are in a state without fixes, and then no key is computed.
function byState<T extends { state: string }>(rows: T[], key: (r: T) => string, value: (r: T) => Fix<string>) {
  const out = new Map<string, Map<string, Fix<string>>>();
  for (const r of rows) {
    const m = out.get(r.state) ?? new Map<string, Fix<string>>();
    m.set(key(r), value(r));
    out.set(r.state, m);
  }
  return out;
}

/** Case- and space-insensitive key for a published value. */
export function textKey(s: string): string {
  return s
    .replace(/[\s\u00a0]+/g, " ")
    .trim()
    .toLowerCase();
}

/** A folder given as a file URL, a `file:` string or a path, as a URL ending in `/`. */
export function dirUrl(dir: URL | string): URL {
  if (dir instanceof URL) return dir;
  if (dir.startsWith("file:")) return new URL(dir.endsWith("/") ? dir : `${dir}/`);
  return pathToFileURL(`${path.resolve(dir)}/`);
}

/** The rows of one table in data/corrections/, each checked by `schema`; a failure names the table and the line. */
export function readFixTable<T>(file: URL, name: string, schema: z.ZodType<T>): T[] {
  const rows = parse(fs.readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((r, i) => {
    const parsed = schema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`data/corrections/${name}`, `${issue?.path.join(".")}: ${issue?.message}`, i + 2);
    }
    return parsed.data;
  });
}

function load<K extends keyof typeof schemas>(
  dir: URL | string,
  name: K,
  optional = false,
): z.infer<(typeof schemas)[K]>[] {
  const file = new URL(`${name}.csv`, dirUrl(dir));
  // Tables added later are optional, so an older corrections folder (a test's) still loads.
  if (optional && !fs.existsSync(file)) return [];
  return readFixTable<unknown>(file, `${name}.csv`, schemas[name]) as z.infer<(typeof schemas)[K]>[];
}

const cache = new Map<string, Corrections>();

export function loadCorrections(dir: URL | string = DEFAULT_CORRECTIONS_DIR): Corrections {
  const k = String(dir);
  const hit = cache.get(k);
  if (hit) return hit;
  const c: Corrections = {
    states: new Map(load(dir, "states").map((r) => [stateKey(r.raw), { value: r.usps, evidence: r.evidence }])),
    counties: byState(
      load(dir, "counties"),
      (r) => textKey(r.raw),
      (r) => ({ value: r.county, evidence: r.evidence }),
    ),
    agencies: byState(
      load(dir, "agencies"),
      (r) => textKey(r.raw),
      (r) => ({ value: r.name, evidence: r.evidence }),
    ),
    signedDates: byState(
      load(dir, "signed-dates"),
      (r) => `${textKey(r.agency)}|${r.model}|${textKey(r.raw)}`,
      (r) => ({ value: r.date, evidence: r.evidence }),
    ),
    reviewDecisions: byState(
      load(dir, "review-decisions", true),
      (r) => `${textKey(r.name)}|${textKey(r.candidate)}`,
      (r) => ({ value: r.decision, evidence: r.evidence }),
    ),
    wrongStates: byState(
      load(dir, "wrong-states", true).map((r) => ({ ...r, state: r.listed, right: r.state })),
      (r) => textKey(r.agency),
      (r) => ({ value: r.right, evidence: r.evidence }),
    ),
  };
  cache.set(k, c);
  return c;
}
