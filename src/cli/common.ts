// Helpers shared by every command module: output, today's date, and running a command against
// the store so that a failure on a fresh ledger leaves no file behind.
import fs from "node:fs";
import type { Command } from "commander";
import { keyedText, type MsgLang, type MsgRef, renderMsg } from "../analysis/messages.js";
import { UsageError } from "../errors.js";
import { defaultDbPath, openStore, type Store } from "../store/db.js";

export interface Globals {
  db?: string;
  json?: boolean;
  quiet?: boolean;
  lang?: string;
}

let sayLang: MsgLang = "en";

/** `--lang`: the language analysis sentences print in (JSON keeps English text beside the keys). */
export function setLang(lang: string | undefined): void {
  if (lang !== undefined && lang !== "en" && lang !== "es")
    throw new UsageError(`--lang ${JSON.stringify(lang)}: expected en or es`);
  sayLang = (lang as MsgLang | undefined) ?? "en";
}

/** An analysis sentence in the chosen language: from its key, or read back from its English text. */
export function say(text: string, ref?: MsgRef | null): string {
  if (sayLang === "en") return text;
  return renderMsg(ref ?? keyedText(text), sayLang);
}

export function out(s: string): void {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
}

/** Today in the user's own time zone: `roster` on a Los Angeles evening is not tomorrow. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export async function withStore<T>(
  g: Globals,
  fn: (s: Store) => Promise<T>,
  opts: { readonly?: boolean } = {},
): Promise<T> {
  const file = g.db ?? defaultDbPath();
  const existed = fs.existsSync(file);
  const store = await openStore(file, opts);
  let ok = false;
  try {
    const out = await fn(store);
    ok = true;
    return out;
  } finally {
    await store.close();
    // A command that fails on a ledger it has just created leaves nothing behind.
    if (!ok && !existed) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

/** A command module adds its commands to the program; `globals()` reads --db, --json, --quiet. */
export type RegisterCommands = (program: Command, globals: () => Globals) => void;
