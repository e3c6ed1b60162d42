// A message as a key with parameters, so each interface renders it in its reader's language; the
// catalogs and the renderer are in analysis/messages.ts.

export type MsgLang = "en" | "es";
export type MsgParam = string | number | MsgRef | null;
export interface MsgRef {
  key: string;
  params: Record<string, MsgParam>;
}
export interface Msg extends MsgRef {
  text: string;
}
