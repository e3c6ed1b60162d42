// JSON output: one envelope for every list, `{"count": N, "rows": [...]}`, with stable key order.

export function listEnvelope<T>(
  rows: T[],
  extra: Record<string, unknown> = {},
): { count: number; rows: T[] } & Record<string, unknown> {
  return { ...extra, count: rows.length, rows };
}

export function toJson(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}
