import { StorageError } from "../errors.js";

/**
 * A configuration file or command-line value that cannot be understood. The command line
 * maps it to exit status 2 (bad usage or configuration), unlike failures during the work.
 */
export class ConfigError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid-input", message, options);
    this.name = "ConfigError";
  }
}

/** A ConfigError naming a place in a file: `FILE:LINE: message`. */
export function configErrorAt(file: string, line: number, message: string): ConfigError {
  return new ConfigError(`${file}:${line}: ${message}`);
}
