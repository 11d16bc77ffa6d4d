/** A bad command line: the CLI prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** How one option is given: a flag, a value, or a value that may repeat. */
export type OptionKind = "flag" | "value" | "list";

export interface ArgSpec {
  /** Long option names without `--`, and their kinds. */
  options: Record<string, OptionKind>;
  /** Single-letter aliases: `{ q: "quiet" }`. */
  short?: Record<string, string>;
  /** Names of positional arguments, for messages; `max` how many may be given. */
  positional: { min: number; max: number; names: string[] };
}

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  lists: Map<string, string[]>;
  positional: string[];
}

/**
 * Parses a command's arguments: `--name value`, `--name=value`, `-q`, repeated `list` options,
 * `--` ending the options. Unknown options, missing values and wrong positional counts are
 * {@link UsageError}s.
 */
export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Set(), values: new Map(), lists: new Map(), positional: [] };
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositional || !arg.startsWith("-") || arg === "-") {
      parsed.positional.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositional = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      if (arg.length !== 2) throw new UsageError(`unknown option ${arg}`);
      const long = spec.short?.[arg[1]];
      if (!long) throw new UsageError(`unknown option ${arg}`);
      name = long;
    }
    const kind = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === "flag") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (kind === "value") {
      if (parsed.values.has(name)) throw new UsageError(`--${name} given twice`);
      parsed.values.set(name, value);
    } else parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
  }
  const { min, max, names } = spec.positional;
  if (parsed.positional.length < min) {
    throw new UsageError(`missing ${names.slice(parsed.positional.length, min).join(" ")}`);
  }
  if (parsed.positional.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positional[max])}`);
  }
  return parsed;
}

/** A required `--name VALUE`. */
export function required(parsed: ParsedArgs, name: string): string {
  const value = parsed.values.get(name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}
