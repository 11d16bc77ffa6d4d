import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readProsodyConfig } from "../../src/config/prosody-cfg.js";
import { prosodyStorageConfig } from "../../src/config/prosody-storage.js";
import { ConfigError } from "../../src/config/errors.js";
import { LuaTable } from "../../src/values/index.js";
import { spawnSync } from "node:child_process";
import { LUA, prosodyAvailable, prosodyInstallHint, prosodySourceDir } from "../helpers/prosody.js";
import { needService } from "../helpers/services.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const PROSODY13_CONFIG_SCRIPT = fileURLToPath(new URL("./prosody13-config.lua", import.meta.url));

async function withConfig(files: Record<string, string>, fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "xs-cfg-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const optionValue = (file: ReturnType<typeof readProsodyConfig>, host: string | null, name: string) =>
  (host === null ? file.global : file.hosts.get(host)!.options).get(name)?.value;

test("Debian's stock prosody.cfg.lua: global options, Include of conf.d, hosts and the MUC component", () => {
  const file = readProsodyConfig(join(fixtures, "debian-prosody.cfg.lua"));
  assert.deepEqual([...file.hosts.keys()].sort(), ["conference.example.com", "example.com", "localhost"]);
  assert.equal(file.hosts.get("conference.example.com")!.kind, "Component");
  assert.equal(file.hosts.get("conference.example.com")!.module, "muc");
  assert.equal(optionValue(file, "example.com", "enabled"), false);
  assert.deepEqual(optionValue(file, "example.com", "ssl"), {
    key: "/etc/prosody/certs/example.com.key",
    certificate: "/etc/prosody/certs/example.com.crt",
  });
  assert.equal(optionValue(file, null, "authentication"), "internal_hashed");
  assert.equal((optionValue(file, null, "modules_enabled") as string[]).includes("roster"), true);
  // `log` mixes named and positional entries: kept as a general table.
  assert.ok(optionValue(file, null, "log") instanceof LuaTable);
  assert.equal(file.files.length, 3);
  const { config, hosts } = prosodyStorageConfig(file, { cwd: "/nowhere" });
  assert.equal(config.data_path, "/var/lib/prosody");
  assert.equal(config.storage, undefined);
  assert.deepEqual(hosts.sort(), ["conference.example.com", "example.com", "localhost"]);
});

test("storage options globally and per host, SQL defaults and relative paths", async () => {
  await withConfig(
    {
      "prosody.cfg.lua": `
-- a comment
--[==[ a long
comment ]==]
data_path = "data" ; default_storage = 'sql'
storage = { accounts = "internal", roster = [[internal]] }
sql = { driver = "SQLite3", database = "store.sqlite" }
storage_archive_item_limit = 10 * 1000 + 5
local pg = { driver = "PostgreSQL", database = "prosody", host = "127.0.0.1", port = 5432, username = ENV_PGUSER }
VirtualHost "Example.COM"
  storage = "internal"
Component "muc.example.com" "muc"
  modules_enabled = { "muc_mam", }
  sql = pg
VirtualHost "other.example" {
  storage = "sql";
}
archive_expires_after = "1w"
`,
    },
    (dir) => {
      const file = readProsodyConfig(join(dir, "prosody.cfg.lua"), { env: { PGUSER: "prosody" } });
      const { config, hosts } = prosodyStorageConfig(file, { cwd: "/srv" });
      assert.deepEqual(hosts, ["example.com", "muc.example.com", "other.example"]);
      assert.equal(config.data_path, "/srv/data");
      assert.equal(config.default_storage, "sql");
      assert.deepEqual(config.storage, { accounts: "internal", roster: "internal" });
      assert.deepEqual(config.sql, { driver: "SQLite3", database: "/srv/data/store.sqlite" });
      assert.equal(config.storage_archive_item_limit, 10005);
      assert.deepEqual(config.hosts!["example.com"], { storage: "internal" });
      assert.deepEqual(config.hosts!["muc.example.com"].sql, {
        driver: "PostgreSQL", database: "prosody", host: "127.0.0.1", port: 5432, username: "prosody",
      });
      assert.deepEqual(config.hosts!["other.example"], { storage: "sql" });
      // After a section given with a table, options go back to the global section.
      assert.equal(file.global.get("archive_expires_after")?.value, "1w");
    },
  );
});

test("sql storage without an sql option gets Prosody's default SQLite file in the data directory", async () => {
  await withConfig({ "p.cfg.lua": `data_path = "/d"\nstorage = "sql"\nVirtualHost "a.example"\n` }, (dir) => {
    const { config } = prosodyStorageConfig(readProsodyConfig(join(dir, "p.cfg.lua")));
    assert.deepEqual(config.sql, { driver: "SQLite3", database: "/d/prosody.sqlite" });
  });
});

test("strings in every Lua form, numbers and escapes", async () => {
  await withConfig(
    {
      "p.cfg.lua": `
a = "tab\\tnew\\nq\\"\\65\\x42\\u{263A}\\z
      end"
b = 'it\\'s'
c = [[
first newline dropped]]
d = [=[ has ]] inside ]=]
e = 0x1F ; f = 1.5e3 ; g = -.5 ; h = true ; i = nil
j = "a" .. 1 .. "b"
k = { [1] = "x", [2] = "y" }
l = { "x", n = 1; }
`,
    },
    (dir) => {
      const file = readProsodyConfig(join(dir, "p.cfg.lua"));
      const v = (name: string) => file.global.get(name)?.value;
      assert.equal(v("a"), 'tab\tnew\nq"AB\u263Aend');
      assert.equal(v("b"), "it's");
      assert.equal(v("c"), "first newline dropped");
      assert.equal(v("d"), " has ]] inside ");
      assert.equal(v("e"), 31);
      assert.equal(v("f"), 1500);
      assert.equal(v("g"), -0.5);
      assert.equal(v("h"), true);
      assert.equal(v("i"), undefined);
      assert.equal(v("j"), "a1b");
      assert.deepEqual(v("k"), ["x", "y"]);
      assert.ok(v("l") instanceof LuaTable);
    },
  );
});

test("code it cannot understand is an error naming the file and line", async () => {
  const cases: Array<[string, RegExp]> = [
    [`x = 1\nif x then y = 2 end\n`, /p\.cfg\.lua:2: 'if' statements are not understood/],
    [`x = 1\n\nfunction f() end\n`, /p\.cfg\.lua:3: 'function' statements/],
    [`a = "unfinished\n`, /p\.cfg\.lua:1: unfinished string/],
    [`a = { 1, 2\nb = 3\n`, /p\.cfg\.lua:2: '}' expected/],
    [`a = os.execute("rm -rf /")\n`, /p\.cfg\.lua:1: cannot index a nil value \(os\)/],
    [`a = os.getenv(5)\n`, /p\.cfg\.lua:1: os\.getenv needs the name of an environment variable/],
    [`a = tostring(1)\n`, /p\.cfg\.lua:1: function calls are not understood/],
    [`RunScript "x.lua"\n`, /p\.cfg\.lua:1: RunScript runs Lua code/],
    [`Frobnicate "x"\n`, /p\.cfg\.lua:1: unknown directive Frobnicate/],
    [`Include "missing.cfg.lua"\n`, /p\.cfg\.lua:1: cannot read Prosody configuration .*missing\.cfg\.lua: no such file/],
    [`VirtualHost "x.example" "muc"\n`, /p\.cfg\.lua:1: VirtualHost entries do not accept a module name/],
    [`storage = 5\n`, /p\.cfg\.lua:1: option storage must be/],
    [`sql = { driver = "Oracle" }\n`, /p\.cfg\.lua:1: option sql\.driver must be/],
    [`a = "\\300"\n`, /decimal escape too large/],
  ];
  for (const [text, expected] of cases) {
    await withConfig({ "p.cfg.lua": text }, (dir) => {
      assert.throws(
        () => prosodyStorageConfig(readProsodyConfig(join(dir, "p.cfg.lua"))),
        (error: unknown) => error instanceof ConfigError && expected.test(error.message),
        `for ${JSON.stringify(text)}`,
      );
    });
  }
});

test("Include with a wildcard reads matching files in name order; included sections start global", async () => {
  await withConfig(
    {
      "main.cfg.lua": `VirtualHost "a.example"\nInclude "hosts/*.cfg.lua"\nstorage = "memory"\n`,
      "hosts/b.cfg.lua": `default_storage = "sql"\nVirtualHost "b.example"\n`,
      "hosts/.hidden.cfg.lua": `error here`,
      "hosts/c.txt": `not lua at all (`,
    },
    (dir) => {
      const file = readProsodyConfig(join(dir, "main.cfg.lua"));
      assert.deepEqual([...file.hosts.keys()], ["a.example", "b.example"]);
      assert.equal(file.global.get("default_storage")?.value, "sql");
      // Back in main.cfg.lua the current section is still a.example.
      assert.equal(file.hosts.get("a.example")!.options.get("storage")?.value, "memory");
    },
  );
});

/** What Prosody 13's own configmanager reads from a file: option name → JSON text, or the error. */
function readWithProsody13(file: string, names: string[], env: Record<string, string>): Record<string, string> {
  const result = spawnSync(LUA, [PROSODY13_CONFIG_SCRIPT, file, ...names], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, PROSODY_SRCDIR: prosodySourceDir("13"), ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return Object.fromEntries(result.stdout.trim().split("\n").map((line) => line.split("\t") as [string, string]));
}

test("Prosody 13's FileContents, FileLine, FileLines and Credential read as 13 reads them", async (t) => {
  const files = {
    "etc/sub/p.cfg.lua": [
      `contents = FileContents("lines.txt")`,
      `first = FileLine "lines.txt"`,
      `lines = FileLines("./lines.txt")`,
      `none = FileLines("../empty.txt")`,
      `password = Credential("db")`,
      `sql = { driver = "PostgreSQL", database = "prosody", password = Credential "db" }`,
      `storage = "sql"`,
      `VirtualHost "example.com"`,
      `  key = FileLine("/ABS/etc/key.txt")`,
    ].join("\n"),
    "etc/sub/lines.txt": "line1\r\nline2\n\nlïne4",
    "etc/empty.txt": "",
    "etc/key.txt": "k\n",
    "creds/db": "s3cret\n",
  };
  await withConfig(files, async (dir) => {
    const file = join(dir, "etc/sub/p.cfg.lua");
    await writeFile(file, files["etc/sub/p.cfg.lua"].replace("/ABS", dir));
    const env = { CREDENTIALS_DIRECTORY: join(dir, "creds") };
    const ours = readProsodyConfig(file, { env });
    assert.equal(optionValue(ours, null, "contents"), "line1\r\nline2\n\nlïne4");
    assert.equal(optionValue(ours, null, "first"), "line1\r");
    assert.deepEqual(optionValue(ours, null, "lines"), ["line1\r", "line2", "", "lïne4"]);
    assert.deepEqual(optionValue(ours, null, "none"), []);
    assert.equal(optionValue(ours, null, "password"), "s3cret\n");
    assert.equal(optionValue(ours, "example.com", "key"), "k");
    const storage = prosodyStorageConfig(ours);
    assert.deepEqual(storage.config.sql, { driver: "PostgreSQL", database: "prosody", password: "s3cret\n" });

    if (!needService(t, "prosody 13", prosodyAvailable("13"), prosodyInstallHint("13"))) return;
    const names = ["contents", "first", "lines", "password"];
    const theirs = readWithProsody13(file, names, env);
    for (const name of names) assert.equal(JSON.stringify(optionValue(ours, null, name)), theirs[name], name);
  });
});

test("Credential without $CREDENTIALS_DIRECTORY is 13's error; file errors and RunScript in values name the line", async (t) => {
  const cases: Array<[string, RegExp]> = [
    [`x = 1\nsql = { password = Credential("db") }\n`, /p\.cfg\.lua:2: Credential\(\) requires the \$CREDENTIALS_DIRECTORY environment variable to be set/],
    [`x = FileContents("nope")\n`, /p\.cfg\.lua:1: FileContents: .*\/nope: No such file or directory/],
    [`x = FileLine("empty")\n`, /p\.cfg\.lua:1: FileLine: .*\/empty is empty/],
    [`x = FileLines()\n`, /p\.cfg\.lua:1: FileLines needs a file name/],
    [`\nx = RunScript("x.lua")\n`, /p\.cfg\.lua:2: RunScript runs Lua code/],
    [`x = dofile("x.lua")\n`, /p\.cfg\.lua:1: function calls are not understood in values, dofile\(\) included/],
  ];
  for (const [text, expected] of cases) {
    await withConfig({ "p.cfg.lua": text, empty: "" }, (dir) => {
      assert.throws(
        () => readProsodyConfig(join(dir, "p.cfg.lua"), { env: {} }),
        (error: unknown) => error instanceof ConfigError && expected.test(error.message),
        `for ${JSON.stringify(text)}`,
      );
    });
  }
  if (!needService(t, "prosody 13", prosodyAvailable("13"), prosodyInstallHint("13"))) return;
  await withConfig({ "p.cfg.lua": cases[0][0] }, (dir) => {
    assert.match(readWithProsody13(join(dir, "p.cfg.lua"), [], {}).ERR, cases[0][1]);
  });
});

// Issue 13, item 7: what Prosody's configuration may read from the environment, and what would
// never end, as Prosody runs it.
test("os.getenv and ENV_ variables read the environment, as Prosody does", async () => {
  const text = `data_path = os.getenv("XS_DATA") .. "/prosody"\nstorage = os.getenv "XS_STORAGE"\nsql = { driver = "PostgreSQL", database = ENV_XS_DB, password = os.getenv("XS_NONE") }\n`;
  await withConfig({ "p.cfg.lua": text }, (dir) => {
    const file = readProsodyConfig(join(dir, "p.cfg.lua"), { env: { XS_DATA: "/srv", XS_STORAGE: "sql", XS_DB: "xmpp" } });
    const { config } = prosodyStorageConfig(file);
    assert.equal(config.data_path, "/srv/prosody");
    assert.equal(config.storage, "sql");
    assert.deepEqual(config.sql, { driver: "PostgreSQL", database: "xmpp" });
  });
});

test("an Include loop and a string that grows without bound are errors naming the file and line", async () => {
  await withConfig({ "a.cfg.lua": `x = 1\nInclude "b.cfg.lua"\n`, "b.cfg.lua": `\n\nInclude "a.cfg.lua"\n` }, (dir) => {
    assert.throws(
      () => readProsodyConfig(join(dir, "a.cfg.lua")),
      (error: unknown) => error instanceof ConfigError && error.message === `${dir}/b.cfg.lua:3: Include loop: ${dir}/a.cfg.lua includes ${dir}/b.cfg.lua includes ${dir}/a.cfg.lua`,
    );
  });
  const doubling = `local a = "x"\n${"a = a .. a\n".repeat(40)}`;
  await withConfig({ "p.cfg.lua": doubling.replace(/^a = /gm, "local a = ") }, (dir) => {
    assert.throws(
      () => readProsodyConfig(join(dir, "p.cfg.lua")),
      (error: unknown) => error instanceof ConfigError && /p\.cfg\.lua:22: '\.\.' builds a string longer than 1048576 characters/.test(error.message),
    );
  });
});
