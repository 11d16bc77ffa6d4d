import { after, before } from "node:test";
import { sqliteDatabase, type TestDatabase } from "../sql/databases.js";
import { runTypedStoreTests } from "./suite.js";

let db: TestDatabase;
before(async () => {
  db = await sqliteDatabase();
});
after(() => db.drop());

runTypedStoreTests({
  name: "sql/SQLite3",
  makeConfig: () => ({ storage: "sql", sql: db.sql, data_path: db.dataPath }),
});
