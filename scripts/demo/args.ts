import { checkPrefix } from "./names";

export type DemoArgs = {
  /** Prepended to every queue, exchange, stream and subject root the demo creates. */
  prefix: string;
  /** Stop by itself after this many seconds; undefined: run until SIGINT/SIGTERM. */
  seconds: number | undefined;
  /** Multiplies every producer rate (and speeds workers up to match). */
  rateScale: number;
  help: boolean;
};

export const USAGE = `Usage: npm run demo -- [--prefix P] [--seconds N] [--rate-scale X]

Builds a demo topology on the first NATS and the first RabbitMQ cluster of the Redrive
configuration and keeps it busy until Ctrl-C.

  --prefix P       prepend P to every queue, exchange, stream and subject root (default: none)
  --seconds N      stop by itself after N seconds (default: run until a signal)
  --rate-scale X   multiply every producer rate by X (default: 1)
  --help           show this text`;

export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgsError";
  }
}

function positiveNumber(flag: string, raw: string | undefined, max: number): number {
  if (raw === undefined || raw.trim() === "") throw new ArgsError(`${flag} needs a value`);
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new ArgsError(`${flag} must be a number greater than 0 and at most ${max}, got "${raw}"`);
  }
  return n;
}

/** Parses the arguments after the script name. Throws ArgsError with a one-line message. */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const out: DemoArgs = { prefix: "", seconds: undefined, rateScale: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      i++;
      return argv[i];
    };
    switch (flag) {
      case "--prefix": {
        const p = value();
        if (p === undefined) throw new ArgsError("--prefix needs a value");
        try {
          checkPrefix(p);
        } catch (e) {
          throw new ArgsError((e as Error).message);
        }
        out.prefix = p;
        break;
      }
      case "--seconds":
        out.seconds = positiveNumber("--seconds", value(), 7 * 24 * 3600);
        break;
      case "--rate-scale":
        out.rateScale = positiveNumber("--rate-scale", value(), 1000);
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new ArgsError(`Unknown argument "${arg}"`);
    }
  }
  return out;
}
