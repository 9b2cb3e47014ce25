import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import type { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { assertWebhookTarget } from "./assert-webhook-target";
import { maskUrl } from "./mask-url";
import type { channelCreate } from "./notification-inputs";

export async function createChannel(input: z.infer<typeof channelCreate>, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  if (await prisma.notificationChannel.findUnique({ where: { name: input.name } })) throw new AppError("CONFLICT", `A channel named "${input.name}" already exists.`);
  await assertWebhookTarget(input.url);
  const row = await withAudit(
    prisma,
    { actor: actor.name, address, action: "notification.channel.create", target: auditTarget.notificationChannel(input.name), request: { ...input, url: maskUrl(input.url) } },
    () => prisma.notificationChannel.create({ data: { name: input.name, type: input.type, url: input.url, enabled: input.enabled, source: "ui", createdBy: actor.name } }),
  );
  return { id: row.id };
}
