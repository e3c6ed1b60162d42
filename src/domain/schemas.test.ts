import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isIsoDate, isoFromParts, monthEnd } from "./date.js";
import { agencyType, agreementStatus, isoDate, model, stateCode } from "./schemas.js";

const message = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;

describe("value schemas", () => {
  it("take a state code or model in any case and name what was expected", () => {
    expect(stateCode.parse("tx")).toBe("TX");
    expect(message(stateCode.safeParse("XX"))).toBe("expected a two-letter state code such as TX");
    expect(model.parse("tfm")).toBe("TFM");
    expect(message(model.safeParse("abc"))).toBe("expected jem, tfm or wso");
  });

  it("check dates, statuses and agency types", () => {
    expect(isoDate.parse("2024-02-29")).toBe("2024-02-29");
    expect(message(isoDate.safeParse("2023-02-29"))).toBe("expected a date as YYYY-MM-DD");
    expect(agreementStatus.parse("pending_removal")).toBe("pending_removal");
    expect(message(agreementStatus.safeParse("Active"))).toBe(
      "expected active, removed, superseded or pending_removal",
    );
    expect(agencyType.safeParse("jail_authority").success).toBe(true);
    expect(agencyType.safeParse("university").success).toBe(false);
  });
});

describe("dates", () => {
  it("are ISO days in UTC", () => {
    expect(isoFromParts(2025, 2, 30)).toBeNull();
    expect(isIsoDate("2025-1-05")).toBe(false);
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(daysBetween("2024-12-31", "2025-03-01")).toBe(60);
    expect(monthEnd("2024-02-10")).toBe("2024-02-29");
  });
});
