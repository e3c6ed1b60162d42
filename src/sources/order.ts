// Replay order. Lists are replayed by date, then by time of day: ICE's am < mid < pm file-name
// slots, web-archive capture times (UTC), download times; then by file variant (`_2` after the
// first version of a day). ICE's slots carry no clock time, so each gets the end of its window in
// US Eastern time: a list named `am` was up by noon at the latest. (A download at 11:41 EDT on
// 2025-06-04 still received the 2025-05-29 list, before `participatingAgencies06042025am`.)

const SLOT_TIME: Record<string, string> = {
  am: "16:00:00",
  mid: "18:00:00",
  "": "18:00:00",
  pm: "22:00:00",
};

/** `am`, `amB`, `am_b` → am (+1 s for the variant); `pm copy`, `pm2`, `pmB` → pm (+1 s). */
export function slotTime(slot: string): string {
  const wb = /^wayback(\d{2})(\d{2})(\d{2})$/.exec(slot);
  if (wb) return `${wb[1]}:${wb[2]}:${wb[3]}`;
  const dl = /^download@(\d{2})(\d{2})(\d{2})$/.exec(slot);
  if (dl) return `${dl[1]}:${dl[2]}:${dl[3]}`;
  if (slot === "download") return "12:00:00";
  const m = /^(am|mid|pm)(.*)$/i.exec(slot.trim());
  if (!m) return SLOT_TIME[""] as string;
  const base = SLOT_TIME[(m[1] as string).toLowerCase()] as string;
  return m[2] ? `${base.slice(0, 6)}01` : base;
}

export function orderKey(date: string, slot: string, tieBreak: string): string {
  return `${date}T${slotTime(slot)}Z|${tieBreak}`;
}
