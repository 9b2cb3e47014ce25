/**
 * `npm run bench:time-lag -- [--consumers N] [--rounds N]` — only the time-lag section of the bench:
 * the bench's own JetStream load (N durable pull consumers with backlogs, on the local server), a
 * temporary database, and sweeps with time lag off and on. Prints a markdown table; cleans up.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { openStore } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import { streamsFor } from "./args";
import { Cleanup } from "./cleanup";
import { createNatsLoad } from "./nats-load";
import { createDatabase, dropDatabase } from "./temp-database";
import { measureTimeLag, timeLagMarkdown } from "./time-lag";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 20_000) throw new Error(`${name} must be a whole number from 1 to 20000`);
  return n;
}

async function main(): Promise<number> {
  const consumers = flag("--consumers", 2000);
  const rounds = flag("--rounds", 4);
  const intervalMs = flag("--interval-ms", 10_000);
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
