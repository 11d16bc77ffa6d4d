import { UsageError } from "./args.js";
import type { CliIO, PasswordInput } from "./io.js";

/** Reads up to the first line end; the rest of the stream is not consumed further. */
function firstLine(input: PasswordInput): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const done = (line: string) => {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.removeListener("error", reject);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end >= 0) done(text.slice(0, end).replace(/\r$/, ""));
    };
    const onEnd = () => done(text.replace(/\r$/, ""));
    input.on("data", onData);
    input.on("end", onEnd);
    input.on("error", reject);
    input.resume();
  });
}

/** Reads a line from a terminal in raw mode, so nothing typed is shown. Ctrl-C and Ctrl-D abort. */
function hiddenLine(input: PasswordInput, io: CliIO, prompt: string): Promise<string> {
  io.err(prompt);
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = (error?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode?.(false);
      input.pause();
      io.err("\n");
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003" || char === "\u0004") return finish(new UsageError("no password given (interrupted)"));
        if (char === "\u007f" || char === "\b") text = [...text].slice(0, -1).join("");
        else text += char;
      }
    };
    input.setRawMode?.(true);
    input.on("data", onData);
    input.resume();
  });
}

export interface PasswordOptions {
  /** `--password-stdin`: the first line of stdin. */
  fromStdin: boolean;
  /** On a terminal, ask twice and compare (a new password). */
  confirm: boolean;
}

/**
 * A password from the terminal without echo, or from stdin's first line with `--password-stdin`;
 * never from the command line, where other users could see it in the process list.
 */
export async function readPassword(io: CliIO, options: PasswordOptions): Promise<string> {
  const input = io.stdin ?? process.stdin;
  let password: string;
  if (options.fromStdin) password = await firstLine(input);
  else {
    if (!input.isTTY || !input.setRawMode) {
      throw new UsageError("stdin is not a terminal to ask for the password on; give it on stdin with --password-stdin");
    }
    password = await hiddenLine(input, io, "Password: ");
    if (options.confirm && (await hiddenLine(input, io, "Retype password: ")) !== password) {
      throw new UsageError("the passwords do not match");
    }
  }
  if (password === "") throw new UsageError("the password is empty");
  return password;
}
