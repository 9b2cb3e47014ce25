import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import type { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { loadEditable } from "./load-editable";
import { assertWebhookTarget } from "./assert-webhook-target";
import { maskUrl } from "./mask-url";
import type { channelUpdate } from "./notification-inputs";

export async function updateChannel(id: string, input: z.infer<typeof channelUpdate>, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  const row = await loadEditable(prisma, "channel", id);
  if (input.name && input.name !== row.name && (await prisma.notificationChannel.findUnique({ where: { name: input.name } }))) {
    throw new AppError("CONFLICT", `A channel named "${input.name}" already exists.`);
  }
  if (input.url) await assertWebhookTarget(input.url);
  await withAudit(
    prisma,
    { actor: actor.name, address, action: "notification.channel.update", target: auditTarget.notificationChannel(row.name), request: { ...input, ...(input.url ? { url: maskUrl(input.url) } : {}) } },
    () => prisma.notificationChannel.update({ where: { id }, data: { ...input, updatedAt: new Date() } }),
  );
  return { id };
}
