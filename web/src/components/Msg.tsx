// An analysis sentence in the page's language (see app.msg). A sentence no message key knows is
// shown as written, in English, and marked lang="en" so a screen reader reads it as English.
import { keyedText, type MsgRef } from "../../../src/analysis/messages.js";
import { useApp } from "../app.js";

export function Msg({ text, msgRef }: { text: string | null | undefined; msgRef?: MsgRef | null }) {
  const app = useApp();
  if (!text && !msgRef) return null;
  const m = msgRef ?? keyedText(text ?? "");
  const known = m.key !== "text";
  return <span lang={known || app.lang === "en" ? undefined : "en"}>{app.msg(text, m)}</span>;
}

/** Curated English text (claim wording, law summaries, citations), marked as English on a Spanish page. */
export function English({ children }: { children: string | null | undefined }) {
  const app = useApp();
  if (!children) return null;
  return <span lang={app.lang === "en" ? undefined : "en"}>{children}</span>;
}
