// Each agency page links its MOA documents: the API's agency resource and the web app's data file
// list what `g287 moa` kept, and the stored copy is served (as a download) from the data routes
// and written by the static site, while other stored bytes (the list files) stay private.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalDocument } from "../src/moa/collect.js";
import { createApp } from "../src/server/app.js";
import { dataPaths } from "../src/server/pages/index.js";
import { openStore, type Store } from "../src/store/db.js";
import { copyArchiveDb, ROOT } from "./helpers.js";

const MOA_DIR = path.resolve(ROOT, "../shared/data/moa");
const PDF = path.join(MOA_DIR, "287gWSO_FinneyCoKs2020-03-17.pdf");
const AGENCY = "ks-finney-county-sheriffs-office";

let store: Store;
let app: ReturnType<typeof createApp>;
let sha: string;
beforeAll(async () => {
  if (!fs.existsSync(PDF)) throw new Error(`the sample MOA is missing: expected ${PDF}`);
  sha = createHash("sha256").update(fs.readFileSync(PDF)).digest("hex");
  store = await openStore(copyArchiveDb());
  await addLocalDocument(store, PDF, {
    agreementId: `${AGENCY}/wso/2020-03-17`,
    url: "https://www.ice.gov/doclib/about/offices/ero/pdf/287gWSO_FinneyCoKs2020-03-17.pdf",
  });
  app = createApp({ store, webDist: null });
});
afterAll(async () => store.close());

describe("agency pages link their MOA documents", () => {
  it("lists the document in the API's agency resource, with its signer and the check against the list", async () => {
    const r = await app.request(`/api/v1/agencies/${AGENCY}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: { documents: Record<string, unknown>[] } };
    const [doc] = body.data.documents;
    expect(body.data.documents).toHaveLength(1);
    expect(doc).toMatchObject({
      sha256: sha,
      kind: "moa",
      template: "wso-2019",
      model: "WSO",
      copy: `data/moa/${sha}.pdf`,
    });
    expect(JSON.stringify(doc?.signatures)).toContain("Kevin Bascue");
    expect(doc?.checks).toEqual([expect.objectContaining({ agreement_id: `${AGENCY}/wso/2020-03-17`, model: "ok" })]);
  });

  it("lists it in the web app's data file, and serves the stored copy as a download", async () => {
    const f = (await (await app.request(`/data/agency/${AGENCY}.json`)).json()) as { documents: { copy: string }[] };
    expect(f.documents.map((d) => d.copy)).toEqual([`data/moa/${sha}.pdf`]);
    const pdf = await app.request(`/${f.documents[0]?.copy}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(`attachment; filename="${sha}.pdf"`);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha);
  });

  it("never serves other stored bytes, such as a list file, as a document", async () => {
    const list = await store.db.selectFrom("snapshot").select("snapshot_id").limit(1).executeTakeFirstOrThrow();
    expect((await app.request(`/data/moa/${list.snapshot_id}.pdf`)).status).toBe(404);
    expect((await app.request("/data/moa/../summary.json.pdf")).status).toBe(404);
  });

  it("puts the copy among the static site's files, and an agency without documents lists none", async () => {
    expect(await dataPaths(store)).toContain(`data/moa/${sha}.pdf`);
    const other = (await (await app.request("/data/agency/al-franklin-county-sheriffs-office.json")).json()) as {
      documents: unknown[];
    };
    expect(other.documents).toEqual([]);
  });
});
