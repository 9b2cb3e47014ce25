/**
 * `npm run bench` — the consumer-health sweep benchmark.
 *
 *   node --conditions=react-server --import tsx scripts/bench/index.ts [--queues N] [--consumers N] [--rounds N] [--keep] [--quick] [--no-api] [--out PATH | --no-write]
 *
 * Makes its own load on the local brokers (RabbitMQ vhost `bench-<id>`, JetStream streams
 * `BENCH_<ID>_*`, PostgreSQL database `redrive_bench_<id>`), measures Redrive's sweep against bare
 * walks and /api/consumers against in-process and trivial baselines, prints the report and writes
 * it to docs/benchmarks.md. Only 127.0.0.1 is contacted. Ctrl-C stops and cleans up; a second
 * Ctrl-C exits at once and names what is left. Exit codes: 0 done, 1 failed, 2 bad arguments, 130
 * interrupted.
 */
import { describeError } from "@/lib/errors";
import { ArgsError, parseArgs, USAGE } from "./args";
import { runBench } from "./run-bench";
import { runBulkBench } from "./run-bulk";

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }

  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) {
      console.error("redrive bench: forced exit; the load may be left behind (names above: vhost bench-*, streams BENCH_*, database redrive_bench_*)");
      process.exit(130);
    }
    console.error(`redrive bench: ${name}, stopping and cleaning up (again to force)...`);
    controller.abort(new Error(`interrupted (${name})`));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  try {
    const { markdown, written } = options.bulkOnly ? await runBulkBench(options, controller.signal) : await runBench(options, controller.signal);
    console.log(`\n${markdown}`);
    if (written) console.log(`written to ${written}`);
    return 0;
  } catch (e) {
    console.error(`redrive bench: ${describeError(e)}`);
    return controller.signal.aborted ? 130 : 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`redrive bench: unexpected error: ${describeError(e)}`);
    process.exit(1);
  },
);
