import "server-only";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { matches } from "../expected-consumers";
import type { ExpectedConsumerList, ExpectedConsumerView } from "./types";

/** Every expected consumer, the configuration's first, each with what it covers now. */
export async function listExpectedConsumers(): Promise<ExpectedConsumerList> {
  const config = getConfig();
  const { prisma } = await getStore();
  const [stored, covered] = await Promise.all([
    prisma.expectedConsumer.findMany({ orderBy: [{ cluster: "asc" }, { key: "asc" }] }),
    prisma.consumer.findMany({ where: { goneAt: null, expectedMin: { not: null } }, select: { key: true, state: true, cluster: { select: { name: true } } } }),
  ]);
  const status = (cluster: string, key: string) => {
    const rows = covered.filter((c) => c.cluster.name === cluster && matches({ cluster, key, minConsumers: 1 }, c.key));
    return { matched: rows.length, missing: rows.filter((r) => r.state === "MISSING").length };
  };
  const items: ExpectedConsumerView[] = [
    ...config.clusters.flatMap((c) =>
      (c.expected ?? []).map((e): ExpectedConsumerView => ({ id: null, cluster: e.cluster, key: e.key, minConsumers: e.minConsumers, source: "config", createdBy: null, createdAt: null, ...status(e.cluster, e.key) })),
    ),
    ...stored.map(
      (e): ExpectedConsumerView => ({ id: e.id, cluster: e.cluster, key: e.key, minConsumers: e.minConsumers, source: "ui", createdBy: e.createdBy, createdAt: e.createdAt.toISOString(), ...status(e.cluster, e.key) }),
    ),
  ];
  return { items, clusters: config.clusters.map((c) => c.name) };
}
