// The story the alert tests tell: ICE's latest real list (2026-05-01) changed the way real lists
// change, the alert keys those changes must produce, and the webhook secrets of the subscribers.
import { alertDb } from "../src/alerts/tables.js";
import type { Store } from "../src/store/db.js";
import { realList } from "./lists.js";

export const latest = realList("participating_2026-05-01.xlsx");
export const body = latest.body;
const cell = (r: unknown[], name: string) => String(r[latest.col(name)]).trim();
const nameOf = (r: unknown[]) => cell(r, "LAW ENFORCEMENT AGENCY");
const modelOf = (r: unknown[]) => cell(r, "SUPPORT TYPE");
const stateOf = (r: unknown[]) => cell(r, "STATE");

/** Excel serial dates: 46141 = 2026-04-29, 46145 = 2026-05-03, 46146 = 2026-05-04. */
export function listRow(
  state: string,
  agency: string,
  type: string,
  county: string | null,
  model: string,
  signed: number,
) {
  return latest.row({
    STATE: state,
    "LAW ENFORCEMENT AGENCY": agency,
    TYPE: type,
    COUNTY: county,
    "SUPPORT TYPE": model,
    SIGNED: signed,
  });
}

/**
 * ICE's 2026-05-01 list, changed the way real lists change: two new agreements in Texas (one in
 * Harris County, one a statewide agency), one in Florida under JEM; Autauga County AL misspelled
 * (a typo-tier rename); Anderson County TX's WSO date moved a week earlier (a redating); and
 * Sweetwater County WY's JEM row gone (pending removal, confirmed after 3 lists over 5 days).
 */
export const nextRows = body
  .filter((r) => !(nameOf(r) === "Sweetwater County Sheriff's Office" && modelOf(r).startsWith("Jail")))
  .map((r) => {
    const c = [...r];
    if (nameOf(c) === "Autauga County Sheriff's Office")
      c[latest.col("LAW ENFORCEMENT AGENCY")] = "Autuaga County Sheriff's Office";
    if (nameOf(c) === "Anderson County Sheriff's Office" && stateOf(c) === "TEXAS" && modelOf(c).startsWith("Warrant"))
      c[latest.col("SIGNED")] = Number(c[latest.col("SIGNED")]) - 7;
    return c;
  });
nextRows.push(
  listRow("TEXAS", "Pasadena Police Department", "Municipal", "Harris County", "Task Force Model", 46146),
  listRow("TEXAS", "Texas Parks and Wildlife Department", "State", null, "Warrant Service Officer", 46145),
  listRow("FLORIDA", "Example City Police Department", "Municipal", "Example County", "Jail Enforcement Model", 46141),
);

/** Writes the header of the 2026-05-01 list and `rows` as a new workbook named `name`. */
export const writeList = (name: string, rows: unknown[][]) => latest.write(name, rows);

export const K = {
  pasadena: "added|tx-pasadena-police-department/tfm/2026-05-04",
  parks: "added|tx-texas-parks-and-wildlife-department/wso/2026-05-03",
  example: "added|fl-example-city-police-department/jem/2026-04-29",
  autauga: "renamed|al-autauga-county-sheriffs-office|Autauga County Sheriff's Office>Autuaga County Sheriff's Office",
  anderson: "redated|tx-anderson-county-sheriffs-office/wso/2025-06-18|2025-06-18>2025-06-11",
  sweetwater: "removed|wy-sweetwater-county-sheriffs-office/jem/2025-03-07|2026-05-04",
  // The archive's own pending removals on 2026-05-01: last listed 2026-04-23, missing since 2026-04-30.
  // Any list from 2026-05-05 on (a 3rd list, 5 days) confirms them.
  marion: "removed|ar-marion-county-sheriffs-office/jem/2026-03-31|2026-04-30",
  stmary: "removed|mo-st-mary-police-department/tfm/2025-04-28|2026-04-30",
};

export const SECRETS: Record<string, string> = {
  "/all": "all-secret-0123456789",
  "/tx": "texas-secret-0123456789",
  "/jem": "jem-secret-0123456789",
  "/anderson": "anderson-secret-0123456789",
  "/removed": "removed-secret-0123456789",
  "/flaky": "flaky-secret-0123456789",
};
export const PUBLIC = "https://g287.example/app/";

export async function outboxKeys(store: Store, subId: string): Promise<string[]> {
  const rows = await alertDb(store.db)
    .selectFrom("outbox")
    .select("change_key")
    .where("subscription_id", "=", subId)
    .orderBy("change_key")
    .execute();
  return rows.map((r) => r.change_key);
}
