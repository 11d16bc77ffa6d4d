import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageError } from "../../src/errors.js";
import { newUsername, parseJid, prepAddressJid, prepBareJid, prepJid, storedUsername } from "../../src/stores/jid.js";

const invalidInput = (error: unknown) => error instanceof StorageError && error.condition === "invalid-input";

describe("JID checks shared by the typed stores", () => {
  it("normalises the forms Prosody keys data by", () => {
    assert.equal(prepJid("Juliet@Capulet.Example/Balcony"), "juliet@capulet.example/Balcony", "resources keep their case");
    assert.equal(prepJid("example.org."), "example.org", "a trailing dot names the same domain");
    assert.equal(prepJid("\uFF4A@example.com"), "j@example.com", "NFKC: fullwidth j");
    assert.equal(prepJid("用户@example.com"), "用户@example.com");
    assert.equal(prepJid("a@[::1]"), "a@[::1]");
    assert.equal(prepJid("a@münchen.example"), "a@münchen.example");
    assert.deepEqual(parseJid("a@b/c/d"), { local: "a", domain: "b", resource: "c/d" });
    assert.equal(prepBareJid("capulet.example"), "capulet.example");
    assert.equal(prepAddressJid("Lounge@Conference.example.com").local, "lounge");
    assert.equal(newUsername("dot.ted"), "dot.ted");
    assert.equal(newUsername("100%.sure"), "100%.sure");
  });

  it("prepares localparts with nodeprep, as Prosody does (issue 11)", () => {
    assert.equal(prepJid("Stra\u00DFe@example.com"), "strasse@example.com");
    assert.equal(prepJid("\u039F\u03A3@x"), "\u03BF\u03C3@x");
    for (const hidden of ["jul\u00ADiet", "jul\u200Biet", "jul\u2060iet", "juliet\uFE0F"]) {
      assert.equal(prepJid(`${hidden}@x`), "juliet@x", JSON.stringify(hidden));
      assert.throws(() => newUsername(hidden), /"juliet"/, "a new account name must be in nodeprep form");
    }
    // Prosody's jid.prep only nameprep's the domain: it checks no DNS label syntax.
    assert.equal(prepJid("a@Bad..Example"), "a@bad..example");
    assert.equal(prepJid("a/b@c"), "a/b@c");
  });

  it("rejects what is not a JID", () => {
    const bad = [
      "", "@example.com", "a@", "a@b/", "john doe@example.com", "a\"b@example.com", "a:b@example.com",
      `${"x".repeat(1024)}@example.com`, "a@b/\u0007", "a@b@c", "a@.", "Stra\u00DFe\uFDD0@example.com",
      "tag\u{E0041}@example.com", "\u05D0a@example.com",
      "a@b\uD800", 42, null, undefined,
    ];
    for (const jid of bad) assert.throws(() => prepJid(jid), invalidInput, JSON.stringify(jid));
    assert.throws(() => prepBareJid("a@b/c"), invalidInput);
    assert.throws(() => prepAddressJid("example.com"), invalidInput);
    assert.throws(() => newUsername("a@b"), invalidInput);
    assert.throws(() => newUsername("a b"), invalidInput);
    assert.throws(() => newUsername("Stra\u00DFe"), /"strasse"/);
    for (const bad of ["", 42, "\uD800"]) assert.throws(() => storedUsername(bad), invalidInput);
  });

  it("takes stored account names as they are", () => {
    for (const name of ["john doe", "UPPER", "quote'\"back\\slash", "semi;colon+plus=eq&amp"]) {
      assert.equal(storedUsername(name), name);
    }
  });
});
