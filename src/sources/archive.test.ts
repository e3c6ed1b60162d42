// An archive folder's sightings become observations; the same list seen twice from the same place
// (a sync re-run after a crash) adds a sighting but not a second copy of its source.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readArchive } from "./archive.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function archive(sightings: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g287-archive-"));
  dirs.push(dir);
  const list =
    "STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED\nTEXAS,Test County Sheriff's Office,Task Force Model,2025-03-01\n";
  fs.writeFileSync(path.join(dir, "participating_2025-03-02.csv"), list);
  const sha = createHash("sha256").update(list).digest("hex");
  fs.writeFileSync(
    path.join(dir, "MANIFEST.csv"),
    `file,kind,first_seen,last_seen,sha256,rows,source_repo,source_path,source_commit\nparticipating_2025-03-02.csv,participating,2025-03-02,2025-03-02,${sha},1,,,\n`,
  );
  fs.writeFileSync(
    path.join(dir, "SIGHTINGS.csv"),
    `date,slot,kind,file,basis,original_filename,filename_kind,source_repo,source_path,source_commit,source_url\n${sightings.join("\n")}\n`,
  );
  return dir;
}

const row = (url: string) =>
  `2025-03-02,am,participating,participating_2025-03-02.csv,ice_filename,participatingAgencies03022025am.xlsx,participating,,,,${url}`;

describe("reading an archive folder", () => {
  it("keeps one source per place when the same list was sighted twice from it", () => {
    const { files } = readArchive(archive([row("https://www.ice.gov/a.xlsx"), row("https://www.ice.gov/a.xlsx")]));
    expect(files).toHaveLength(1);
    expect(files[0]?.observations).toHaveLength(1);
    expect(files[0]?.observations[0]?.provenance.map((p) => p.location)).toEqual(["https://www.ice.gov/a.xlsx"]);
  });

  it("keeps every distinct place the same sighting came from", () => {
    const { files } = readArchive(archive([row("https://www.ice.gov/a.xlsx"), row("https://mirror.example/a.xlsx")]));
    expect(files[0]?.observations[0]?.provenance.map((p) => p.location)).toEqual([
      "https://www.ice.gov/a.xlsx",
      "https://mirror.example/a.xlsx",
    ]);
  });
});
