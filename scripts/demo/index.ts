/**
 * `npm run demo` — demo traffic on the configured brokers, so every page of the console has
 * something true to show.
 *
 *   node --conditions=react-server --import tsx scripts/demo/index.ts [--prefix P] [--seconds N] [--rate-scale X]
 *
 * Uses the FIRST nats and the FIRST rabbitmq cluster of the Redrive configuration (lib/config.ts;
 * without a config file: the local brokers). Declares the topology idempotently (never deletes
 * anything), runs producers and consumers, prints a status line every 10 s, and on SIGINT/SIGTERM
 * (or after --seconds) stops producers and consumers, closes the connections, prints a summary and
 * exits 0. A broker that cannot be reached at the start or a refused declaration ends the demo with
 * a one-line error and exit code 1; a connection lost later (a broker restart) is connected again,
 * every second, and the demo carries on. Bad arguments or configuration: exit code 2.
 *
 * Naming, for a prefix P (see names.ts for the details):
 *   RabbitMQ  exchange `P` + "demo.dlx"; queues `P` + orders, payments, reminders, shipments and
 *             orders.dlq, payments.dlq, reminders.dlq; each DLQ is bound to the DLX with its source
 *             queue's full name (`P` + "orders") as routing key.
 *   NATS      streams upper(P) + ORDERS / EVENTS with every character outside [A-Z0-9_] turned
 *             into "_" (P = "t1a2b-" → T1A2B_ORDERS); subjects `P` + "orders.>" / "events.>";
 *             consumers fulfilment (ORDERS), analytics and archiver (EVENTS), not prefixed.
 *
 * The pieces are exported for tests: startRabbitDemo (rabbitmq.ts), startNatsDemo (nats.ts).
 */
import { ConfigError, loadConfig, type NatsClusterConfig, type RabbitClusterConfig } from "../../lib/config";
import { ArgsError, parseArgs, USAGE, type DemoArgs } from "./args";
import { startNatsDemo, type NatsDemo, type NatsStats } from "./nats";
import { startRabbitDemo, type RabbitDemo, type RabbitStats } from "./rabbitmq";
import { statusLine, summaryLines } from "./report";
import { describeError } from "./util";

const STATUS_EVERY_MS = 10_000;

function readArgs(): DemoArgs | number {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    return args;
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
}

async function main(): Promise<number> {
  const args = readArgs();
  if (typeof args === "number") return args;
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 2;
  }

  // Listen for signals first, so a Ctrl-C during start-up still stops cleanly.
  const signalled = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });

  const natsCluster = config.clusters.find((c): c is NatsClusterConfig => c.kind === "nats");
  const rabbitCluster = config.clusters.find((c): c is RabbitClusterConfig => c.kind === "rabbitmq");
  const until = args.seconds ? `for ${args.seconds}s` : "until Ctrl-C";
  console.log(`redrive demo: clusters from ${config.source}, prefix "${args.prefix}", rate scale ${args.rateScale}, running ${until}`);
  if (!rabbitCluster) console.log("redrive demo: no rabbitmq cluster is configured; running NATS only");
  if (!natsCluster) console.log("redrive demo: no nats cluster is configured; running RabbitMQ only");

  const common = { prefix: args.prefix, rateScale: args.rateScale, connectTimeoutMs: config.connectTimeoutMs };
  const [r, n] = await Promise.allSettled([
    rabbitCluster ? startRabbitDemo({ ...common, cluster: rabbitCluster }) : Promise.resolve(undefined),
    natsCluster ? startNatsDemo({ ...common, cluster: natsCluster }) : Promise.resolve(undefined),
  ]);
  const rabbit: RabbitDemo | undefined = r.status === "fulfilled" ? r.value : undefined;
  const nats: NatsDemo | undefined = n.status === "fulfilled" ? n.value : undefined;
  const startErrors = [r, n].flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
  if (startErrors.length > 0) {
    for (const e of startErrors) console.error(`redrive demo: ${describeError(e)}`);
    await Promise.allSettled([rabbit?.stop(), nats?.stop()]);
    return 1;
  }
  if (rabbit) console.log(`rabbitmq: ${rabbit.where}: ${rabbit.declared}`);
  if (nats) console.log(`nats: ${nats.where}: ${nats.declared}`);

  const startedAt = Date.now();
  const status = setInterval(() => console.log(statusLine(startedAt, rabbit?.stats(), nats?.stats())), STATUS_EVERY_MS);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    if (args.seconds) timer = setTimeout(() => resolve(`${args.seconds}s elapsed`), args.seconds * 1000);
  });
  const never = new Promise<Error>(() => undefined);
  const failed = Promise.race([rabbit?.failed ?? never, nats?.failed ?? never]);
  const outcome = await Promise.race([signalled, timedOut, failed]);
  clearInterval(status);
  clearTimeout(timer);

  let code = 0;
  let reason: string;
  if (outcome instanceof Error) {
    console.error(`redrive demo: ${describeError(outcome)}`);
    reason = "failed";
    code = 1;
  } else {
    reason = outcome;
    console.log(`redrive demo: ${outcome}, stopping (Ctrl-C again to force)...`);
  }
  const force = () => {
    console.error("redrive demo: forced exit");
    process.exit(130);
  };
  process.on("SIGINT", force);
  process.on("SIGTERM", force);

  const [rs, ns] = await Promise.allSettled([rabbit?.stop(), nats?.stop()]);
  for (const s of [rs, ns]) {
    if (s.status === "rejected") {
      console.error(`redrive demo: ${describeError(s.reason)}`);
      code = 1;
    }
  }
  const rabbitStats: RabbitStats | undefined = rs.status === "fulfilled" ? rs.value : rabbit?.stats();
  const natsStats: NatsStats | undefined = ns.status === "fulfilled" ? ns.value : nats?.stats();
  for (const line of summaryLines(startedAt, reason, rabbitStats, natsStats)) console.log(line);
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`redrive demo: unexpected error: ${describeError(e)}`);
    if (e instanceof Error && e.stack) console.error(e.stack);
    process.exit(1);
  },
);
