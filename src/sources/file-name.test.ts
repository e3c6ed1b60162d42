// The file-name rule table, each row read on its own examples (no earlier row takes them), and
// names from Content-Disposition and link text, read as hostile.
import { describe, expect, it } from "vitest";
import {
  contentDispositionName,
  dateFromFileName,
  FILE_NAME_RULES,
  fileNameInText,
  safeFileName,
} from "./file-name.js";

describe("the file-name rule table", () => {
  for (const rule of FILE_NAME_RULES) {
    it(`${rule.name}: reads each of its examples, and no earlier row takes them`, () => {
      expect(rule.examples.length).toBeGreaterThan(0);
      for (const e of rule.examples) {
        expect(rule.pattern.test(e.name), e.name).toBe(true);
        expect(dateFromFileName(e.name), e.name).toEqual({
          date: e.date,
          slot: e.slot,
          kindHint: e.kind,
          basis: rule.basis,
          rule: e.rule ?? null,
          form: rule.name,
        });
      }
    });
  }

  it("has one row per name form, each named once", () => {
    const names = FILE_NAME_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        "ice_mmddyyyy",
        "ice_prefixed_mmddyy",
        "ice_mmddyy",
        "web_archive_capture",
        "g287_archive",
      ]),
    );
  });

  it("reads a two-digit year as 20YY, never 19YY, and refuses dates that do not exist", () => {
    expect(dateFromFileName("ParticipatingAgency123199am.xlsx")?.date).toBe("2099-12-31");
    expect(dateFromFileName("ParticipatingAgency010117.xlsx")?.date).toBe("2017-01-01");
    // 2016 and earlier predate every ICE workbook: not a date we would guess.
    expect(dateFromFileName("ParticipatingAgency010116.xlsx")).toBeNull();
    expect(dateFromFileName("287gParticipatingAgencies023026pm.xlsx")).toBeNull();
    expect(dateFromFileName("287gParticipatingAgencies133026pm.xlsx")).toBeNull();
    // Seven digits could be M/DD/YY or MM/D/YY: not read.
    expect(dateFromFileName("ParticipatingAgency9152026.xlsx")).toBeNull();
    expect(dateFromFileName("participatingAgencies.xlsx")).toBeNull();
    expect(dateFromFileName("Participating Agencies")).toBeNull();
  });

  it("reads the same names behind a path, in a browser's duplicate ` (1)`, or with a .xls/.csv extension", () => {
    expect(dateFromFileName("/tmp/dl/287gParticipatingAgencies091526pm (1).xlsx")).toMatchObject({
      date: "2026-09-15",
      form: "ice_prefixed_mmddyy",
    });
    expect(dateFromFileName("C:\\Users\\x\\ParticipatingAgency091826am.csv")?.date).toBe("2026-09-18");
    expect(dateFromFileName("pendingAgency091826.xls")).toMatchObject({ date: "2026-09-18", kindHint: "pending" });
  });
});

describe("names from Content-Disposition and link text, treated as hostile", () => {
  it("reads filename= quoted or bare, and RFC 5987 filename*= first", () => {
    expect(contentDispositionName('attachment; filename="287gParticipatingAgencies091526pm.xlsx"')).toBe(
      "287gParticipatingAgencies091526pm.xlsx",
    );
    expect(contentDispositionName("attachment; filename=ParticipatingAgency091826am.xlsx")).toBe(
      "ParticipatingAgency091826am.xlsx",
    );
    expect(
      contentDispositionName(
        `attachment; filename="fallback.xlsx"; filename*=UTF-8''287gParticipatingAgencies%20091526pm.xlsx`,
      ),
    ).toBe("287gParticipatingAgencies 091526pm.xlsx");
    expect(contentDispositionName("attachment; filename*=iso-8859-1'en'Particip%E9.xlsx")).toBe("Participé.xlsx");
    expect(contentDispositionName(`attachment; filename*=UTF-8''%E0%A4%A; filename="plain.xlsx"`)).toBe("plain.xlsx");
    expect(contentDispositionName("inline")).toBeNull();
    expect(contentDispositionName(undefined)).toBeNull();
  });

  it("strips paths, control characters and quotes, and caps the length", () => {
    expect(contentDispositionName('attachment; filename="../../../etc/passwd"')).toBe("passwd");
    expect(contentDispositionName('attachment; filename="C:\\\\temp\\\\..\\\\ParticipatingAgency091826am.xlsx"')).toBe(
      "ParticipatingAgency091826am.xlsx",
    );
    expect(contentDispositionName(`attachment; filename*=UTF-8''..%2F..%2Fx%0D%0ASet-Cookie%3A%20a.xlsx`)).toBe(
      "xSet-Cookie a.xlsx",
    );
    expect(contentDispositionName('attachment; filename="a\\"b\u0000\u202e.xlsx"')).toBe("ab.xlsx");
    expect(contentDispositionName('attachment; filename=".."')).toBeNull();
    expect(contentDispositionName('attachment; filename="...hidden.xlsx"')).toBe("hidden.xlsx");
    const long = contentDispositionName(`attachment; filename="${"A".repeat(5000)}.xlsx"`);
    expect(long).toBeNull(); // a header this long is refused whole
    const capped = safeFileName(`${"B".repeat(400)}.xlsx`) as string;
    expect(capped.length).toBe(160);
    expect(capped.endsWith(".xlsx")).toBe(true);
  });

  it("finds a file name written in a link's text", () => {
    expect(fileNameInText("Download 287gParticipatingAgencies091526pm.xlsx (80 KB)")).toBe(
      "287gParticipatingAgencies091526pm.xlsx",
    );
    expect(fileNameInText("Participating Agencies (XLSX, 80 KB)")).toBeNull();
  });
});
