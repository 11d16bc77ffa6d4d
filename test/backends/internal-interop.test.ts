// Proof against real Prosody 0.12 and 13 on internal files: the shared cases of
// prosody-interop.ts (both read what the other wrote, turns on one archive, identical query
// answers), and that xmppstore decodes every file name and finds exactly the data set's stores.
import assert from "node:assert/strict";
import { unguardedBackend } from "../../src/manager/manager.js";
import { collect } from "../conformance/context.js";
import { DATASET_USERS, datasetStores, expectedDataset } from "../helpers/prosody-dataset.js";
import { prosodyInteropSuite } from "./prosody-interop.js";

prosodyInteropSuite("internal", {
  async afterProsodyWrote(sm) {
    // users() decodes every awkward name Prosody encoded.
    const accounts = await collect((await sm.open("example.com", "accounts")).users());
    assert.deepEqual(accounts.sort(), [...DATASET_USERS].sort());
    // discover() finds exactly the data set's stores.
    const { backend } = await unguardedBackend(sm, "example.com", "accounts");
    const found = (await collect(backend.discover!())).map((s) => `${s.host} ${s.store} ${s.type}`).sort();
    const wanted = datasetStores(expectedDataset()).map((s) => `${s.host} ${s.store} ${s.kind === "archive" ? "archive" : "keyval"}`);
    assert.deepEqual(found, [...new Set(wanted)].sort());
  },
});
