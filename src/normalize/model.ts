// 287(g) models as ICE spells them: `Warrant Services Officer`, `Warrant Service Office`,
// `Task Force Officer`, `Jail Enforcment Model`, with trailing spaces. The list is domain/model.ts.
import type { Model } from "../domain/model.js";

export function parseModel(raw: unknown): { model: Model; rule: "exact" | "variant" } | null {
  if (typeof raw !== "string") return null;
  const k = raw.toLowerCase().replace(/[^a-z]/g, "");
  if (k === "jailenforcementmodel" || k === "jem") return { model: "JEM", rule: "exact" };
  if (k === "taskforcemodel" || k === "tfm") return { model: "TFM", rule: "exact" };
  if (k === "warrantserviceofficer" || k === "wso") return { model: "WSO", rule: "exact" };
  if (k.startsWith("jail")) return { model: "JEM", rule: "variant" };
  if (k.startsWith("taskforce")) return { model: "TFM", rule: "variant" };
  if (k.startsWith("warrantservice")) return { model: "WSO", rule: "variant" };
  return null;
}
