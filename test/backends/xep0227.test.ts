import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformance } from "../conformance/index.js";

const temp = () => mkdtemp(join(tmpdir(), "xs-conf-xep0227-"));
const cleanup = async (config: Record<string, unknown>) => rm(String(config.xep0227_path).replace(/\/export\.xml$/, ""), { recursive: true, force: true });

// The suite reads the backend's caps (caps.holds: the stores XEP-0227 has a place for) to pick its cases.
runConformance({
  name: "xep0227 (Prosody's per-user files)",
  makeConfig: async () => ({ storage: "xep0227", xep0227_path: await temp() }),
  cleanup,
});

runConformance({
  name: "xep0227 (one document)",
  makeConfig: async () => ({ storage: "xep0227", xep0227_path: join(await temp(), "export.xml") }),
  cleanup,
});

runConformance({
  name: "xep0227 (ejabberd's import file)",
  makeConfig: async () => ({ storage: "xep0227", xep0227_path: join(await temp(), "export.xml"), xep0227_flavor: "ejabberd" }),
  cleanup,
});
