import "server-only";
import { getConfig } from "@/lib/config";
import { createBroker } from "./create-broker";
import type { Broker } from "./types";

// One connection per configured cluster per process, shared by the monitor and the sampler.
const holder = globalThis as typeof globalThis & { __redriveBrokers?: Broker[] };

export function getBrokers(): Broker[] {
  if (!holder.__redriveBrokers) {
    const config = getConfig();
    holder.__redriveBrokers = config.clusters.map((c) => createBroker(c, config.connectTimeoutMs));
  }
  return holder.__redriveBrokers;
}

/** Closes every broker connection of the process (NATS ones are drained first), if any were made. */
export async function closeBrokers(): Promise<void> {
  const brokers = holder.__redriveBrokers ?? [];
  holder.__redriveBrokers = undefined;
  await Promise.all(brokers.map((b) => b.close()));
}
