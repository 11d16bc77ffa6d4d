import { StorageManager } from "../../src/stores/storage-manager.js";
import { dump } from "../../src/jobs/dump.js";
import type { StorageConfig } from "../../src/contracts/index.js";

/** The canonical dump of what a storage configuration reaches on `hosts` (a manager opened and closed for it). */
export async function dumpOfConfig(config: StorageConfig, hosts: string[]): Promise<string> {
  const sm = new StorageManager(config);
  const chunks: string[] = [];
  try {
    await dump({ label: "dump", manager: sm, hosts }, (chunk) => void chunks.push(chunk));
  } finally {
    await sm.close();
  }
  return chunks.join("");
}
