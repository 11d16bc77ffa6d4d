/**
 * The canonical dump (dump-format.md) of a data set, built independently of xmppstore's own dump
 * code: `datasetDumpText(expectedDataset())` is exactly what `xmppstore dump` must print for a
 * source that holds the data set and nothing else, whichever backend holds it and whoever wrote
 * it. `datasetDumpText(await readWithProsody(setup))` is the same document as Prosody reads it.
 */
import { canonicalJsonText, encodeDumpValue, type DumpJson } from "../../src/format/dump/index.js";
import { canonicalXml } from "../../src/format/xml/canonical.js";
import { isElement, isEmptyTable } from "../../src/values/index.js";
import type { ProsodyDataset } from "./prosody-dataset-data.js";

type Tree = Record<string, Record<string, Record<string, Record<string, DumpJson>>>>;

function place(tree: Tree, host: string, section: "keyval" | "archive", store: string): Record<string, DumpJson> {
  const hostNode = (tree[host] ??= {});
  const sectionNode = (hostNode[section] ??= {});
  return (sectionNode[store] ??= {});
}

/** The dump document of a data set as a JSON value (empty places left out, as the format says). */
export function datasetDump(dataset: ProsodyDataset): DumpJson {
  const hosts: Tree = {};
  for (const entry of dataset.keyval) {
    if (isEmptyTable(entry.value)) continue;
    place(hosts, entry.host, "keyval", entry.store)[entry.user ?? ""] = encodeDumpValue(entry.value);
  }
  for (const archive of dataset.archive) {
    if (archive.items.length === 0) continue;
    place(hosts, archive.host, "archive", archive.store)[archive.user ?? ""] = archive.items.map((item) => {
      if (!isElement(item.value)) throw new Error(`${archive.host}/${archive.store}: item ${item.id} is not XML`);
      return { id: item.id, when: item.when, with: item.with, value: canonicalXml(item.value) };
    });
  }
  return { format: "xmppstore-dump/1", hosts: hosts as DumpJson };
}

/** The canonical JSON text of {@link datasetDump}. */
export function datasetDumpText(dataset: ProsodyDataset): string {
  return canonicalJsonText(datasetDump(dataset));
}
