import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeName, encodeChecked, encodeName, encodeStoreName, MAX_ENCODED_NAME_BYTES } from "../../src/backends/internal/names.js";
import { HostLayout } from "../../src/backends/internal/paths.js";
import { StorageError } from "../../src/errors.js";

describe("internal: Prosody's file-name encoding", () => {
  it("encodes as util.datamanager does (facts file examples)", () => {
    assert.equal(encodeName("example.com"), "example%2ecom");
    assert.equal(encodeName("john doe"), "john%20doe");
    assert.equal(encodeName("../escape"), "%2e%2e%2fescape");
    assert.equal(encodeName("under_score"), "under%5fscore");
    assert.equal(encodeName("用户"), "%e7%94%a8%e6%88%b7");
    assert.equal(encodeName("2024-01-01"), "2024%2d01%2d01");
    assert.equal(encodeStoreName("pep_http://jabber.org/protocol/nick"), "pep_http%3a%2f%2fjabber%2eorg%2fprotocol%2fnick");
    assert.equal(encodeStoreName("pubsub_ünïcode node"), "pubsub_%c3%bcn%c3%afcode%20node");
  });

  it("decodes either case and leaves other bytes alone", () => {
    assert.equal(decodeName("example%2Ecom"), "example.com");
    assert.equal(decodeName("example%2ecom"), "example.com");
    assert.equal(decodeName("%E7%94%A8%e6%88%b7"), "用户");
    assert.equal(decodeName("plain_name"), "plain_name");
    assert.equal(decodeName("100%"), "100%");
    assert.equal(decodeName("%zz"), "%zz");
    assert.equal(decodeName("%ff%fe"), undefined, "bytes that are not UTF-8 are not a name");
  });

  it("round-trips every string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (name) => {
        assert.equal(decodeName(encodeName(name)), name);
        assert.equal(decodeName(encodeStoreName(name)), name);
        assert.match(encodeName(name), /^[A-Za-z0-9%]*$/);
        assert.match(encodeStoreName(name), /^[A-Za-z0-9%_]*$/);
      }),
    );
  });

  it("rejects names too long for a file name once encoded, with invalid-input", () => {
    const fits = "a".repeat(MAX_ENCODED_NAME_BYTES);
    assert.equal(encodeChecked(fits, "user"), fits);
    for (const name of ["a".repeat(MAX_ENCODED_NAME_BYTES + 1), ".".repeat(84), "用".repeat(28)]) {
      assert.throws(
        () => encodeChecked(name, "user"),
        (error: unknown) => error instanceof StorageError && error.condition === "invalid-input",
      );
    }
  });
});

describe("internal: data layout", () => {
  const layout = new HostLayout("/srv/data", "example.com");

  it("places files as Prosody does", () => {
    assert.equal(layout.file("roster", "juliet", "dat"), "/srv/data/example%2ecom/roster/juliet.dat");
    assert.equal(layout.file("archive", "juliet", "list"), "/srv/data/example%2ecom/archive/juliet.list");
    assert.equal(layout.file("persistent", null, "dat"), "/srv/data/example%2ecom/persistent.dat");
    assert.equal(layout.file("pubsub_princely_musings", null, "list"), "/srv/data/example%2ecom/pubsub_princely_musings.list");
  });

  it("keeps hostile names inside the data directory", () => {
    for (const name of ["..", "../..", "/etc/passwd", "a/../../b", "\0", "~", ".", "C:\\x", "%2e%2e"]) {
      for (const path of [layout.file(name, name, "dat"), layout.file(name, null, "list"), new HostLayout("/srv/data", name).file("s", name, "dat")]) {
        assert.ok(path.startsWith("/srv/data/"), path);
        const rest = path.slice("/srv/data/".length).split("/");
        for (const part of rest) assert.match(part, /^[A-Za-z0-9%_]+(\.(dat|list))?$/, `${JSON.stringify(name)} gave ${path}`);
      }
    }
  });

  it("rejects over-long host, store and user names", () => {
    const long = "x".repeat(300);
    assert.throws(() => new HostLayout("/srv/data", long), StorageError);
    assert.throws(() => layout.storeDir(long), StorageError);
    assert.throws(() => layout.file("roster", long, "dat"), StorageError);
  });
});

describe("internal: archive ids", () => {
  it("are 24 base64url characters, as Prosody 0.12's util.id.medium, and unique", async () => {
    const { IdSource } = await import("../../src/backends/internal/ids.js");
    const source = new IdSource();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = source.next();
      assert.match(id, /^[A-Za-z0-9_-]{24}$/);
      seen.add(id);
    }
    assert.equal(seen.size, 2000);
  });
});
