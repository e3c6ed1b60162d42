// Readers never see half a list: the API, asked over and over while another process ingests a new
// list into its SQLite ledger, answers wholly from the ledger before or wholly from the one after.
// PostgreSQL's twin is in test/pg-store.test.ts.
import { afterAll, beforeAll, describe, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { openStore, type Store } from "../src/store/db.js";
import { copyArchiveDb } from "./helpers.js";
import { expectBeforeOrAfter, nextList, readWhileIngesting } from "./readers-helpers.js";

let store: Store;

beforeAll(async () => {
  store = await openStore(copyArchiveDb());
});

afterAll(async () => {
  await store?.close();
});

describe("reading the roster while another process ingests (SQLite)", () => {
  it("answers from the ledger before the list or after it, never a mix", async () => {
    const app = createApp({ store, webDist: null, versionTtlMs: 0 });
    expectBeforeOrAfter(await readWhileIngesting(app, store.file, nextList()));
  });
});
