import { parseArgs, type ParseArgsConfig } from "node:util";

// The flag handling every npm script shares: node's own strict parser, `--help` answered before
// anything else is read or done, and a bad flag turned into one sentence (the script prints it with
// its usage and exits 2).

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** True when the arguments ask for help (`--help` or `-h` before any `--`), whatever else they hold. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

/** Node's parser messages, as a sentence an operator reads without knowing the parser. */
function sentence(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, " ");
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    return `Unknown option "${flag}".`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /'([^']+)'/.exec(message)?.[1] ?? message;
    return `Unexpected argument "${arg}": this command takes options only.`;
  }
  // ERR_PARSE_ARGS_INVALID_OPTION_VALUE: "Option '--out <value>' argument missing" and the like.
  return /[.?!]$/.test(message) ? message : `${message}.`;
}

/**
 * Parses `argv` against `options` (strict: unknown flags, missing values and stray arguments are
 * errors). Returns "help" when help was asked for; throws UsageError with a sentence otherwise.
 */
export function parseCli<O extends Options>(argv: readonly string[], options: O) {
  if (wantsHelp(argv)) return "help" as const;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(sentence(e));
  }
}

/**
 * For a script's entry point: the parsed flags, or the exit code when there is nothing to run —
 * 0 after printing the usage for --help, 2 after printing the sentence and the usage for a bad flag.
 */
export function readCli<O extends Options>(argv: readonly string[], options: O, usage: string, program: string) {
  try {
    const values = parseCli(argv, options);
    if (values === "help") {
      console.log(usage);
      return 0;
    }
    return values;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${program}: ${e.message}\n\n${usage}`);
    return 2;
  }
}
