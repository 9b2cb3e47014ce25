import "server-only";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { incidentWindow, targetHref } from "./incident-link";
import { maskUrl } from "./mask-url";
import { describeRule, readRuleParams } from "./rule-params";
import type { ChannelType, ChannelView, DeliveryStatus, DeliveryView, IncidentStatus, IncidentTarget, IncidentView, NotificationSettings, RuleView } from "./types";

const RECENT = 50;

/** Everything the notification settings page shows. Webhook URLs only masked: they are often secrets. */
export async function getNotificationSettings(): Promise<NotificationSettings> {
  const { prisma } = await getStore();
  const config = getConfig();
  const [channels, rules, incidents, deliveries, firing, lastDeliveries] = await Promise.all([
    prisma.notificationChannel.findMany({ orderBy: { name: "asc" } }),
    prisma.notificationRule.findMany({ orderBy: { name: "asc" }, include: { channels: { include: { channel: { select: { id: true, name: true } } } } } }),
    prisma.notificationIncident.findMany({ where: { status: { in: ["firing", "resolved"] } }, orderBy: { number: "desc" }, take: RECENT }),
    prisma.notificationDelivery.findMany({ orderBy: { createdAt: "desc" }, take: RECENT, include: { incident: { select: { number: true } }, attemptsLog: { orderBy: { at: "asc" } } } }),
    prisma.notificationIncident.groupBy({ by: ["ruleId"], where: { status: "firing" }, _count: { _all: true } }),
    prisma.$queryRawUnsafe<Array<{ channel_id: string; status: string; at: Date; last_error: string | null }>>(
      `SELECT DISTINCT ON ("channel_id") "channel_id"::text AS channel_id, "status", coalesce("sent_at", "created_at") AS at, "last_error"
       FROM "notification_deliveries" WHERE "channel_id" IS NOT NULL ORDER BY "channel_id", "created_at" DESC`,
    ),
  ]);

  const channelViews: ChannelView[] = channels.map((c) => {
    const last = lastDeliveries.find((d) => d.channel_id === c.id);
    const url = c.source === "config" ? config.notifications.channels.find((x) => x.name === c.name)?.url : c.url;
    return {
      id: c.id,
      name: c.name,
      type: c.type as ChannelType,
      urlMasked: maskUrl(url),
      source: c.source as "config" | "ui",
      enabled: c.enabled,
      createdBy: c.createdBy,
      createdAt: c.createdAt.toISOString(),
      lastDelivery: last ? { status: last.status as DeliveryStatus, at: new Date(last.at).toISOString(), error: last.last_error } : null,
    };
  });

  const ruleViews: RuleView[] = rules.flatMap((r) => {
    const params = readRuleParams(r.kind, r.params);
    if (!params) return [];
    return [
      {
        id: r.id,
        name: r.name,
        params,
        description: describeRule(params),
        cluster: r.cluster,
        match: r.match,
        forSeconds: r.forSeconds,
        source: r.source as "config" | "ui",
        enabled: r.enabled,
        channels: r.channels.map((c) => c.channel),
        firing: firing.find((f) => f.ruleId === r.id)?._count._all ?? 0,
      },
    ];
  });

  const incidentViews: IncidentView[] = incidents.map((i) => ({
    id: i.id,
    number: Number(i.number),
    ruleId: i.ruleId,
    ruleName: i.ruleName,
    status: i.status as IncidentStatus,
    summary: i.summary,
    target: i.target as IncidentTarget,
    startedAt: i.startedAt.toISOString(),
    firedAt: i.firedAt?.toISOString() ?? null,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolution: i.resolution,
    href: targetHref(i.target as IncidentTarget, incidentWindow(i)),
  }));

  const deliveryViews: DeliveryView[] = deliveries.map((d) => ({
    id: d.id,
    channelName: d.channelName,
    event: d.event as DeliveryView["event"],
    status: d.status as DeliveryStatus,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    sentAt: d.sentAt?.toISOString() ?? null,
    incidentNumber: d.incident ? Number(d.incident.number) : null,
    groupSize: d.groupSize,
    log: d.attemptsLog.map((a) => ({ at: a.at.toISOString(), durationMs: a.durationMs, httpStatus: a.httpStatus, ok: a.ok, error: a.error })),
  }));

  return { publicUrl: config.publicUrl, clusters: config.clusters.map((c) => c.name), channels: channelViews, rules: ruleViews, incidents: incidentViews, deliveries: deliveryViews };
}
