// An analysis sentence in the language of `--lang`: from its key, or read back from its English text.
import { keyedText, type MsgRef, renderMsg } from "../analysis/messages.js";
import type { Ctx } from "./context.js";

export function say(c: Ctx, text: string, ref?: MsgRef | null): string {
  if (c.lang === "en") return text;
  return renderMsg(ref ?? keyedText(text), c.lang);
}
