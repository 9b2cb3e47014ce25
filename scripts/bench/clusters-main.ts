/**
 * `npm run bench:clusters -- [--storage-consumers N] [--storage-hours N] [--queues-per-cluster N] [--no-storage] [--no-scale-out]`
 * — the storage and scale-out sections of `npm run bench` alone (scripts/bench/storage.ts,
 * scale-out.ts): bytes on disk per consumer-day of raw samples and rollups, and two replicas sharing
 * four clusters. Prints markdown; cleans up what it made.
 */
import { randomBytes } from "node:crypto";
import { describeError } from "@/lib/errors";
import { readCli, UsageError } from "../cli-args";
import { loadAverage } from "./machine";
import { measureScaleOut, scaleOutMarkdown } from "./scale-out";
import { measureStorage, storageMarkdown } from "./storage";

const USAGE = `Usage: npm run bench:clusters -- [--storage-consumers N] [--storage-hours N] [--queues-per-cluster N] [--no-storage] [--no-scale-out]

  --storage-consumers N   consumers whose samples fill the storage table (default 1000)
  --storage-hours N       hours of 10 s ticks written (default 6)
  --queues-per-cluster N  RabbitMQ queues in each of the four scale-out clusters (default 500)`;

function whole(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}.`);
  return n;
}

async function main(): Promise<number> {
  const args = readCli(
    process.argv.slice(2),
    { "storage-consumers": { type: "string" }, "storage-hours": { type: "string" }, "queues-per-cluster": { type: "string" }, "no-storage": { type: "boolean" }, "no-scale-out": { type: "boolean" } },
    USAGE,
    "redrive bench:clusters",
  );
  if (typeof args === "number") return args;
  let consumers: number, hours: number, queues: number;
  try {
    consumers = whole("storage-consumers", args["storage-consumers"], 1000, 50_000);
    hours = whole("storage-hours", args["storage-hours"], 6, 48);
    queues = whole("queues-per-cluster", args["queues-per-cluster"], 500, 10_000);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`redrive bench:clusters: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const id = randomBytes(3).toString("hex");
  const out: string[] = [`Load average at the start: ${loadAverage()}.`];
  try {
    if (!args["no-storage"]) out.push(storageMarkdown(await measureStorage({ id, consumers, hours, log: console.log })));
    if (!args["no-scale-out"]) out.push(scaleOutMarkdown(await measureScaleOut({ id, queuesPerCluster: queues, log: console.log })));
  } catch (e) {
    console.error(`redrive bench:clusters: ${describeError(e)}`);
    return 1;
  }
  console.log(`\n${out.join("\n\n")}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`redrive bench:clusters: unexpected error: ${describeError(e)}`);
    process.exit(1);
  },
);
