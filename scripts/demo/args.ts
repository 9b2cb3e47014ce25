import { parseCli, UsageError } from "../cli-args";
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

export { UsageError as ArgsError } from "../cli-args";

function positiveNumber(flag: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === "") throw new UsageError(`${flag} needs a value.`);
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new UsageError(`${flag} must be a number greater than 0 and at most ${max}, got "${raw}".`);
  }
  return n;
}

const FLAGS = { prefix: { type: "string" }, seconds: { type: "string" }, "rate-scale": { type: "string" } } as const;

/** Parses the arguments after the script name. Throws UsageError (exported as ArgsError) with a one-line message. */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const v = parseCli(argv, FLAGS);
  if (v === "help") return { prefix: "", seconds: undefined, rateScale: 1, help: true };
  const prefix = v.prefix ?? "";
  try {
    if (v.prefix !== undefined) checkPrefix(prefix);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { prefix, seconds: positiveNumber("--seconds", v.seconds, 7 * 24 * 3600), rateScale: positiveNumber("--rate-scale", v["rate-scale"], 1000) ?? 1, help: false };
}
