import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageManager } from "../../src/stores/storage-manager.js";
import { main } from "../../src/cli/main.js";
import { fillSample } from "../migrate/sample.js";
import { needService } from "../helpers/services.js";
import { MY, PG, mysqlDatabase, postgresDatabase, serverAvailable } from "../sql/databases.js";
import { captureIO } from "./io.js";

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = captureIO();
  const status = await main(argv, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

// Regression: every SQL section of a migrator.cfg.lua used to be taken for a SQLite file, so a
// PostgreSQL or MySQL input failed with "no such file" and an output was never reached.
test("migrate --config with PostgreSQL and MySQL sections: SQLite -> PostgreSQL -> MySQL, dumps identical", async (t) => {
  if (!needService(t, "PostgreSQL", await serverAvailable("PostgreSQL"))) return;
  if (!needService(t, "MySQL", await serverAvailable("MySQL"))) return;
  const dir = await mkdtemp(join(tmpdir(), "xs-mcfg-sql-"));
  const pg = await postgresDatabase();
  const my = await mysqlDatabase();
  t.after(async () => {
    await rm(dir, { recursive: true, force: true });
    await pg.drop();
    await my.drop();
  });
  const sm = new StorageManager({ storage: "sql", sql: { driver: "SQLite3", database: join(dir, "a.sqlite") } });
  await fillSample(sm, 5);
  await sm.close();

  const config = join(dir, "migrator.cfg.lua");
  await writeFile(
    config,
    `sqlite { type = "sql", driver = "SQLite3", database = "${dir}/a.sqlite" }
pg { type = "sql", driver = "PostgreSQL", database = "${pg.sql.database}", host = "${PG.host}", port = ${PG.port}, username = "${PG.user}" }
my { type = "sql", driver = "MySQL", database = "${my.sql.database}", host = "${MY.host}", port = ${MY.port}, username = "${MY.user}" }
`,
  );
  const toPg = await run(["migrate", "--config", config, "sqlite", "pg", "--quiet"]);
  assert.equal(toPg.status, 0, toPg.stderr);
  const toMy = await run(["migrate", "--config", config, "pg", "my", "--quiet"]);
  assert.equal(toMy.status, 0, toMy.stderr);
  assert.match(toMy.stdout, /Migrated postgresql:\/\/127\.0\.0\.1\/xs_test_\w+ -> mysql:\/\/127\.0\.0\.1\/xs_test_\w+/);

  const sqliteDump = await run(["dump", "--from", `sqlite:${dir}/a.sqlite`]);
  const myDump = await run(["dump", "--from", `mysql://${MY.user}@${MY.host}:${MY.port}/${my.sql.database}`]);
  assert.equal(myDump.status, 0, myDump.stderr);
  assert.equal(myDump.stdout, sqliteDump.stdout);
  assert.equal(JSON.parse(myDump.stdout).hosts["example.com"].archive.archive.alice.length, 5);
});
