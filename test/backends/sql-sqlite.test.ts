import { after, before } from "node:test";
import { runConformance } from "../conformance/index.js";
import { sqliteDatabase, type TestDatabase } from "../sql/databases.js";

let db: TestDatabase;
before(async () => {
  db = await sqliteDatabase();
});
after(() => db.drop());

runConformance({
  name: "sql/SQLite3",
  makeConfig: () => ({ storage: "sql", sql: db.sql, data_path: db.dataPath }),
});
