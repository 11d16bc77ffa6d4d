import { after, before, describe } from "node:test";
import { postgresDatabase, serverAvailable, type TestDatabase } from "../sql/databases.js";
import { runTypedStoreTests } from "./suite.js";

const available = await serverAvailable("PostgreSQL");
let db: TestDatabase | undefined;

describe("typed stores on sql/PostgreSQL", { skip: available ? false : "PostgreSQL is not reachable on 127.0.0.1:5432" }, () => {
  before(async () => {
    db = await postgresDatabase();
  });
  after(() => db?.drop());
  runTypedStoreTests({ name: "sql/PostgreSQL", makeConfig: () => ({ storage: "sql", sql: db!.sql }) });
});
