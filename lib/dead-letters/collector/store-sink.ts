import "server-only";
import type { DeadLetterSink } from "@/lib/brokers/dead-letter-source";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getInstallationId } from "@/lib/db/get-installation-id";
import { storeLetters } from "../new-letter";
import { adoptedDlqs, recordDiscovery } from "./sync-dlqs";

/** The store side of one cluster's collection: what a driver's dead-letter source writes through. */
export function storeSink(prisma: PrismaClient, cluster: { id: string; name: string }, warn: (message: string) => void): DeadLetterSink {
  return {
    clusterId: cluster.id,
    clusterName: cluster.name,
    store: (letters) => storeLetters(prisma, letters),
    collectedBefore: async (collectedFrom) => (await prisma.deadLetter.count({ where: { clusterId: cluster.id, collectedFrom }, take: 1 })) > 0,
    installationId: () => getInstallationId(prisma),
    recordDiscovery: (found, problems) => recordDiscovery(prisma, cluster.id, found, problems),
    adopted: () => adoptedDlqs(prisma, cluster.id),
    setSourceProblem: async (name, problem) => {
      await prisma.dlq.updateMany({ where: { clusterId: cluster.id, name }, data: { problem } });
    },
    setClusterProblems: async (problems) => {
      await prisma.cluster.update({ where: { id: cluster.id }, data: { deadLetterProblems: problems } });
    },
    warn,
  };
}
