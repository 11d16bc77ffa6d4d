// Issue 13, item 5: database SOURCEs fail in words an operator can act on, never show a
// password, and can take it from the environment instead of the command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { needService } from "../helpers/services.js";
import { mysqlDatabase, PG, postgresDatabase, serverAvailable } from "../sql/databases.js";
import { parseSource } from "../../src/config/source.js";
import { run, tempDir, withSample } from "./run.js";

const SECRET = "Zq9xW7";

/** Fails when any 3 characters of the secret in a row appear in `text`. */
function assertNoSecret(text: string, what: string): void {
  for (let i = 0; i + 3 <= SECRET.length; i++) assert.ok(!text.includes(SECRET.slice(i, i + 3)), `${what} shows part of the password: ${text}`);
}

test("a refused connection names the address tried, not 'lost the connection' nor a host never given", async () => {
  const result = await run(["ls", "--from", "postgres://prosody@127.0.0.1:5433/prosody"]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /connection refused to 127\.0\.0\.1:5433/);
  assert.doesNotMatch(result.stderr, /lost the connection|localhost/);
  const my = await run(["ls", "--from", "mysql://root@127.0.0.1:3307/prosody"]);
  assert.match(my.stderr, /connection refused to 127\.0\.0\.1:3307/);
});

test("no password, whole or in part, in any message about a SOURCE", async () => {
  const urls = [
    `postgres://u:${SECRET}@127.0.0.1:5433/db`,
    `postgres://u:${SECRET.slice(0, 3)}/${SECRET.slice(3)}@127.0.0.1:5433/db`,
    `postgres://u:${SECRET.slice(0, 3)}@${SECRET.slice(3)}@127.0.0.1:5433/db`,
    `postgress://u:${SECRET}@127.0.0.1/db`,
    `mysql://u:${SECRET}@127.0.0.1:3306/db?x=1`,
    `mysql://u:${SECRET}`,
    `mysql://u:${SECRET}@127.0.0.1:3306/`,
    `mysql://nobody-${process.pid}:${SECRET}@127.0.0.1:3306/mysql`,
  ];
  for (const url of urls) {
    for (const argv of [["ls", "--from", url], ["migrate", "--from", "internal:/nonexistent", "--to", url]]) {
      const result = await run(argv);
      assert.notEqual(result.status, 0, url);
      assertNoSecret(result.stderr + result.stdout, url);
    }
  }
});

test("SOURCE URLs: percent-encoding, ?sslmode=, and the password from PGPASSWORD / MYSQL_PWD", () => {
  const pg = parseSource("postgres://pro%40sody:p%2Fw%40rd@db.example/xmpp%20chat?sslmode=verify-full&sslrootcert=ca.pem", { cwd: "/etc/x" });
  assert.deepEqual(pg.config.sql, {
    driver: "PostgreSQL", database: "xmpp chat", host: "db.example", username: "pro@sody", password: "p/w@rd",
    tls: { mode: "verify-full", ca: "/etc/x/ca.pem" },
  });
  assert.equal(parseSource("mysql://root@h/p?ssl-mode=REQUIRED").config.sql!.tls?.mode, "require");
  assert.equal(parseSource("postgres://u@h/db", { env: { PGPASSWORD: SECRET } }).config.sql!.password, SECRET);
  assert.equal(parseSource("mysql://u@h/db", { env: { MYSQL_PWD: SECRET } }).config.sql!.password, SECRET);
  assert.equal(parseSource("mysql://u:given@h/db", { env: { MYSQL_PWD: SECRET } }).config.sql!.password, "given");
  assert.equal(parseSource("postgres:///db").config.sql!.host, undefined, "no host named: none invented");
});

test("PostgreSQL: a missing database is exit 2; a URL without a user name is explained; TLS is asked for", async (t) => {
  if (!needService(t, "PostgreSQL", await serverAvailable("PostgreSQL"))) return;
  const missing = await run(["ls", "--from", `postgres://${PG.user}@127.0.0.1:5432/xs_no_such_db_${process.pid}`]);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /no such database/);
  const db = await postgresDatabase();
  t.after(() => db.drop());
  const noUser = await run(["ls", "--from", `postgres://127.0.0.1:5432/${db.sql.database}`], { env: {} });
  assert.notEqual(noUser.status, 0);
  assert.match(noUser.stderr, /no user name was given: name one, postgres:\/\/USER@HOST\/DB/);
  // The test server has no TLS: asking for it must fail, not go on in the clear.
  const tls = await run(["ls", "--from", `postgres://${PG.user}@127.0.0.1:5432/${db.sql.database}?sslmode=require`]);
  assert.equal(tls.status, 1);
  assert.match(tls.stderr, /SSL|TLS/i);
  const plain = await run(["ls", "--from", `postgres://${PG.user}@127.0.0.1:5432/${db.sql.database}?sslmode=disable`]);
  assert.equal(plain.status, 2, plain.stderr); // reached: an empty database holds no Prosody tables
  assert.match(plain.stderr, /not a Prosody database/);
});

test("MySQL: a missing database is exit 2; the target is checked before the first item moves", async (t) => {
  if (!needService(t, "MariaDB", await serverAvailable("MySQL"))) return;
  const missing = await run(["ls", "--from", `mysql://root@127.0.0.1:3306/xs_no_such_db_${process.pid}`]);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /no such database/);
  const db = await mysqlDatabase();
  t.after(() => db.drop());
  const dir = await tempDir(t);
  await withSample({ storage: "internal", data_path: join(dir, "data") }, 3);
  const refused = await run(["migrate", "--from", `internal:${dir}/data`, "--to", "mysql://root@127.0.0.1:3307/prosody"]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /connection refused to 127\.0\.0\.1:3307/);
  assert.doesNotMatch(refused.stderr, /migrating \d+ items/, "it stopped before planning the work");
  writeFileSync(join(dir, "a-file"), "");
  const unwritable = await run(["migrate", "--from", `internal:${dir}/data`, "--to", `sqlite:${dir}/a-file/prosody.sqlite`]);
  assert.notEqual(unwritable.status, 0);
  assert.match(unwritable.stderr, /file already exists, mkdir/);
  assert.doesNotMatch(unwritable.stderr, /migrating \d+ items/);
});
