// 287(g) support models: Jail Enforcement (JEM), Task Force (TFM), Warrant Service Officer (WSO).
// The one list of them; ICE's spellings are folded onto it in normalize/model.ts.

export const MODELS = ["JEM", "TFM", "WSO"] as const;
export type Model = (typeof MODELS)[number];

/** A zero count per model, in MODELS order (the order every table prints them in). */
export function modelCounts(): Record<Model, number> {
  return { JEM: 0, TFM: 0, WSO: 0 };
}
