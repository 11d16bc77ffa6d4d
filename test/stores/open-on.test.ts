import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Element } from "ltx";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { rejectsWith } from "../conformance/index.js";
import { stores } from "../../src/stores/index.js";

describe("per-node item archives follow the pubsub_data / pep_data configuration", () => {
  it("opens pubsub_<node> on pubsub_data's backend and pep_<node> on pep_data's", async () => {
    const sm = new StorageManager({ default_storage: "memory", storage: { pubsub_data: "null", pep_data: "memory" } });
    try {
      const payload = new Element("entry", { xmlns: "http://www.w3.org/2005/Atom" });
      await rejectsWith(stores(sm).pubsub("pubsub.example").publish("news", "1", payload), "storage-disabled");
      await stores(sm).pep("example.com").of("romeo").publish("news", "1", payload);
      assert.equal((await stores(sm).pep("example.com").of("romeo").items("news")).length, 1);
      // Opened by its own name, the same archive goes to the store's own backend, as in Prosody.
      const direct = await sm.open("pubsub.example", "pubsub_news", "archive");
      assert.equal(typeof direct.append, "function");
      assert.notEqual(direct, await sm.openOn("pubsub.example", "pubsub_data", "pubsub_news", "archive"));
    } finally {
      await sm.close();
    }
  });
});
