// A writer process of the multi-process contention test:
//   node --import tsx test/sql/contention-writer.ts CONFIG_JSON HOST USER NAME WRITERS ROUNDS
// Prints its outcome as one JSON line.
import { writeRounds } from "./contention.js";

const [config, host, user, name, writers, rounds] = process.argv.slice(2);
const outcome = await writeRounds(JSON.parse(config), host, user, name, Number(writers), Number(rounds));
process.stdout.write(`${JSON.stringify(outcome)}\n`);
