// The pure parts of a sync: dating a download (file name, repaired typos, Last-Modified, time of
// retrieval), naming it (Content-Disposition, redirect, address, link text, heading), and finding
// id-only spreadsheet links.
import { describe, expect, it } from "vitest";
import { findListLinks } from "../sources/ice-page.js";
import { dateDownload, downloadName } from "./sync.js";

describe("dating a download", () => {
  const at = "2026-04-02T15:04:05.000Z";
  it("from ICE's file name, its repaired typos, Last-Modified, or the time of retrieval", () => {
    expect(dateDownload("participatingAgencies04012026pm.xlsx", undefined, at, false)).toMatchObject({
      date: "2026-04-01",
      slot: "pm",
      basis: "ice_filename",
    });
    expect(dateDownload("participatingAgencies11114025am.xlsx", undefined, at, false)).toMatchObject({
      date: "2025-11-11",
      slot: "am",
      basis: "ice_filename_corrected",
      publishedBasis: "filename_corrected",
    });
    expect(dateDownload("participatingAgencies.xlsx", "Wed, 01 Apr 2026 21:30:00 GMT", at, false)).toEqual({
      date: "2026-04-01",
      slot: "download@213000",
      basis: "http_last_modified",
      publishedBasis: "last_modified",
      observationBasis: "capture",
    });
    expect(dateDownload("participatingAgencies.xlsx", undefined, at, false)).toMatchObject({
      date: "2026-04-02",
      slot: "download@150405",
      basis: "retrieved_at",
    });
    // A name that already dated other bytes: ICE replaced the file in place.
    expect(
      dateDownload(
        "participatingAgencies07032025pm.xlsx",
        "Fri, 04 Jul 2025 15:00:00 GMT",
        "2025-07-04T15:16:59.000Z",
        true,
      ),
    ).toMatchObject({
      date: "2025-07-04",
      basis: "http_last_modified",
    });
  });
});

describe("naming a download and finding id-only links", () => {
  const page = "https://www.ice.gov/identify-and-arrest/287g";
  const res = (url: string, headers: Record<string, string> = {}) => ({ url, headers });

  it("takes the name from Content-Disposition, a redirect, the address, the link text, then the heading", () => {
    const link = {
      url: "https://www.ice.gov/file-download/download/public/777",
      fileName: "",
      text: "Participating Agencies",
      heading: "287(g) Participating Agencies",
    };
    expect(
      downloadName(
        link,
        res(link.url, { "content-disposition": 'attachment; filename="../ParticipatingAgency091826am.xlsx"' }),
      ),
    ).toEqual({ name: "ParticipatingAgency091826am.xlsx", from: "content_disposition" });
    expect(
      downloadName(link, res("https://www.ice.gov/sites/default/files/287gParticipatingAgencies091526pm.xlsx")),
    ).toEqual({
      name: "287gParticipatingAgencies091526pm.xlsx",
      from: "redirect",
    });
    expect(downloadName({ ...link, fileName: "ParticipatingAgency091826.xlsx" }, res(link.url))).toEqual({
      name: "ParticipatingAgency091826.xlsx",
      from: "link_text",
    });
    expect(downloadName(link, res(link.url))).toEqual({ name: "Participating Agencies", from: "link_text" });
    expect(downloadName({ ...link, text: " " }, res(link.url))).toEqual({
      name: "287(g) Participating Agencies",
      from: "heading",
    });
  });

  it("finds id-only spreadsheet links by their text, type or heading, and leaves the MOA PDFs alone", () => {
    const html = `<html><title>287(g)</title><body>
      <h2>Participating Agencies</h2>
      <p><a href="/file-download/download/public/61001">287gParticipatingAgencies091526pm.xlsx</a></p>
      <p><a href="/file-download/download/public/61002">Sample MOA (PDF)</a></p>
      <h2>Pending Agencies</h2>
      <p><a href="/file-download/download/public/61003" type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; length=20480">Download</a></p>
      <p><a href="/file-download/download/public/61004">Pending agencies memorandum</a></p>
    </body></html>`;
    const l = findListLinks(html, page);
    expect(l.participating).toMatchObject({
      url: "https://www.ice.gov/file-download/download/public/61001",
      fileName: "287gParticipatingAgencies091526pm.xlsx",
      evidence: "file_name",
      nameDate: "2026-09-15",
      heading: "Participating Agencies",
    });
    expect(l.pending).toMatchObject({
      url: "https://www.ice.gov/file-download/download/public/61003",
      fileName: "",
      evidence: "nearby_text",
      nameDate: null,
      heading: "Pending Agencies",
    });
    expect(l.candidates.map((c) => c.url.split("/").pop())).toEqual(["61001", "61003"]);
  });
});
