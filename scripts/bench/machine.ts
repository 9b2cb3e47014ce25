import os from "node:os";
import { mgmt } from "./local";

export type Machine = {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeGiB: number;
  loadAverage: string;
  node: string;
  rabbitmq: string;
  erlang: string;
  rabbitQueuesBefore: number;
};

export async function describeMachine(): Promise<Machine> {
  type Overview = { rabbitmq_version?: string; erlang_version?: string; object_totals?: { queues?: number } };
  const overview = await mgmt<Overview>("GET", "/api/overview");
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: os.totalmem() / 2 ** 30,
    freeGiB: os.freemem() / 2 ** 30,
    loadAverage: loadAverage(),
    node: process.version,
    rabbitmq: overview.rabbitmq_version ?? "unknown",
    erlang: overview.erlang_version ?? "unknown",
    rabbitQueuesBefore: overview.object_totals?.queues ?? 0,
  };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(", ");
}

/** RabbitMQ's node memory, for the report (10,000 queues are not free). */
export async function rabbitMemoryMiB(): Promise<number | null> {
  const nodes = await mgmt<Array<{ mem_used?: number }>>("GET", "/api/nodes?columns=mem_used").catch(() => []);
  const used = nodes[0]?.mem_used;
  return typeof used === "number" ? used / 2 ** 20 : null;
}
