import { after, before, describe } from "node:test";
import { runConformance } from "../conformance/index.js";
import { mysqlDatabase, serverAvailable, type TestDatabase } from "../sql/databases.js";

const available = await serverAvailable("MySQL");
let db: TestDatabase | undefined;

describe("sql/MySQL", { skip: available ? false : "MariaDB is not reachable on 127.0.0.1:3306" }, () => {
  before(async () => {
    db = await mysqlDatabase();
  });
  after(() => db?.drop());
  runConformance({
    name: "sql/MySQL",
    makeConfig: () => ({ storage: "sql", sql: db!.sql }),
  });
});
