import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import type { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import type { ruleCreate } from "./notification-inputs";
import { storedParams } from "./rule-params";

export async function createRule(input: z.infer<typeof ruleCreate>, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  if (await prisma.notificationRule.findUnique({ where: { name: input.name } })) throw new AppError("CONFLICT", `A rule named "${input.name}" already exists.`);
  const channels = await prisma.notificationChannel.findMany({ where: { id: { in: input.channelIds } }, select: { id: true } });
  if (channels.length !== new Set(input.channelIds).size) throw new AppError("INVALID_INPUT", "One of the chosen channels no longer exists. Reload the page and choose again.");
  const row = await withAudit(prisma, { actor: actor.name, address, action: "notification.rule.create", target: auditTarget.notificationRule(input.name), request: input }, () =>
    prisma.notificationRule.create({
      data: {
        name: input.name,
        kind: input.params.kind,
        params: storedParams(input.params) as object,
        cluster: input.cluster,
        match: input.match,
        forSeconds: input.forSeconds,
        enabled: input.enabled,
        source: "ui",
        createdBy: actor.name,
        channels: { create: channels.map((c) => ({ channelId: c.id })) },
      },
    }),
  );
  return { id: row.id };
}
