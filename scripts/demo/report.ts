import type { NatsStats } from "./nats";
import type { RabbitStats } from "./rabbitmq";

/** The demo's status and summary lines. */

export function rabbitLine(s: RabbitStats): string {
  const lost = s.lostPublishes > 0 || s.reconnects > 0 ? ` (lost in reconnects ${s.lostPublishes}, reconnected ${s.reconnects}x)` : "";
  return `rabbitmq published ${s.published}${lost} acked ${s.acked} rejected ${s.rejected} requeued ${s.requeued}`;
}

export function natsLine(s: NatsStats): string {
  const lost = s.lostPublishes > 0 ? ` (lost in reconnects ${s.lostPublishes})` : "";
  return (
    `nats published ${s.published}${lost} acked ${s.acked} nak ${s.naked} term ${s.terminated}` +
    ` | advisories max_deliveries ${s.advisories.maxDeliveries} msg_terminated ${s.advisories.msgTerminated}`
  );
}

export function elapsed(startedAt: number): string {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export function statusLine(startedAt: number, rabbit: RabbitStats | undefined, nats: NatsStats | undefined): string {
  const parts = [rabbit ? rabbitLine(rabbit) : undefined, nats ? natsLine(nats) : undefined].filter((p) => p !== undefined);
  return `[+${elapsed(startedAt)}] ${parts.join(" | ")}`;
}

export function summaryLines(startedAt: number, reason: string, rabbit: RabbitStats | undefined, nats: NatsStats | undefined): string[] {
  const lines = [`redrive demo stopped after ${elapsed(startedAt)} (${reason})`];
  if (rabbit) {
    const lost = rabbit.lostPublishes > 0 || rabbit.reconnects > 0 ? ` (${rabbit.lostPublishes} lost in ${rabbit.reconnects} reconnect${rabbit.reconnects === 1 ? "" : "s"})` : "";
    lines.push(
      `  rabbitmq: published ${rabbit.published}${lost}, acked ${rabbit.acked}, rejected to the DLX ${rabbit.rejected}, ` +
        `nacked with requeue ${rabbit.requeued} (expired reminders and delivery-limit drops are counted by the broker)`,
    );
  }
  if (nats) {
    const lost = nats.lostPublishes > 0 ? ` (${nats.lostPublishes} lost in reconnects)` : "";
    lines.push(`  nats:     published ${nats.published}${lost}, acked ${nats.acked}, nak ${nats.naked}, term ${nats.terminated}`);
    lines.push(`  nats advisories seen: MAX_DELIVERIES ${nats.advisories.maxDeliveries}, MSG_TERMINATED ${nats.advisories.msgTerminated}`);
  }
  return lines;
}
