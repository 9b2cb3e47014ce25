/**
 * `npm run bench:time-lag -- [--consumers N] [--rounds N]` — only the time-lag section of the bench:
 * the bench's own JetStream load (N durable pull consumers with backlogs, on the local server), a
 * temporary database, and sweeps with time lag off and on. Prints a markdown table; cleans up.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { openStore } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import { readCli, UsageError } from "../cli-args";
import { streamsFor } from "./args";
import { Cleanup } from "./cleanup";
import { createNatsLoad } from "./nats-load";
import { createDatabase, dropDatabase } from "./temp-database";
import { measureTimeLag, timeLagMarkdown } from "./time-lag";

const USAGE = `Usage: npm run bench:time-lag -- [--consumers N] [--rounds N] [--interval-ms N]

The time-lag section of \`npm run bench\` alone: N JetStream durable pull consumers with backlogs on the
local server (streams BENCH_<id>_*), a temporary database, and sweeps with time lag off and on.
  --consumers N    consumers (1–20000, default 2000)
  --rounds N       sweeps of each kind, the first with a cold cache (default 4)
  --interval-ms N  time between rounds (default 10000, at most 600000)`;

function whole(name: string, value: string | undefined, fallback: number, max = 20_000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}.`);
  return n;
}

async function main(): Promise<number> {
  const args = readCli(process.argv.slice(2), { consumers: { type: "string" }, rounds: { type: "string" }, "interval-ms": { type: "string" } }, USAGE, "redrive bench:time-lag");
  if (typeof args === "number") return args;
  let consumers: number, rounds: number, intervalMs: number;
  try {
    consumers = whole("consumers", args.consumers, 2000);
    rounds = whole("rounds", args.rounds, 4);
    intervalMs = whole("interval-ms", args["interval-ms"], 10_000, 600_000);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`redrive bench:time-lag: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const id = randomBytes(3).toString("hex");
  const prefix = `BENCH_${id.toUpperCase()}`;
  const database = `redrive_bench_${id}`;
  const cleanup = new Cleanup();
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const log = (line: string) => console.log(line);
  try {
    log(`time lag bench: ${consumers} JetStream consumers on ${streamsFor(consumers)} streams ${prefix}_*, database ${database}`);
    const nats = await createNatsLoad({ prefix, streams: streamsFor(consumers), consumers, signal: controller.signal, cleanup, log });
    log(`  nats: ready in ${Math.round(nats.timings.consumersMs)} ms (${nats.before.consumers} consumers existed before)`);
    const db = await createDatabase(database);
    cleanup.add(`PostgreSQL database "${database}"`, () => dropDatabase(database), true);
    const store = await openStore({ kind: "postgres", url: db.url }, path.resolve(import.meta.dirname, "../../prisma/migrations"));
    cleanup.add("the bench's store", () => store.close());
    const figures = await measureTimeLag({ store, id, rounds, intervalMs, signal: controller.signal, log });
    log("");
    log(timeLagMarkdown(figures));
    return 0;
  } catch (e) {
    console.error(`time lag bench failed: ${describeError(e)}`);
    return 1;
  } finally {
    await cleanup.run(false, log);
  }
}

process.exitCode = await main();
