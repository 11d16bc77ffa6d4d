import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import { ResolvedConfig } from "../../src/manager/config.js";
import { isStorageError, StorageError } from "../../src/errors.js";

function invalid(config: unknown, pattern: RegExp): void {
  assert.throws(
    () => new ResolvedConfig(config),
    (error: unknown) => error instanceof StorageError && error.condition === "invalid-input" && pattern.test(error.message),
  );
}

describe("configuration", () => {
  it("uses internal when nothing is configured", () => {
    const config = new ResolvedConfig({});
    assert.equal(config.backendFor("example.com", "roster"), "internal");
    assert.deepEqual(config.backendsOf("example.com"), ["internal"]);
  });

  it("takes one backend for every store from a storage string", () => {
    const config = new ResolvedConfig({ storage: "sql", default_storage: "memory" });
    assert.equal(config.backendFor("example.com", "roster"), "sql");
    assert.equal(config.backendFor("example.com", "archive"), "sql");
  });

  it("takes per-store backends from a storage table, else default_storage", () => {
    const config = new ResolvedConfig({ storage: { roster: "sql", accounts: "internal" }, default_storage: "memory" });
    assert.equal(config.backendFor("example.com", "roster"), "sql");
    assert.equal(config.backendFor("example.com", "accounts"), "internal");
    assert.equal(config.backendFor("example.com", "vcard"), "memory");
    assert.deepEqual(config.backendsOf("example.com").sort(), ["internal", "memory", "sql"]);
  });

  it("lets a host's options replace the global ones", () => {
    const config = new ResolvedConfig({
      storage: "internal",
      data_path: "/global",
      hosts: { "muc.example.com": { storage: { muc_log: "sql" } }, "other.example": { data_path: "/other" } },
    });
    assert.equal(config.backendFor("example.com", "muc_log"), "internal");
    assert.equal(config.backendFor("muc.example.com", "muc_log"), "sql");
    assert.equal(config.backendFor("muc.example.com", "config"), "internal", "default_storage is unset, so internal");
    assert.equal(config.forHost("other.example").data_path, "/other");
    assert.equal(config.forHost("muc.example.com").data_path, "/global");
  });

  it("is frozen and does not follow later changes by the caller", () => {
    const options = { storage: { roster: "sql" } as Record<string, string>, sql: { driver: "SQLite3" as const, database: "a.sqlite" } };
    const config = new ResolvedConfig(options);
    options.storage.roster = "memory";
    options.sql.database = "b.sqlite";
    assert.equal(config.backendFor("h", "roster"), "sql");
    assert.equal(config.forHost("h").sql?.database, "a.sqlite");
    assert.throws(() => {
      (config.global as Record<string, unknown>).storage = "x";
    }, TypeError);
  });

  it("rejects malformed options, naming them", () => {
    invalid(42, /configuration must be an object/);
    invalid({ storage: 5 }, /storage must be/);
    invalid({ storage: { roster: 5 } }, /storage\.roster/);
    invalid({ storage: "../evil" }, /storage must be a backend name/);
    invalid({ default_storage: "" }, /default_storage/);
    invalid({ data_path: "" }, /data_path/);
    invalid({ sql: { driver: "Oracle", database: "x" } }, /sql\.driver must be one of SQLite3, PostgreSQL, MySQL/);
    invalid({ sql: { driver: "PostgreSQL" } }, /sql\.database/);
    invalid({ sql: { driver: "MySQL", database: "" } }, /sql\.database/);
    invalid({ sql: { driver: "PostgreSQL", database: "x", port: 70000 } }, /sql\.port/);
    invalid({ storage_archive_item_limit: -1 }, /storage_archive_item_limit/);
    invalid({ storage_archive_item_limit: 1.5 }, /storage_archive_item_limit/);
    invalid({ hosts: [] }, /hosts must be a table/);
    invalid({ hosts: { "example.com": { storage: 1 } } }, /hosts\["example\.com"\]\.storage/);
    invalid({ plugin_paths: "dir" }, /plugin_paths/);
    invalid({ backends: { x: "not a function" } }, /backends\.x must be a factory/);
  });
});

// Issue 13, item 7: an unknown option is reported, never silently ignored.
test("a misspelt storage option is an error naming it; other unknown options are logged; a plugin's prefix passes", () => {
  assert.throws(
    () => new ResolvedConfig({ datapath: "/srv/data" }),
    (error: unknown) => isStorageError(error, "invalid-input") && /datapath is not an option: did you mean data_path\?/.test(error.message),
  );
  assert.throws(() => new ResolvedConfig({ hosts: { "example.com": { storage_archive_item_limt: 5 } } }), /hosts\["example\.com"\]\.storage_archive_item_limt is not an option: did you mean storage_archive_item_limit\?/);
  const warnings: string[] = [];
  new ResolvedConfig({ storage: "mystore", mystore_url: "x", modules_enabled: ["roster"], logger: { warn: (m: string) => void warnings.push(m) } });
  assert.deepEqual(warnings, ["[manager] option modules_enabled is not read by xmppstore's storage (only a plugin backend could use it)"]);
});
