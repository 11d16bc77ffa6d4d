import { readFile, readdir, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import type { Element } from "ltx";
import { storageError, type StorageError } from "../../errors.js";
import { NS } from "./codec.js";
import { childrenOf, documentText, localName, nsOf, parseXml } from "./xml.js";

/**
 * Where XEP-0227 data lives on disk, and reading and writing it:
 * - a directory in Prosody's layout: one `USER@HOST.xml` per user (mod_storage_xep0227 puts them
 *   straight in its data directory), each a `<server-data><host jid><user name>` document;
 * - one document with any number of hosts and users, whose `<xi:include href>`s (ejabberd's
 *   export: a main file including one file per host) are followed only to files in its own
 *   directory.
 */

/** One user found in the files. */
export interface FoundUser {
  host: string;
  user: string;
  element: Element;
}

/** Default limit on one file's size: a bigger file is refused before it is read. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function failure(path: string, why: string, cause?: unknown): StorageError {
  return storageError("backend-failure", why, { backend: "xep0227", object: path, cause });
}

/** Reads and parses one file, refusing files over `maxBytes` and text that is not UTF-8. */
export async function readXmlFile(path: string, maxBytes: number): Promise<Element> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw failure(path, `cannot read: ${(error as Error).message}`, error);
  }
  if (size > maxBytes) throw storageError("invalid-input", `${path}: ${size} bytes, more than the limit of ${maxBytes} (xep0227_max_bytes)`, { backend: "xep0227" });
  const bytes = await readFile(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw storageError("invalid-input", `${path}: not UTF-8 text`, { backend: "xep0227", cause: error });
  }
  return parseXml(text, path);
}

/** Writes a document through a scratch file renamed over the old one, so readers see old or new. */
export async function writeXmlFile(path: string, root: Element): Promise<void> {
  const scratch = `${path}~`;
  try {
    await writeFile(scratch, documentText(root), { mode: 0o640 });
    await rename(scratch, path);
  } catch (error) {
    throw failure(path, `cannot write: ${(error as Error).message}`, error);
  }
}

export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw failure(path, `cannot remove: ${error.message}`, error);
  });
}

/** `USER@HOST.xml`, refusing names that would not be one file in the directory. */
export function userFileName(user: string, host: string): string {
  const name = `${user}@${host}.xml`;
  if (/[/\\\0]/.test(name) || user.includes("@") || user === "" || host === "" || Buffer.byteLength(name) > 255) {
    throw storageError("invalid-input", `user ${JSON.stringify(user)} on ${JSON.stringify(host)} cannot be a file USER@HOST.xml (no "/", "@", NUL; at most 255 bytes)`, { backend: "xep0227" });
  }
  return name;
}

/** The users of a `<host jid>` element. */
function usersOfHost(host: Element, where: string): FoundUser[] {
  const jid = host.attrs.jid;
  if (typeof jid !== "string" || jid === "") throw storageError("invalid-input", `${where}: a <host/> without a jid`, { backend: "xep0227" });
  return childrenOf(host, "user").filter((u) => typeof u.attrs.name === "string").map((element) => ({ host: jid, user: element.attrs.name, element }));
}

/** Every user file of a directory in Prosody's layout (for one host, or all). */
export async function readUserDirectory(dir: string, maxBytes: number, onlyHost?: string): Promise<FoundUser[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw failure(dir, `cannot list: ${(error as Error).message}`, error);
  }
  const found: FoundUser[] = [];
  for (const name of names.sort()) {
    const match = /^([^@]+)@(.+)\.xml$/.exec(name);
    if (!match || (onlyHost !== undefined && match[2] !== onlyHost)) continue;
    const path = join(dir, name);
    const root = await readXmlFile(path, maxBytes);
    // As Prosody: the file name says whose data it is; the first <host><user> holds it.
    const user = localName(root) === "server-data" ? childrenOf(root, "host")[0]?.getChildElements().find((c) => localName(c) === "user") : undefined;
    if (!user) throw storageError("invalid-input", `${path}: no <server-data><host><user> in it`, { backend: "xep0227" });
    found.push({ host: match[2], user: match[1], element: user });
  }
  return found;
}

/** A file an `xi:include` names, which must be a file in `dir` itself. */
async function includedPath(dir: string, href: unknown, where: string): Promise<string> {
  if (typeof href !== "string" || href === "" || href.includes("/") || href.includes("\\") || href === "." || href === ".." || /^[a-z]+:/i.test(href)) {
    throw storageError("invalid-input", `${where}: xi:include href ${JSON.stringify(href)} is not a file in the export's directory`, { backend: "xep0227" });
  }
  const path = join(dir, href);
  const real = await realpath(path).catch((error) => {
    throw failure(path, `cannot read: ${(error as Error).message}`, error);
  });
  const realDir = await realpath(dir);
  if (dirname(real) !== realDir && !real.startsWith(realDir + sep)) {
    throw storageError("invalid-input", `${where}: xi:include ${JSON.stringify(href)} leads outside the export's directory`, { backend: "xep0227" });
  }
  return path;
}

/** Every user of a one-document export, following its `xi:include`s (one level, as ejabberd writes). */
export async function readDocument(file: string, maxBytes: number, depth = 0): Promise<FoundUser[]> {
  const root = await readXmlFile(file, maxBytes);
  if (localName(root) === "host") return usersOfHost(root, file);
  if (localName(root) !== "server-data") throw storageError("invalid-input", `${file}: the root element is <${root.name}>, not <server-data> or <host>`, { backend: "xep0227" });
  const found: FoundUser[] = [];
  for (const child of root.getChildElements()) {
    if (localName(child) === "host") found.push(...usersOfHost(child, file));
    else if (localName(child) === "include" && nsOf(child) === NS.xinclude) {
      if (depth > 0) throw storageError("invalid-input", `${file}: an included file includes others`, { backend: "xep0227" });
      found.push(...(await readDocument(await includedPath(dirname(resolve(file)), child.attrs.href, file), maxBytes, depth + 1)));
    }
  }
  return found;
}

/** The main file of an `ejabberdctl export_piefxis DIR` export: `YYYYMMDD-HHMMSS.xml`. */
export async function ejabberdMainFile(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((name) => /^\d{8}-\d{6}\.xml$/.test(name)).sort();
  if (names.length === 0) throw storageError("invalid-input", `${dir}: no ejabberd export (YYYYMMDD-HHMMSS.xml) in this directory`, { backend: "xep0227" });
  if (names.length > 1) throw storageError("invalid-input", `${dir}: several ejabberd exports (${names.join(", ")}); name the file`, { backend: "xep0227" });
  return join(dir, basename(names[0]));
}
