// `?lang=` on the API: keyed messages in a response (`{key, params, text}`, src/analysis/messages.ts)
// get their text in the language asked for, and a ledger reason stored as an English sentence gets
// its keyed form beside it (`reason` → `reason_msg`). The English fields themselves never change.
import { isMsg, keyedText, type MsgLang, renderMsg } from "../analysis/messages.js";

export function localise<T>(v: T, lang: MsgLang): T {
  return walk(v, lang) as T;
}

function walk(v: unknown, lang: MsgLang): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, lang));
  if (typeof v !== "object" || v === null) return v;
  if (isMsg(v)) return { ...v, text: renderMsg(v, lang) };
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    out[k] = walk(x, lang);
    // Sentences the analysis stores as English only (the ledger's reasons): keyed here when known.
    if (typeof x === "string" && /(^|_)reason$/.test(k) && !(`${k}_msg` in o)) {
      const m = keyedText(x);
      if (m.key !== "text") out[`${k}_msg`] = { ...m, text: renderMsg(m, lang) };
    }
  }
  return out;
}
