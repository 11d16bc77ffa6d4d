import { after, before, describe } from "node:test";
import { mysqlDatabase, serverAvailable, type TestDatabase } from "../sql/databases.js";
import { runTypedStoreTests } from "./suite.js";

const available = await serverAvailable("MySQL");
let db: TestDatabase | undefined;

describe("typed stores on sql/MySQL", { skip: available ? false : "MySQL is not reachable on 127.0.0.1:3306" }, () => {
  before(async () => {
    db = await mysqlDatabase();
  });
  after(() => db?.drop());
  runTypedStoreTests({ name: "sql/MySQL", makeConfig: () => ({ storage: "sql", sql: db!.sql }) });
});
