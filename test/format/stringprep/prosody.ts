import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { LUA } from "../../stores/lua.js";

export type ProfileName = "nodeprep" | "nameprep" | "resourceprep" | "saslprep";

export interface PrepQuestion {
  profile: ProfileName;
  strict?: boolean;
  /** The input's bytes: UTF-8 text, or raw bytes (a lone surrogate's CESU form). */
  input: Buffer;
}

const SCRIPT = fileURLToPath(new URL("./prosody-stringprep.lua", import.meta.url));

/**
 * Asks Prosody's util.encodings.stringprep (one Lua process for all questions) and returns its
 * answers in order: the prepared string, or `undefined` where Prosody returns nil.
 */
export function askProsody(questions: PrepQuestion[]): Promise<Array<string | undefined>> {
  return new Promise((resolve, reject) => {
    const lua = spawn(LUA, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    lua.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    lua.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    lua.on("error", reject);
    lua.on("close", (code) => {
      if (code !== 0) return reject(new Error(`Lua stringprep exited with ${code}: ${err}`));
      const lines = Buffer.concat(out).toString("latin1").split("\n").slice(0, -1);
      if (lines.length !== questions.length) return reject(new Error(`${lines.length} answers to ${questions.length} questions`));
      resolve(lines.map((line) => (line === "nil" ? undefined : Buffer.from(line.slice(1), "hex").toString("utf8"))));
    });
    const text = questions.map((q) => `${q.profile} ${q.strict ? 1 : 0} ${q.input.toString("hex")}\n`).join("");
    lua.stdin.end(text);
  });
}
