import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";

/** Storage stays bounded: resolved incidents and finished deliveries (with their attempts) older than the retention go. */
export async function pruneNotifications(prisma: PrismaClient, now: Date, retentionMs: number): Promise<{ incidents: number; deliveries: number }> {
  const before = new Date(now.getTime() - retentionMs);
  const deliveries = await prisma.notificationDelivery.deleteMany({ where: { status: { in: ["sent", "failed"] }, createdAt: { lt: before } } });
  const incidents = await prisma.notificationIncident.deleteMany({ where: { status: "resolved", resolvedAt: { lt: before }, deliveries: { none: { status: { in: ["pending", "sending"] } } } } });
  return { incidents: incidents.count, deliveries: deliveries.count };
}
