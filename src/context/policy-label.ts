// The `policy` column of the state-policy table mixes the kind of instrument with its scope and
// status: `ban (proposed)`, `restrict (state agencies)`, `encourage (mandate for state agencies)`,
// `ban (codification, status unclear)`. This splits such a label into kind, scope and proposed.

export const POLICY_KINDS = ["ban", "restrict", "mandate", "encourage", "cooperation_mandate", "rescission"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export interface PolicyLabel {
  kind: PolicyKind;
  /** Not (or not yet) law: a bill, a proposal, or a passed bill that was never signed. */
  proposed: boolean;
  /** Who it binds, in the table's own words (`state agencies`); null when the label does not narrow it. */
  scope: string | null;
  /** Any other words in the parentheses (`codification, status unclear`). */
  note: string | null;
}

export class PolicyLabelError extends Error {}

/**
 * Parses one label. `instrument` also counts: `statute (proposed/unclear)` marks a row proposed
 * even when its label does not say so (New Jersey's unsigned 2026 codification).
 */
export function parsePolicyLabel(label: string, instrument = ""): PolicyLabel {
  const m = /^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$/i.exec(label);
  const kind = m?.[1]?.toLowerCase();
  if (!m || !kind || !(POLICY_KINDS as readonly string[]).includes(kind))
    throw new PolicyLabelError(`policy ${JSON.stringify(label)}: expected one of ${POLICY_KINDS.join(", ")}`);
  const parts = (m[2] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  let proposed = /\bproposed\b/i.test(instrument);
  const scope: string[] = [];
  const note: string[] = [];
  for (const p of parts) {
    if (/^proposed$/i.test(p)) proposed = true;
    else if (/\bagenc(y|ies)\b|\bsheriffs?\b|\blocal\b/i.test(p)) scope.push(p);
    else note.push(p);
  }
  return {
    kind: kind as PolicyKind,
    proposed,
    scope: scope.length ? scope.join(", ") : null,
    note: note.length ? note.join(", ") : null,
  };
}
