// Seeded mutations of real lists: bytes, zip entries, worksheet XML, shared strings, hyperlinks,
// dates and headers, each named so a failing case says what was done to it.
import fs from "node:fs";
import path from "node:path";
import { looseEntries } from "../../src/sheets/zip.js";
import { ARCHIVE, int, ODD_DATES, ODD_NAMES, ODD_REFS, ODD_VALUES, pick, type Rng, SMALL_SEEDS } from "./inputs.js";
import { escapeXml, type Part, zipParts } from "./xlsx-build.js";

const seedCache = new Map<string, Buffer>();
function seedBytes(name: string): Buffer {
  let b = seedCache.get(name);
  if (!b) {
    b = fs.readFileSync(path.join(ARCHIVE, name));
    seedCache.set(name, b);
  }
  return b;
}

function flipBytes(rng: Rng, b: Buffer, n: number, from = 0): Buffer {
  const out = Buffer.from(b);
  for (let k = 0; k < n; k++) out[int(rng, from, out.length - 1)] = int(rng, 0, 255);
  return out;
}

type Entries = { name: string; data: Buffer }[];

function unzip(b: Buffer): Entries {
  return looseEntries(b, "seed").map((e) => ({ name: e.name, data: Buffer.from(e.data) }));
}

function rezip(entries: Entries, tweak?: (p: Part, i: number) => Part): Buffer {
  return zipParts(
    entries.map((e, i) => (tweak ? tweak({ name: e.name, data: e.data }, i) : { name: e.name, data: e.data })),
  );
}

/** Replaces the `k`-th match of `re` in an entry's text (latin1, so bytes survive). */
function replaceNth(text: string, re: RegExp, rng: Rng, make: (m: RegExpExecArray) => string): string {
  const all = [...text.matchAll(new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`))];
  if (all.length === 0) return text;
  const m = pick(rng, all) as RegExpExecArray;
  return text.slice(0, m.index) + make(m) + text.slice(m.index + m[0].length);
}

function editEntry(entries: Entries, match: RegExp, edit: (text: string) => string): boolean {
  const e = entries.find((x) => match.test(x.name));
  if (!e) return false;
  e.data = Buffer.from(edit(e.data.toString("latin1")), "latin1");
  return true;
}

export const MUTATORS: Record<string, (rng: Rng, seed: string) => { detail: string; bytes: Buffer }> = {
  bytes: (rng, seed) => {
    const b = seedBytes(seed);
    const n = int(rng, 1, 32);
    return { detail: `${n} random bytes of ${seed}`, bytes: flipBytes(rng, b, n) };
  },
  truncate: (rng, seed) => {
    const b = seedBytes(seed);
    const at = int(rng, 0, b.length - 1);
    return { detail: `${seed} cut at byte ${at}`, bytes: b.subarray(0, at) };
  },
  "zip-entry": (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const e = pick(rng, entries);
    const what = int(rng, 0, 5);
    if (what === 0) {
      entries.splice(entries.indexOf(e), 1);
      return { detail: `${seed} without ${e.name}`, bytes: rezip(entries) };
    }
    if (what === 1) {
      const to = pick(rng, ["__proto__", "constructor", "../../etc/passwd", "/abs.xml", "XL/WORKBOOK.XML", e.name]);
      entries.push({ name: to, data: e.data });
      return { detail: `${seed} with ${e.name} copied as ${to}`, bytes: rezip(entries) };
    }
    if (what === 2) {
      const claim = pick(rng, [0, 1, 0xffffffff, 70 * 1024 * 1024]);
      return {
        detail: `${seed} with ${e.name} claiming ${claim} bytes`,
        bytes: rezip(entries, (p) => (p.name === e.name ? { ...p, claimSize: claim } : p)),
      };
    }
    if (what === 3) {
      return {
        detail: `${seed} with ${e.name} stored`,
        bytes: rezip(entries, (p) => ({ ...p, stored: p.name === e.name })),
      };
    }
    e.data = flipBytes(rng, e.data, int(rng, 1, 16));
    return { detail: `${seed} with bytes of ${e.name} changed`, bytes: rezip(entries) };
  },
  xml: (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const how = int(rng, 0, 4);
    const detail = ["a value", "a cell reference", "a deep nest", "a CDATA run", "a tag"][how] as string;
    editEntry(entries, /worksheets\/sheet1\.xml$/, (t) => {
      if (how === 0) return replaceNth(t, /<v>[^<]*<\/v>/, rng, () => `<v>${pick(rng, ODD_VALUES)}</v>`);
      if (how === 1) return replaceNth(t, / r="[A-Z]+\d+"/, rng, () => ` r="${pick(rng, ODD_REFS)}"`);
      if (how === 2) {
        const depth = int(rng, 100, 20000);
        return replaceNth(t, /<\/row>/, rng, () => `${"<x>".repeat(depth)}${"</x>".repeat(depth)}</row>`);
      }
      if (how === 3)
        return replaceNth(t, /<v>[^<]*<\/v>/, rng, () => `<v>${"<![CDATA[1]]>".repeat(int(rng, 1, 5000))}</v>`);
      return replaceNth(t, /<[^>]{1,40}>/, rng, (m) => m[0].slice(0, int(rng, 0, m[0].length)));
    });
    return { detail: `${seed} with ${detail} changed in the worksheet`, bytes: rezip(entries) };
  },
  "shared-strings": (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const value = pick(rng, [
      ...ODD_NAMES.map(escapeXml),
      "&AMP;&#0;&#x110000;&#99999999;_x0000__xD800_",
      "A".repeat(int(rng, 1000, 20000)),
      "<![CDATA[".repeat(int(rng, 1, 300)),
      "&lt;".repeat(int(rng, 1, 5000)),
    ]);
    editEntry(entries, /sharedStrings\.xml$/, (t) =>
      replaceNth(t, /<t(?: [^>]*)?>[^<]*<\/t>/, rng, () => `<t>${value}</t>`),
    );
    return {
      detail: `${seed} with a shared string set to ${JSON.stringify(value.slice(0, 30))}`,
      bytes: rezip(entries),
    };
  },
  hyperlinks: (rng, seed) => {
    if (seed.endsWith(".csv")) return MUTATORS.csv?.(rng, seed) as { detail: string; bytes: Buffer };
    const entries = unzip(seedBytes(seed));
    const how = int(rng, 0, 2);
    if (how === 0)
      editEntry(entries, /worksheets\/sheet1\.xml$/, (t) =>
        replaceNth(t, /<hyperlink [^>]*ref="[^"]*"/, rng, (m) =>
          m[0].replace(/ref="[^"]*"/, `ref="${pick(rng, ODD_REFS)}"`),
        ),
      );
    else
      editEntry(entries, /sheet1\.xml\.rels$/, (t) =>
        replaceNth(t, /Target="[^"]*"/, rng, () =>
          how === 1
            ? `Target="${escapeXml(pick(rng, ["javascript:alert(1)", "file:///etc/passwd", "http://169.254.169.254/latest/", "https://%zz", "x".repeat(5000), "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fa.pdf&data=a%40b.gov"]))}"`
            : `Target="https://www.ice.gov/${"a".repeat(int(rng, 10, 12000))}"`,
        ),
      );
    return { detail: `${seed} with a hyperlink changed (${how})`, bytes: rezip(entries) };
  },
  dates: (rng, seed) => {
    if (seed.endsWith(".csv")) {
      const t = seedBytes(seed).toString("utf8");
      const v = String(pick(rng, ODD_DATES));
      return {
        detail: `${seed} with a SIGNED date set to ${v}`,
        bytes: Buffer.from(replaceNth(t, /\d{4}-\d{2}-\d{2}/, rng, () => v)),
      };
    }
    const entries = unzip(seedBytes(seed));
    const v = pick(rng, ODD_DATES);
    editEntry(entries, /worksheets\/sheet1\.xml$/, (t) =>
      replaceNth(t, /<v>4\d{4}<\/v>/, rng, () => (typeof v === "number" ? `<v>${v}</v>` : `<v>${v}</v>`)),
    );
    return { detail: `${seed} with a SIGNED serial set to ${v}`, bytes: rezip(entries) };
  },
  headers: (rng, seed) => {
    const to = pick(rng, ["__proto__", "constructor", "STATE", "", "toString", "LAW ENFORCEMENT AGENCY", "SIGNED"]);
    if (seed.endsWith(".csv")) {
      const t = seedBytes(seed).toString("utf8");
      const nl = t.indexOf("\n");
      const cells = t.slice(0, nl).split(",");
      cells[int(rng, 0, cells.length - 1)] = to;
      return { detail: `${seed} with a header set to ${to}`, bytes: Buffer.from(cells.join(",") + t.slice(nl)) };
    }
    const entries = unzip(seedBytes(seed));
    editEntry(entries, /sharedStrings\.xml$/, (t) => {
      const heads = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "COUNTY", "MOA"];
      const h = pick(rng, heads);
      return t.replace(`<t>${h}</t>`, `<t>${escapeXml(to)}</t>`);
    });
    return { detail: `${seed} with a header set to ${JSON.stringify(to)}`, bytes: rezip(entries) };
  },
  csv: (rng, seed) => {
    const base = seed.endsWith(".csv") ? seed : (SMALL_SEEDS[0] as string);
    let t = seedBytes(base).toString("utf8");
    const how = int(rng, 0, 3);
    if (how === 0) t = replaceNth(t, /,/, rng, () => pick(rng, ['"', '""', ',"', "\r", "\u0000", "\ufeff"]));
    else if (how === 1) t = replaceNth(t, /\n/, rng, () => `\n${pick(rng, ODD_NAMES)},${pick(rng, ODD_NAMES)}\n`);
    else if (how === 2) t = replaceNth(t, /,/, rng, () => `,"${"x".repeat(int(rng, 100, 20000))}",`);
    else return { detail: `${base} with random bytes`, bytes: flipBytes(rng, Buffer.from(t), int(rng, 1, 20)) };
    return { detail: `${base} with a csv edit (${how})`, bytes: Buffer.from(t) };
  },
};
