import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import type { z } from "zod";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getStore } from "@/lib/db/get-store";
import { AppError } from "@/lib/errors";
import { loadEditable } from "./load-editable";
import type { ruleUpdate } from "./notification-inputs";
import { storedParams } from "./rule-params";

/** Changes a UI rule. Open incidents stay open (and resolve as usual) unless the rule is disabled. */
export async function updateRule(id: string, input: z.infer<typeof ruleUpdate>, actor: Principal, address: string | null): Promise<{ id: string }> {
  const { prisma } = await getStore();
  const row = await loadEditable(prisma, "rule", id);
  if (input.name && input.name !== row.name && (await prisma.notificationRule.findUnique({ where: { name: input.name } }))) {
    throw new AppError("CONFLICT", `A rule named "${input.name}" already exists.`);
  }
  if (input.params && input.params.kind !== row.kind) throw new AppError("INVALID_INPUT", "A rule's kind cannot change: make a new rule instead.");
  const channels = input.channelIds ? await prisma.notificationChannel.findMany({ where: { id: { in: input.channelIds } }, select: { id: true } }) : null;
  if (channels && input.channelIds && channels.length !== new Set(input.channelIds).size) throw new AppError("INVALID_INPUT", "One of the chosen channels no longer exists. Reload the page and choose again.");
  const { channelIds: _ids, params, ...fields } = input;
  await withAudit(prisma, { actor: actor.name, address, action: "notification.rule.update", target: auditTarget.notificationRule(row.name), request: input }, () =>
    prisma.$transaction([
      prisma.notificationRule.update({ where: { id }, data: { ...fields, ...(params ? { params: storedParams(params) as object } : {}), updatedAt: new Date() } }),
      ...(channels
        ? [prisma.notificationRuleChannel.deleteMany({ where: { ruleId: id } }), prisma.notificationRuleChannel.createMany({ data: channels.map((c) => ({ ruleId: id, channelId: c.id })) })]
        : []),
    ]),
  );
  return { id };
}
