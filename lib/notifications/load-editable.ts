import "server-only";
import type { NotificationChannel, NotificationRule, PrismaClient } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";

/** A channel or rule that the UI may change: it exists and (unless allowConfig) did not come from the configuration file. */
export async function loadEditable(prisma: PrismaClient, model: "channel", id: string, allowConfig?: boolean): Promise<NotificationChannel>;
export async function loadEditable(prisma: PrismaClient, model: "rule", id: string, allowConfig?: boolean): Promise<NotificationRule>;
export async function loadEditable(prisma: PrismaClient, model: "channel" | "rule", id: string, allowConfig = false): Promise<NotificationChannel | NotificationRule> {
  const row = model === "channel" ? await prisma.notificationChannel.findUnique({ where: { id } }) : await prisma.notificationRule.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", `There is no such notification ${model} (any more). Reload the page.`);
  if (!allowConfig && row.source === "config") {
    throw new AppError("CONFLICT", `The ${model} "${row.name}" comes from the configuration file (${model === "channel" ? "notifications.channels" : "notifications.rules"}); change it there and restart Redrive.`);
  }
  return row;
}
