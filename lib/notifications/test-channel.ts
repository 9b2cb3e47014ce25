import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { withAudit } from "@/lib/audit/record-audit";
import type { Principal } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { getStore } from "@/lib/db/get-store";
import { getProcessMetrics } from "@/lib/metrics/process-metrics";
import { buildTestMessage } from "./build-message";
import { loadEditable } from "./load-editable";
import { maskUrl } from "./mask-url";
import { renderBody } from "./render-body";
import { sendWebhook } from "./send-webhook";
import type { ChannelType, TestResult } from "./types";

/**
 * Sends a test message to a channel now, once (no retries), and logs the attempt like any other.
 * Audited (an intent before anything is sent, the status after): a test send is a request Redrive
 * makes to an address an admin chose.
 */
export async function testChannel(id: string, actor: Principal, address: string | null = null): Promise<TestResult> {
  const { prisma } = await getStore();
  const config = getConfig();
  const channel = await loadEditable(prisma, "channel", id, true);
  const url = channel.source === "config" ? config.notifications.channels.find((c) => c.name === channel.name)?.url : channel.url;
  const body = renderBody(channel.type as ChannelType, buildTestMessage(channel.name, config.publicUrl, actor.name));
  return withAudit(
    prisma,
    { actor: actor.name, address, action: "notification.channel.test", target: auditTarget.notificationChannel(channel.name), request: { url: maskUrl(url) } },
    async () => {
      const delivery = await prisma.notificationDelivery.create({ data: { channelId: channel.id, channelName: channel.name, event: "test", body: body as object, status: "sending" } });
      const result = url
        ? await sendWebhook(url, body, config.notifications.delivery.timeoutMs, { allowPrivateTargets: config.notifications.allowPrivateTargets })
        : { ok: false, httpStatus: null, error: "the channel has no URL (is it still in the configuration?)", durationMs: 0 };
      getProcessMetrics().notificationAttempts.inc({ channel: channel.name, result: result.ok ? "ok" : "error" });
      await prisma.notificationAttempt.create({ data: { deliveryId: delivery.id, durationMs: result.durationMs, httpStatus: result.httpStatus, ok: result.ok, error: result.error } });
      await prisma.notificationDelivery.update({
        where: { id: delivery.id },
        data: { status: result.ok ? "sent" : "failed", attempts: 1, lastError: result.error, sentAt: result.ok ? new Date() : null },
      });
      return result;
    },
    (r) => ({ sent: r.ok, httpStatus: r.httpStatus, error: r.error }),
  );
}
