// Settings for `g287 sync` and `g287 watch`: a YAML or JSON file checked with zod, then flags and
// environment variables on top (flag > environment > file > default).
import fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { DEFAULT_HTTP, type HttpSettings, ICE_HOSTS } from "../sources/fetch.js";
import { DEFAULT_ICE_URL } from "../sources/ice-page.js";
import { MAX_LIST_BYTES } from "../sources/validate.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `6h`, `10m`, `1h30m`, `45s`, `500ms` → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export const duration = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v * 1000 : parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: "expected a duration such as 30s, 10m or 6h" });
    return z.NEVER;
  }
  return ms;
});

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "expected an http(s) URL");

export interface MirrorSpec {
  url: string;
  /** Most files taken from this mirror in one run, so a first run against a large archive stays polite. */
  maxFiles: number;
}

export const DEFAULT_MIRROR_MAX_FILES = 100;

const Mirror = z.union([
  httpUrl.transform((url) => ({ url, max_files: DEFAULT_MIRROR_MAX_FILES })),
  z.object({ url: httpUrl, max_files: z.number().int().positive().default(DEFAULT_MIRROR_MAX_FILES) }).strict(),
]);

export const SyncConfigFile = z
  .object({
    url: httpUrl.optional(),
    archive: z.string().min(1).optional(),
    mirrors: z.array(Mirror).default([]),
    http: z
      .object({
        connect_timeout: duration.optional(),
        read_timeout: duration.optional(),
        total_timeout: duration.optional(),
        retries: z.number().int().min(0).max(10).optional(),
        backoff: duration.optional(),
        backoff_max: duration.optional(),
        user_agent: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    max_list_bytes: z.number().int().positive().optional(),
  })
  .strict();
export type SyncConfigFile = z.infer<typeof SyncConfigFile>;

export interface SyncSettings {
  pageUrl: string;
  archiveDir: string | null;
  mirrors: MirrorSpec[];
  http: HttpSettings;
  maxListBytes: number;
}

export function readConfigFile(file: string): SyncConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new InputError(file, "cannot read the sync config file");
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new InputError(file, `not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  const p = SyncConfigFile.safeParse(raw);
  if (!p.success) {
    const issue = p.error.issues[0];
    throw new InputError(file, `${issue?.path.join(".") || "config"}: ${issue?.message}`);
  }
  return p.data;
}

export interface SyncOverrides {
  url?: string;
  archive?: string;
  mirrors?: string[];
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  retries?: number;
}

export function resolveSettings(file: SyncConfigFile | null, o: SyncOverrides, env = process.env): SyncSettings {
  const h = file?.http;
  const mirrors: MirrorSpec[] = (file?.mirrors ?? []).map((m) => ({ url: m.url, maxFiles: m.max_files }));
  for (const url of o.mirrors ?? [])
    if (!mirrors.some((m) => m.url === url)) mirrors.push({ url, maxFiles: DEFAULT_MIRROR_MAX_FILES });
  const pageUrl = o.url ?? (env.G287_ICE_URL || undefined) ?? file?.url ?? DEFAULT_ICE_URL;
  // Requests and redirects go only to the page's host, ICE's own hosts and the mirrors.
  const allowHosts = [pageUrl, ...mirrors.map((m) => m.url)].flatMap((u) =>
    URL.canParse(u) ? [new URL(u).hostname] : [],
  );
  return {
    pageUrl,
    archiveDir: o.archive ?? (env.G287_ARCHIVE || undefined) ?? file?.archive ?? null,
    mirrors,
    http: {
      connectTimeoutMs: o.connectTimeoutMs ?? h?.connect_timeout ?? DEFAULT_HTTP.connectTimeoutMs,
      readTimeoutMs: o.readTimeoutMs ?? h?.read_timeout ?? DEFAULT_HTTP.readTimeoutMs,
      totalTimeoutMs: h?.total_timeout ?? DEFAULT_HTTP.totalTimeoutMs,
      retries: o.retries ?? h?.retries ?? DEFAULT_HTTP.retries,
      backoffBaseMs: h?.backoff ?? DEFAULT_HTTP.backoffBaseMs,
      backoffMaxMs: h?.backoff_max ?? DEFAULT_HTTP.backoffMaxMs,
      userAgent: h?.user_agent ?? DEFAULT_HTTP.userAgent,
      allowHosts: [...new Set([...allowHosts, ...ICE_HOSTS])],
    },
    maxListBytes: file?.max_list_bytes ?? MAX_LIST_BYTES,
  };
}
