// Finding the two workbooks on ICE's 287(g) page: by file name, link text or heading, the strongest
// evidence first, and nothing on a block page.
import { describe, expect, it } from "vitest";
import { BLOCK_PAGE, icePage } from "../../test/fake-ice.js";
import { findListLinks } from "./ice-page.js";

describe("finding the workbooks on ICE's page", () => {
  const page = "https://www.ice.gov/identify-and-arrest/287g";

  it("by file name, wherever the links point, with entities and relative paths resolved", () => {
    const html = icePage({
      participating: "../../doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx?v=2&amp;x=1",
      pending: "https://www.ice.gov/sites/default/files/documents/pendingAgencies05182026am.xlsx",
    });
    const l = findListLinks(html, page);
    expect(l.title).toBe("Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act | ICE");
    expect(l.participating).toMatchObject({
      url: "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx?v=2&amp;x=1",
      fileName: "participatingAgencies05182026am.xlsx",
      evidence: "file_name",
      nameDate: "2026-05-18",
    });
    expect(l.pending?.url).toBe("https://www.ice.gov/sites/default/files/documents/pendingAgencies05182026am.xlsx");
    expect(l.spreadsheets).toBe(2);
  });

  it("by link text or the heading before the link when the file name says nothing", () => {
    const byText = findListLinks(
      `<a href="/files/list-a.xlsx">Pending participating agencies</a> <a href="/files/list-b.xlsx" title="Participating agencies (Excel)">Download</a>`,
      page,
    );
    expect(byText.pending).toMatchObject({ url: "https://www.ice.gov/files/list-a.xlsx", evidence: "link_text" });
    expect(byText.participating).toMatchObject({ url: "https://www.ice.gov/files/list-b.xlsx", evidence: "link_text" });
    const byHeading = findListLinks(
      icePage({ participating: "/media/12345/download?inline", pending: "/media/12346/download", style: "text" }),
      page,
    );
    expect(byHeading.participating).toMatchObject({
      url: "https://www.ice.gov/media/12345/download?inline",
      evidence: "nearby_text",
    });
    expect(byHeading.pending).toMatchObject({
      url: "https://www.ice.gov/media/12346/download",
      evidence: "nearby_text",
    });
  });

  it("prefers the strongest evidence, then the newest date; ignores PDFs, mail links and other pages", () => {
    const html = `<base href="https://www.ice.gov/doclib/"><h2>Participating agencies</h2>
      <a href="archive/participatingAgencies01022026am.xlsx">January list</a>
      <a href="participatingAgencies05182026pm.xlsx">Current list</a>
      <a href="participatingAgencies03032026am.xlsx">March list</a>
      <a href="moa/participating-moa.pdf">MOA</a> <a href="mailto:x@ice.dhs.gov">Participating agencies</a>
      <a href="/287g-faq">Participating agencies FAQ</a>`;
    const l = findListLinks(html, page);
    expect(l.participating?.url).toBe("https://www.ice.gov/doclib/participatingAgencies05182026pm.xlsx");
    expect(l.pending).toBeNull();
    expect(l.candidates.map((c) => c.fileName)).toEqual([
      "participatingAgencies01022026am.xlsx",
      "participatingAgencies05182026pm.xlsx",
      "participatingAgencies03032026am.xlsx",
    ]);
  });

  it("finds nothing on a block page", () => {
    expect(findListLinks(BLOCK_PAGE, page)).toMatchObject({
      title: "Access Denied",
      participating: null,
      pending: null,
      spreadsheets: 0,
    });
  });
});
