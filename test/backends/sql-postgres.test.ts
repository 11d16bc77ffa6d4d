import { after, before, describe } from "node:test";
import { runConformance } from "../conformance/index.js";
import { postgresDatabase, serverAvailable, type TestDatabase } from "../sql/databases.js";

const available = await serverAvailable("PostgreSQL");
let db: TestDatabase | undefined;

describe("sql/PostgreSQL", { skip: available ? false : "PostgreSQL is not reachable on 127.0.0.1:5432" }, () => {
  before(async () => {
    db = await postgresDatabase();
  });
  after(() => db?.drop());
  runConformance({
    name: "sql/PostgreSQL",
    makeConfig: () => ({ storage: "sql", sql: db!.sql }),
  });
});
