import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { createBroker } from "./registry";
import type { Broker } from "./types";

// One connection per configured cluster per process, shared by the monitor, the sampler, the
// collector, the job runner and the destination checks. Looked up by cluster name, never by position.
const holder = globalThis as typeof globalThis & { __redriveBrokers?: Broker[] };

export function getBrokers(): Broker[] {
  if (!holder.__redriveBrokers) {
    const config = getConfig();
    holder.__redriveBrokers = config.clusters.map((c) => createBroker(c, config.connectTimeoutMs));
  }
  return holder.__redriveBrokers;
}

/**
 * Hands the process brokers made elsewhere (a test's fake driver, a script's own), in place of the
 * configured ones; each must carry a configured cluster's name. The ones made before are closed.
 */
export async function provideBrokers(brokers: Broker[]): Promise<void> {
  const before = holder.__redriveBrokers ?? [];
  holder.__redriveBrokers = brokers;
  await Promise.all(before.filter((b) => !brokers.includes(b)).map((b) => b.close()));
}

/** The shared broker of cluster `name`; throws NOT_FOUND when no such cluster is configured. */
export function brokerFor(name: string): Broker {
  const broker = getBrokers().find((b) => b.name === name);
  if (!broker) throw new AppError("NOT_FOUND", `Cluster ${name} is not in the configuration.`);
  return broker;
}

/** Closes every broker connection of the process (NATS ones are drained first), if any were made. */
export async function closeBrokers(): Promise<void> {
  const brokers = holder.__redriveBrokers ?? [];
  holder.__redriveBrokers = undefined;
  await Promise.all(brokers.map((b) => b.close()));
}
