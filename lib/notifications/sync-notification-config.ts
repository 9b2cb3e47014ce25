import "server-only";
import type { NotificationChannelConfig, NotificationRuleConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { storedParams } from "./rule-params";
import type { RuleParams } from "./types";

function paramsOf(r: NotificationRuleConfig): RuleParams {
  switch (r.kind) {
    case "consumer-state":
      return { kind: r.kind, states: r.states };
    case "time-to-drain":
      return { kind: r.kind, aboveSeconds: r.aboveSeconds, includeNotDraining: r.includeNotDraining };
    case "oldest-message-age":
      return { kind: r.kind, aboveSeconds: r.aboveSeconds, includeEstimates: r.includeEstimates };
    case "dead-letter-inflow":
      return { kind: r.kind, perMinute: r.perMinute };
    case "dlx-routes-nowhere":
    case "job-paused-itself":
      return { kind: r.kind };
  }
}

/**
 * Makes the store's config-owned channels and rules match the configuration file: new ones added,
 * changed ones updated, removed ones deleted. Ones made in the UI are left alone; a name both use
 * stays the UI's, with a warning. Config channels keep no URL in the store.
 */
export async function syncNotificationConfig(
  prisma: PrismaClient,
  config: { channels: NotificationChannelConfig[]; rules: NotificationRuleConfig[] },
  warn: (message: string) => void = () => undefined,
): Promise<void> {
  const taken = async (model: "channel" | "rule", name: string) => {
    const row = model === "channel" ? await prisma.notificationChannel.findUnique({ where: { name } }) : await prisma.notificationRule.findUnique({ where: { name } });
    if (row && row.source !== "config") {
      warn(`notifications: the configured ${model} "${name}" is ignored: a ${model} made in the UI has that name`);
      return true;
    }
    return false;
  };

  for (const c of config.channels) {
    if (await taken("channel", c.name)) continue;
    await prisma.notificationChannel.upsert({
      where: { name: c.name },
      create: { name: c.name, type: c.type, url: null, source: "config", createdBy: "configuration" },
      update: { type: c.type, url: null, enabled: true, updatedAt: new Date() },
    });
  }
  await prisma.notificationChannel.deleteMany({ where: { source: "config", name: { notIn: config.channels.map((c) => c.name) } } });

  for (const r of config.rules) {
    if (await taken("rule", r.name)) continue;
    const data = { kind: r.kind, params: storedParams(paramsOf(r)) as object, cluster: r.cluster ?? null, match: r.match ?? null, forSeconds: r.forSeconds, enabled: r.enabled };
    const row = await prisma.notificationRule.upsert({
      where: { name: r.name },
      create: { name: r.name, ...data, source: "config", createdBy: "configuration" },
      update: { ...data, updatedAt: new Date() },
    });
    const channels = await prisma.notificationChannel.findMany({ where: { name: { in: r.channels } }, select: { id: true } });
    await prisma.$transaction([
      prisma.notificationRuleChannel.deleteMany({ where: { ruleId: row.id } }),
      prisma.notificationRuleChannel.createMany({ data: channels.map((c) => ({ ruleId: row.id, channelId: c.id })) }),
    ]);
  }
  await prisma.notificationRule.deleteMany({ where: { source: "config", name: { notIn: config.rules.map((r) => r.name) } } });
}
